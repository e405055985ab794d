/* One mini-batch through the model: forward pass, loss and (optionally) the
 * gradient of the loss with respect to every parameter. This is the
 * training path; prediction uses the lighter caerec__encode/decode. */
#ifndef CAEREC_MODEL_BATCH_H
#define CAEREC_MODEL_BATCH_H

#include "model/model.h"

typedef struct caerec_batch_sizes {
    size_t bytes; /* workspace for B rows */
} caerec_batch_sizes;

/* Workspace bytes for batches of up to B rows holding up to max_cells
 * input cells in all. CAEREC_ETOOBIG on overflow. */
int caerec__batch_sizes(caerec_batch_sizes *out, const caerec_dims *dm,
                        size_t B, size_t max_cells);

/* Where a training step spends its time (benchmarks print these). */
enum {
    CAEREC_PHASE_ENCODER,  /* input convolution and sparse encoder */
    CAEREC_PHASE_DECODER,  /* decoder GEMM and psi */
    CAEREC_PHASE_OUTPUT,   /* output convolution, softmaxes, loss, dL/do */
    CAEREC_PHASE_BACK_OUT, /* dU, dQ, psi' */
    CAEREC_PHASE_BACK_DEC, /* dW, dc, dH, g' */
    CAEREC_PHASE_BACK_ENC, /* dV, dE */
    CAEREC_PHASE_OPTIMIZER,
    CAEREC_PHASE_PRIOR, /* decoder-l2 regressed's refit at an epoch's end */
    CAEREC_N_PHASES
};

/* Columns of W per deferred-gradient block (d x this many floats). */
#define CAEREC_DW_BLOCK 2048

typedef struct caerec_batch_ws {
    double phase_seconds[CAEREC_N_PHASES]; /* accumulated over runs */
    size_t max_rows, max_cells;
    float *Z, *H, *dH; /* B x d: pre-activation, g(Z), then dL/dZ */
    float *Y;          /* B x n x C2: decoder output, psi applied in place */
    float *O;          /* B x n x (K+1): logits, then dL/dlogits in place */
    float *G;          /* B x n x C2: dL/dY */
    caerec_row *rows;  /* B row views, for callers assembling a batch */
    double *row_terms; /* B x 3: each row's loss terms, summed in order */
    /* Training sets defer_dW: caerec__batch_run then leaves dW = H^T dY and
     * dV to the optimizer, which computes dW in column blocks from H and G
     * (kept here with last_rows) and dV one column at a time from the
     * cells, dH and row_scale, and applies each block at once: the two
     * largest gradients, each as large as its tensor, are never held whole
     * (nor zeroed and read back every step). */
    int defer_dW;
    size_t last_rows;
    float *dW_block;    /* d x CAEREC_DW_BLOCK, allocated on first use */
    float *dV_block;    /* threads x C1 x d, allocated with dW_block */
    size_t *col_start;  /* n + 1: the kept cells grouped by column ... */
    uint32_t *col_cell; /* max_cells: ... cell indices, increasing in each */
    uint32_t *cell_row; /* max_cells: the batch row of each kept cell */
    float *col_sq;      /* n: |V_j|^2 of each column, summed in order */
    size_t *row_start;  /* B + 1 offsets into the cell arrays */
    float *row_scale;   /* B: the encoder's scale of each row, dropout's s
                           times caerec__encoder_scale, set by the forward
                           pass and read by the backward one */
    uint32_t *cell_col; /* kept input cells (after dropout) */
    int8_t *cell_level;
    uint32_t *cell_types;
    float *cell_pre; /* cells x C1: x E + bE */
    float *cell_a;   /* cells x C1: phi(pre), then scratch */
} caerec_batch_ws;

int caerec__batch_ws_alloc(caerec_batch_ws *ws, const caerec_dims *dm,
                           size_t max_rows, size_t max_cells);
/* Allocates the buffers of the deferred dW and dV (training, `threads` per
 * call) and sets defer_dW. 0 or CAEREC_ENOMEM. */
int caerec__batch_ws_defer(caerec_batch_ws *ws, const caerec_dims *dm,
                           int threads);

/* One cell's share of dV_j: gv[k][h] += (sb a[k]) dz[h] for h in [h0, h1).
 * Both dV paths (whole, and deferred in train/adam.c) add through it, so
 * they make the same floats. */
static inline void caerec__dV_add_cell(float *gv, const float *a,
                                       const float *dz, float sb, size_t c1,
                                       size_t d, size_t h0, size_t h1)
{
    for (size_t k = 0; k < c1; k++) {
        float w = sb * a[k];
        float *gvk = gv + k * d;
        for (size_t h = h0; h < h1; h++)
            gvk[h] += w * dz[h];
    }
}
void caerec__batch_ws_free(caerec_batch_ws *ws);

/* Runs B rows. inputs[b] is the row fed to the encoder (dropped out with
 * probability cfg.dropout when rng is non-NULL, else kept whole with
 * s = 1); targets[b] holds the cells whose likelihood is the loss (the
 * same row when training). The total input cells must be <= ws->max_cells.
 * losses receives the per-row averaged terms (l2 left 0: the optimizer
 * adds it). When grad is non-NULL (params.size floats) it receives dL/dtheta
 * of the data terms, without the L2 part. threads: BLIS threads. */
void caerec__batch_run(const caerec_model *model, const caerec_row *inputs,
                       const caerec_row *targets, size_t B, caerec_rng *rng,
                       caerec_batch_ws *ws, float *grad, caerec_losses *losses,
                       int threads);

/* Monotonic clock in seconds, for the phase timers. */
double caerec__now(void);

/* lambda/2 * sum of squares of the decayed tensors, W's taken about
 * caerec__decoder_centre and times decoder-l2-weight (what Adam's step
 * reports as the penalty); NaN if the centre's scratch cannot be
 * allocated. */
double caerec__l2_penalty(const caerec_model *model);

#endif
