/* Internal layout of caerec_model, shared by model/, train/, predict/ and
 * io/. Notation follows docs/model.md (the spec): m rows, n columns, K
 * levels, T types, C = K + T channels, hidden size d, widths C1 and C2. */
#ifndef CAEREC_MODEL_MODEL_H
#define CAEREC_MODEL_MODEL_H

#include "caerec.h"
#include "common/rng.h"
#include "data/dataset.h"
#include "data/idmap.h"
#include "model/config.h"
#include "model/prior.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* Sizes fixed at creation. */
typedef struct caerec_dims {
    size_t m, n; /* rows, columns (users x items, or items x users) */
    size_t K, T, C;
    size_t d, c1, c2;
} caerec_dims;

/* Every parameter lives in one float block (so the optimizer, checksums and
 * files treat it as one vector); the named pointers are views into it, in
 * this order:
 *   E  [C][C1]        input 1x1 convolution
 *   bE [C1]
 *   V  [n][C1][d]     encoder: row (j*C1 + c) is channel c of column j
 *   bh [d]
 *   W  [d][n*C2]      decoder: column (j*C2 + c) is channel c of column j
 *   cb [n*C2]         decoder bias c_j
 *   U  [C2][K+1]      output 1x1 convolution: K rating logits, then the
 *                     consumption logit
 *   bU [K+1]
 */
typedef struct caerec_params {
    float *data;
    size_t size;
    float *E, *bE, *V, *bh, *W, *cb, *U, *bU;
} caerec_params;

/* The sizes of a model with configuration cfg over n_users x n_items
 * with K levels and T types (rows and columns follow cfg->orientation). */
void caerec__dims_make(caerec_dims *out, const caerec_cfg *cfg, size_t n_users,
                       size_t n_items, size_t K, size_t T);

/* Offsets of each tensor in the block; also what the file format lists. */
enum {
    CAEREC_T_E,
    CAEREC_T_BE,
    CAEREC_T_V,
    CAEREC_T_BH,
    CAEREC_T_W,
    CAEREC_T_CB,
    CAEREC_T_U,
    CAEREC_T_BU,
    CAEREC_N_TENSORS
};
typedef struct caerec_layout {
    size_t offset[CAEREC_N_TENSORS];
    size_t count[CAEREC_N_TENSORS];
    size_t total;
} caerec_layout;

/* 0, or CAEREC_ETOOBIG when the sizes overflow. */
int caerec__layout(caerec_layout *out, const caerec_dims *dims);
/* Allocates a zeroed parameter block for dims and points the views. */
int caerec__params_alloc(caerec_params *p, const caerec_dims *dims);
void caerec__params_free(caerec_params *p);
/* Re-points the views of p at p->data (after a copy or a load). */
void caerec__params_bind(caerec_params *p, const caerec_dims *dims);
/* Glorot-uniform weights, zero biases, from rng. */
void caerec__params_init(caerec_params *p, const caerec_dims *dims,
                         caerec_rng *rng);
/* Whether L2 applies to tensor t (weights yes, biases no). */
int caerec__tensor_decayed(int t);
/* The L2 strength on tensor t: l2 on the weights, times decoder-l2-weight
 * on W; 0 on the biases. Adam, the reported penalty and fold-in use it. */
double caerec__tensor_l2(const caerec_model *m, int t);
/* The average decoder column, a d x c2 block: out[h c2 + c] = 1/n sum_j
 * W[h, j c2 + c], summed in column order (the same at any thread count). */
void caerec__decoder_column_mean(const caerec_model *m, float *out);
/* The point the L2 pulls W toward: zeros, or with decoder-l2 column-mean
 * (and regressed, until its first refit) the average decoder column. The
 * regressed centres proper are caerec__prior_centres. */
void caerec__decoder_centre(const caerec_model *m, float *out);

/* State that exists only while a model can still be trained. */
typedef struct caerec_train_state {
    float *adam_m, *adam_v; /* first and second moments, params.size each */
    uint64_t step;          /* Adam steps taken */
    unsigned epoch;         /* completed epochs */
    size_t cursor;          /* rows of the current epoch already used */
    uint32_t *order;        /* m row indices, this epoch's shuffle */
    caerec_rng rng;         /* shuffle and dropout draws */
    double lr;              /* current learning rate (after decay) */
    int order_valid;        /* order holds the current epoch's shuffle */
    float *grad;            /* params.size: gradient of the current step */
    float *w_centre;        /* d x c2: caerec__decoder_centre of this step */
    struct caerec_batch_ws
        *ws; /* forward/backward scratch, kept across steps */
} caerec_train_state;

/* Caches that make prediction cheap, computed from the parameters when they
 * are final (after fit, after load). For item orientation they are needed to
 * score a user (a column): the hidden code of every item row, and the
 * log-sum-exp of each item row's consumption logits over all users. */
typedef struct caerec_infer_cache {
    float *hidden;  /* m x d, g(z_r) of every training row, or NULL */
    double *lse;    /* m: log sum_j exp(s_rj) of every row, or NULL */
    double *row_pi; /* m: pi_r = |O_r| / sum |O| */
    int valid;      /* read and written under lock */
    pthread_mutex_t lock;
} caerec_infer_cache;

struct caerec_model {
    caerec_cfg cfg;
    caerec_dims dims;
    double *levels;    /* K */
    char **type_names; /* T */
    caerec_idmap users, items;
    caerec_csr rows;    /* training interactions, model orientation */
    caerec_csr by_user; /* the same with users as rows (item orientation
                           only; for user orientation it is `rows`) */
    caerec_params params;
    caerec_prior prior;        /* decoder-l2 regressed's centres (prior.h) */
    caerec_train_state *train; /* NULL once loaded from a model file */
    caerec_infer_cache cache;
    unsigned file_format;  /* format version of the file it was loaded from */
    unsigned file_library; /* CAEREC_VERSION_NUMBER of that file's writer */
};

/* Allocates a model shell for dims: copies cfg, zeroes everything else,
 * allocates params. The caller fills levels, names, id maps, rows. */
int caerec__model_alloc(caerec_model **out, const caerec_cfg *cfg,
                        const caerec_dims *dims);
/* Allocates the training state (Adam moments zeroed, rng seeded from
 * cfg.seed). The batch workspace is allocated on the first step. */
int caerec__train_state_alloc(caerec_model *model);
void caerec__train_state_free(caerec_train_state *ts);
/* Makes sure the inference cache matches the current parameters, building
 * it on first use after training changed them. Safe to call from many
 * threads at once on a model that is not being trained (the cache is
 * logically part of the read-only model; a mutex guards its construction).
 * 0 or CAEREC_ENOMEM. */
int caerec__model_ready(const caerec_model *model);
/* Marks the cache stale (training changed the parameters). */
void caerec__infer_cache_invalidate(caerec_model *model);
void caerec__infer_cache_free(caerec_infer_cache *cache);
/* The training interactions with users as rows (seen items, N_u). */
const caerec_csr *caerec__user_rows(const caerec_model *model);

/* ---- Inference primitives used by predict/ (threads = cfg.threads) ---- */

/* Scratch for caerec__encode/decode, sized for up to max_rows rows and all
 * n columns. One per thread; never shared. */
typedef struct caerec_infer_ws {
    size_t max_rows;
    float *pre; /* input convolution scratch, C1 floats */
    float *Y;   /* max_rows x n x C2 decoder output */
} caerec_infer_ws;
int caerec__infer_ws_alloc(caerec_infer_ws *ws, const caerec_model *model,
                           size_t max_rows);
void caerec__infer_ws_free(caerec_infer_ws *ws);

/* pre = x E + bE for one cell with rating level `level` (or
 * CAEREC_NO_LEVEL) and type bits `types`: the input 1x1 convolution before
 * phi, as the sum of the E rows of the cell's set channels. */
void caerec__input_conv_pre(const caerec_model *model, int8_t level,
                            uint32_t types, float *pre);

/* The encoder's scale for a row of `cells` cells (the whole row, before
 * any dropout): (encoder-norm-ref / cells)^encoder-norm, 1 when
 * encoder-norm is 0 or the row is empty. */
float caerec__encoder_scale(const caerec_model *model, size_t cells);

/* H[b] = g(r_b sum_{j in row b} phi(x_bj E + bE) V_j + bh) for B rows,
 * r_b = caerec__encoder_scale of the row, without dropout. H is B x d. */
void caerec__encode(const caerec_model *model, const caerec_row *rows, size_t B,
                    caerec_infer_ws *ws, float *H);

/* O[b][j - j0][0..K] = psi(H[b] W_j + c_j) U + bU for columns j in
 * [j0, j1): the K rating logits then the consumption logit. O is
 * B x (j1 - j0) x (K + 1). Uses ws->Y. */
void caerec__decode(const caerec_model *model, const float *H, size_t B,
                    size_t j0, size_t j1, caerec_infer_ws *ws, float *O,
                    int threads);

/* With psi = identity the decoder and the output convolution compose into
 * one linear map for the consumption logit: s_rj = h_r (W_j U_K) +
 * (c_j U_K + bU_K), U_K being the consumption column of U. When only
 * P(j | r) is needed (ranking by sample or consume, top-k evaluation, the
 * item-orientation cache) that is a (B x d)(d x n) product instead of
 * (B x d)(d x n*C2) and the output convolution: C2 times fewer flops and
 * weight bytes. Built once per use (one pass over W). */
typedef struct caerec_consumption_map {
    float *Ws; /* d x n */
    float *cs; /* n */
} caerec_consumption_map;

/* 0 or CAEREC_ENOMEM. Valid only for act_out == identity. */
int caerec__consumption_map_build(caerec_consumption_map *f,
                                  const caerec_model *model);
void caerec__consumption_map_free(caerec_consumption_map *f);
/* S[b][j - j0] = s_bj for columns [j0, j1): B x (j1 - j0). */
void caerec__consumption_decode(const caerec_model *model,
                                const caerec_consumption_map *f, const float *H,
                                size_t B, size_t j0, size_t j1, float *S,
                                int threads);

#endif
