/* Forward and backward pass of one mini-batch, in the spec's notation:
 *   a_rj = phi(x_rj E + bE)                 input 1x1 convolution
 *   z_r  = s sum_{j in I_r} a_rj V_j + bh   sparse encoder, h_r = g(z_r)
 *   y_rj = h_r W_j + c_j, q_rj = psi(y_rj)  decoder (one GEMM)
 *   o_rj = q_rj U + bU                      output 1x1 convolution (GEMM)
 * then the sampling softmax over columns, the rating softmax over levels,
 * the loss and dL/do_rj, and backpropagation through the same products. */
#include "model/batch.h"

#include "common/alloc.h"
#include "kernels/activation.h"
#include "kernels/gemm.h"
#include "kernels/softmax.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

int caerec__batch_sizes(caerec_batch_sizes *out, const caerec_dims *dm,
                        size_t B, size_t max_cells)
{
    size_t nc2, nk, bn2, bnk, bd, cc1, total = 0, t;
    if (!caerec__mul(dm->n, dm->c2, &nc2) ||
        !caerec__mul(dm->n, dm->K + 1, &nk) || !caerec__mul(B, nc2, &bn2) ||
        !caerec__mul(B, nk, &bnk) || !caerec__mul(B, dm->d, &bd) ||
        !caerec__mul(max_cells, dm->c1, &cc1))
        return -1;
    size_t floats[] = {bd, bd, bd, bn2, bnk, bn2, cc1, cc1};
    for (size_t i = 0; i < sizeof floats / sizeof *floats; i++)
        if (!caerec__mul(floats[i], sizeof(float), &t) ||
            !caerec__add(total, t, &total))
            return -1;
    if (!caerec__mul(max_cells, sizeof(uint32_t) * 2 + 1, &t) ||
        !caerec__add(total, t, &total))
        return -1;
    /* row views, loss terms and cell offsets per row */
    if (!caerec__mul(B + 1,
                     sizeof(caerec_row) + 3 * sizeof(double) + sizeof(size_t),
                     &t) ||
        !caerec__add(total, t, &total))
        return -1;
    out->bytes = total;
    return 0;
}

int caerec__batch_ws_alloc(caerec_batch_ws *ws, const caerec_dims *dm,
                           size_t max_rows, size_t max_cells)
{
    memset(ws, 0, sizeof *ws);
    caerec_batch_sizes bs;
    if (caerec__batch_sizes(&bs, dm, max_rows, max_cells))
        return CAEREC_ETOOBIG;
    size_t B = max_rows, n = dm->n;
    ws->max_rows = max_rows;
    ws->max_cells = max_cells;
    ws->Z = caerec__alloc_floats(B * dm->d);
    ws->H = caerec__alloc_floats(B * dm->d);
    ws->dH = caerec__alloc_floats(B * dm->d);
    ws->Y = caerec__alloc_floats(B * n * dm->c2);
    ws->O = caerec__alloc_floats(B * n * (dm->K + 1));
    ws->G = caerec__alloc_floats(B * n * dm->c2);
    ws->rows = caerec__malloc_array(B, sizeof(caerec_row));
    ws->row_terms = caerec__malloc_array(3 * B, sizeof(double));
    ws->row_start = caerec__malloc_array(B + 1, sizeof(size_t));
    ws->row_scale = caerec__alloc_floats(B);
    ws->cell_col = caerec__malloc_array(max_cells, sizeof(uint32_t));
    ws->cell_level = caerec__malloc_array(max_cells, sizeof(int8_t));
    ws->cell_types = caerec__malloc_array(max_cells, sizeof(uint32_t));
    ws->cell_pre = caerec__alloc_floats(max_cells * dm->c1);
    ws->cell_a = caerec__alloc_floats(max_cells * dm->c1);
    if (!ws->Z || !ws->H || !ws->dH || !ws->Y || !ws->O || !ws->G ||
        !ws->rows || !ws->row_terms || !ws->row_start || !ws->row_scale ||
        !ws->cell_col || !ws->cell_level || !ws->cell_types || !ws->cell_pre ||
        !ws->cell_a) {
        caerec__batch_ws_free(ws);
        return CAEREC_ENOMEM;
    }
    return CAEREC_OK;
}

int caerec__batch_ws_defer(caerec_batch_ws *ws, const caerec_dims *dm,
                           int threads)
{
    ws->dW_block = caerec__alloc_floats(dm->d * CAEREC_DW_BLOCK);
    ws->dV_block = caerec__alloc_floats((size_t)threads * dm->c1 * dm->d);
    ws->col_start = caerec__malloc_array(dm->n + 1, sizeof(size_t));
    ws->col_cell = caerec__malloc_array(ws->max_cells, sizeof(uint32_t));
    ws->cell_row = caerec__malloc_array(ws->max_cells, sizeof(uint32_t));
    ws->col_sq = caerec__alloc_floats(dm->n);
    if (!ws->dW_block || !ws->dV_block || !ws->col_start || !ws->col_cell ||
        !ws->cell_row || !ws->col_sq)
        return CAEREC_ENOMEM;
    ws->defer_dW = 1;
    return CAEREC_OK;
}

void caerec__batch_ws_free(caerec_batch_ws *ws)
{
    caerec__free_floats(ws->Z);
    caerec__free_floats(ws->H);
    caerec__free_floats(ws->dH);
    caerec__free_floats(ws->Y);
    caerec__free_floats(ws->O);
    caerec__free_floats(ws->G);
    free(ws->rows);
    free(ws->row_terms);
    caerec__free_floats(ws->dW_block);
    caerec__free_floats(ws->dV_block);
    free(ws->col_start);
    free(ws->col_cell);
    free(ws->cell_row);
    caerec__free_floats(ws->col_sq);
    free(ws->row_start);
    caerec__free_floats(ws->row_scale);
    free(ws->cell_col);
    free(ws->cell_level);
    free(ws->cell_types);
    caerec__free_floats(ws->cell_pre);
    caerec__free_floats(ws->cell_a);
    memset(ws, 0, sizeof *ws);
}

/* Input dropout: keep each cell with probability 1 - p. */
static size_t select_cells(const caerec_model *m, const caerec_row *inputs,
                           size_t B, caerec_rng *rng, caerec_batch_ws *ws)
{
    double p = rng ? m->cfg.dropout : 0.0;
    size_t nc = 0;
    for (size_t b = 0; b < B; b++) {
        ws->row_start[b] = nc;
        const caerec_row *r = &inputs[b];
        for (size_t i = 0; i < r->nnz; i++) {
            if (p > 0.0 && caerec__rng_uniform(rng) < p)
                continue;
            ws->cell_col[nc] = r->col[i];
            ws->cell_level[nc] = r->level[i];
            ws->cell_types[nc] = r->types[i];
            nc++;
        }
    }
    ws->row_start[B] = nc;
    return nc;
}

/* Loss of row b over its target cells, and dL/do written over O in place:
 * dL/ds_j = alpha (N P(j|r) - [j in T_r]) / B, and for rated targets
 * dL/dt_jk = (beta (P(k|r,j) - [k = k_j]) + 2 gamma (rhat - v) P_k (v_k -
 * rhat)) / B. */
static void row_loss(const caerec_model *m, float *O, const caerec_row *tg,
                     size_t B, int want_grad, double *l_sample,
                     double *l_rating, double *l_error)
{
    const caerec_dims *dm = &m->dims;
    const size_t n = dm->n, K = dm->K, KK = K + 1;
    const double alpha = m->cfg.alpha, beta = m->cfg.beta, gamma = m->cfg.gamma;
    const double inv_b = 1.0 / (double)B;
    double lse = caerec__logsumexp(O + K, n, KK);
    double ls = 0.0, lr = 0.0, le = 0.0;
    for (size_t i = 0; i < tg->nnz; i++)
        ls -= (double)O[(size_t)tg->col[i] * KK + K] - lse;
    float probs[CAEREC_MAX_LEVELS];
    size_t next = 0; /* merge over the sorted target columns */
    for (size_t j = 0; j < n; j++) {
        float *o = O + j * KK;
        int is_target = next < tg->nnz && tg->col[next] == j;
        int8_t level = is_target ? tg->level[next] : CAEREC_NO_LEVEL;
        if (is_target)
            next++;
        if (K > 0 && level != CAEREC_NO_LEVEL) {
            double lse_t = caerec__softmax(o, K, 1, probs);
            lr -= (double)o[level] - lse_t;
            double rhat = 0.0;
            for (size_t k = 0; k < K; k++)
                rhat += m->levels[k] * probs[k];
            double err = rhat - m->levels[level];
            le += err * err;
            if (want_grad)
                for (size_t k = 0; k < K; k++) {
                    double g =
                        beta * (probs[k] - (k == (size_t)level)) +
                        2.0 * gamma * err * probs[k] * (m->levels[k] - rhat);
                    o[k] = (float)(g * inv_b);
                }
        } else if (want_grad) {
            for (size_t k = 0; k < K; k++)
                o[k] = 0.0f;
        }
        if (want_grad) {
            double p = exp((double)o[K] - lse);
            o[K] = (float)(alpha * ((double)tg->nnz * p - is_target) * inv_b);
        }
    }
    *l_sample += alpha * ls;
    *l_rating += beta * lr;
    *l_error += gamma * le;
}

double caerec__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* out[c] = sum_r X[r][c]; threads split the columns, so every sum runs in
 * the same order whatever the thread count (bit-reproducible). */
static void colsum(const float *X, size_t rows, size_t cols, float *out,
                   int threads)
{
#pragma omp parallel for num_threads(threads) if (threads > 1 && cols >= 4096) \
    schedule(static)
    for (size_t c0 = 0; c0 < cols; c0 += 1024) {
        size_t c1 = c0 + 1024 < cols ? c0 + 1024 : cols;
        memset(out + c0, 0, (c1 - c0) * sizeof *out);
        for (size_t r = 0; r < rows; r++)
            for (size_t c = c0; c < c1; c++)
                out[c] += X[r * cols + c];
    }
}

/* act over a large array in parallel chunks (elementwise, so exact). */
static void act_forward_par(int act, float *x, size_t n, int threads)
{
    if (act == CAEREC_ACT_IDENTITY)
        return;
#pragma omp parallel for num_threads(threads) if (threads > 1 && n >= 65536)   \
    schedule(static)
    for (size_t i0 = 0; i0 < n; i0 += 16384)
        caerec__act_forward(act, x + i0, x + i0,
                            n - i0 < 16384 ? n - i0 : 16384);
}

static void act_backward_par(int act, const float *x, const float *y, float *g,
                             size_t n, int threads)
{
    if (act == CAEREC_ACT_IDENTITY)
        return;
#pragma omp parallel for num_threads(threads) if (threads > 1 && n >= 65536)   \
    schedule(static)
    for (size_t i0 = 0; i0 < n; i0 += 16384)
        caerec__act_backward(act, x + i0, y + i0, g + i0,
                             n - i0 < 16384 ? n - i0 : 16384);
}

/* Copies a bias row into every one of `rows` rows of width w. */
static void broadcast_rows(float *X, const float *bias, size_t rows, size_t w,
                           int threads)
{
#pragma omp parallel for num_threads(                                          \
    threads) if (threads > 1 && rows * w >= 65536) schedule(static)
    for (size_t r = 0; r < rows; r++)
        memcpy(X + r * w, bias, w * sizeof(float));
}

/* dV_j = sum over the batch's cells in column j of s_r a_rj^T dz_r. Cells
 * of different rows share columns, so threads split the hidden units
 * instead (no races; each sum in cell order, as train/adam.c's deferred
 * dV adds them). */
static void dV_whole(const caerec_model *m, const caerec_batch_ws *ws, size_t B,
                     float *gV, int threads)
{
    const size_t c1 = m->dims.c1, d = m->dims.d;
    memset(gV, 0, m->dims.n * c1 * d * sizeof(float));
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
#ifdef _OPENMP
        int tid = omp_get_thread_num(), tn = omp_get_num_threads();
#else
        int tid = 0, tn = 1;
#endif
        size_t h0 = d * (size_t)tid / (size_t)tn,
               h1 = d * (size_t)(tid + 1) / (size_t)tn;
        for (size_t b = 0; b < B; b++) {
            const float *dz = ws->dH + b * d;
            const float sb = ws->row_scale[b];
            for (size_t c = ws->row_start[b]; c < ws->row_start[b + 1]; c++)
                caerec__dV_add_cell(gV + (size_t)ws->cell_col[c] * c1 * d,
                                    ws->cell_a + c * c1, dz, sb, c1, d, h0, h1);
        }
    }
}

void caerec__batch_run(const caerec_model *m, const caerec_row *inputs,
                       const caerec_row *targets, size_t B, caerec_rng *rng,
                       caerec_batch_ws *ws, float *grad, caerec_losses *losses,
                       int threads)
{
    const caerec_dims *dm = &m->dims;
    const caerec_params *P = &m->params;
    const size_t n = dm->n, d = dm->d, c1 = dm->c1, c2 = dm->c2;
    const size_t KK = dm->K + 1, nc2 = n * c2;
    const float s = rng && m->cfg.dropout > 0.0
                        ? (float)(1.0 / (1.0 - m->cfg.dropout))
                        : 1.0f;
    double *clock = ws->phase_seconds, t0 = caerec__now(), t1;
#define PHASE(p) (t1 = caerec__now(), clock[p] += t1 - t0, t0 = t1)

    /* 1. Input convolution on the kept cells, then the sparse encoder
     * (scaled per row: s for dropout, caerec__encoder_scale for the row's
     * length); rows are independent, so threads split them. */
    size_t nc = select_cells(m, inputs, B, rng, ws);
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
    for (size_t c = 0; c < nc; c++) {
        float *pre = ws->cell_pre + c * c1;
        caerec__input_conv_pre(m, ws->cell_level[c], ws->cell_types[c], pre);
        caerec__act_forward(m->cfg.act_in, pre, ws->cell_a + c * c1, c1);
    }
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
    for (size_t b = 0; b < B; b++) {
        float *z = ws->Z + b * d;
        const float sb = ws->row_scale[b] =
            s * caerec__encoder_scale(m, inputs[b].nnz);
        memcpy(z, P->bh, d * sizeof *z);
        for (size_t c = ws->row_start[b]; c < ws->row_start[b + 1]; c++) {
            const float *a = ws->cell_a + c * c1;
            const float *v = P->V + (size_t)ws->cell_col[c] * c1 * d;
            for (size_t k = 0; k < c1; k++) {
                float w = sb * a[k];
                const float *vk = v + k * d;
                for (size_t h = 0; h < d; h++)
                    z[h] += w * vk[h];
            }
        }
    }
    caerec__act_forward(m->cfg.act_hidden, ws->Z, ws->H, B * d);
    PHASE(CAEREC_PHASE_ENCODER);
    /* 2. Decoder: Y = H W + c, then psi in place. */
    broadcast_rows(ws->Y, P->cb, B, nc2, threads);
    caerec__sgemm(threads, false, false, B, nc2, d, 1.0f, ws->H, d, P->W, nc2,
                  1.0f, ws->Y, nc2);
    act_forward_par(m->cfg.act_out, ws->Y, B * nc2, threads);
    PHASE(CAEREC_PHASE_DECODER);
    /* 3. Output convolution: O = Q U + bU over all B*n cells. */
    broadcast_rows(ws->O, P->bU, B * n, KK, threads);
    caerec__sgemm(threads, false, false, B * n, KK, c2, 1.0f, ws->Y, c2, P->U,
                  KK, 1.0f, ws->O, KK);
    /* 4. Loss, and dL/dO in place; per-row sums added in row order. */
    double *rt = ws->row_terms;
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
    for (size_t b = 0; b < B; b++) {
        rt[3 * b] = rt[3 * b + 1] = rt[3 * b + 2] = 0.0;
        row_loss(m, ws->O + b * n * KK, &targets[b], B, grad != NULL,
                 &rt[3 * b], &rt[3 * b + 1], &rt[3 * b + 2]);
    }
    double ls = 0.0, lr = 0.0, le = 0.0;
    for (size_t b = 0; b < B; b++) {
        ls += rt[3 * b];
        lr += rt[3 * b + 1];
        le += rt[3 * b + 2];
    }
    losses->sample = ls / (double)B;
    losses->rating = lr / (double)B;
    losses->error = le / (double)B;
    losses->l2 = 0.0;
    losses->total = losses->sample + losses->rating + losses->error;
    PHASE(CAEREC_PHASE_OUTPUT);
    if (!grad)
        return;

    caerec_params g = {.data = grad, .size = P->size};
    caerec__params_bind(&g, dm);
    /* 5. Output convolution backward: dU = Q^T dO, dbU, dQ = dO U^T. */
    caerec__sgemm(threads, true, false, c2, KK, B * n, 1.0f, ws->Y, c2, ws->O,
                  KK, 0.0f, g.U, KK);
    colsum(ws->O, B * n, KK, g.bU, 1);
    caerec__sgemm(threads, false, true, B * n, c2, KK, 1.0f, ws->O, KK, P->U,
                  KK, 0.0f, ws->G, c2);
    act_backward_par(m->cfg.act_out, ws->Y, ws->Y, ws->G, B * nc2, threads);
    PHASE(CAEREC_PHASE_BACK_OUT);
    /* 6. Decoder backward: dW = H^T dY, dc, dH = dY W^T, then g'. */
    ws->last_rows = B;
    if (!ws->defer_dW)
        caerec__sgemm(threads, true, false, d, nc2, B, 1.0f, ws->H, d, ws->G,
                      nc2, 0.0f, g.W, nc2);
    colsum(ws->G, B, nc2, g.cb, threads);
    caerec__sgemm(threads, false, true, B, d, nc2, 1.0f, ws->G, nc2, P->W, nc2,
                  0.0f, ws->dH, d);
    caerec__act_backward(m->cfg.act_hidden, ws->Z, ws->H, ws->dH, B * d);
    colsum(ws->dH, B, d, g.bh, 1);
    PHASE(CAEREC_PHASE_BACK_DEC);
    /* 7. Sparse encoder backward. da_rj = s_r dz_r V_j^T per cell (cells are
     * independent), then phi'. */
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
    for (size_t b = 0; b < B; b++) {
        const float *dz = ws->dH + b * d;
        const float sb = ws->row_scale[b];
        for (size_t c = ws->row_start[b]; c < ws->row_start[b + 1]; c++) {
            const float *v = P->V + (size_t)ws->cell_col[c] * c1 * d;
            float *a = ws->cell_a + c * c1, da[1024];
            for (size_t k = 0; k < c1; k++) {
                float acc = 0.0f;
                for (size_t h = 0; h < d; h++)
                    acc += dz[h] * v[k * d + h];
                da[k] = sb * acc;
            }
            /* pre is spent once phi' is applied; da takes its place so
             * the dV pass below can still read a. */
            caerec__act_backward(m->cfg.act_in, ws->cell_pre + c * c1, a, da,
                                 c1);
            memcpy(ws->cell_pre + c * c1, da, c1 * sizeof *da);
        }
    }
    /* dV, unless training leaves it to the optimizer (defer_dW). */
    if (!ws->defer_dW)
        dV_whole(m, ws, B, g.V, threads);
    /* dE and dbE from the per-cell da (now in cell_pre). */
    memset(g.E, 0, dm->C * c1 * sizeof(float));
    memset(g.bE, 0, c1 * sizeof(float));
    for (size_t c = 0; c < nc; c++) {
        const float *da = ws->cell_pre + c * c1;
        for (size_t k = 0; k < c1; k++)
            g.bE[k] += da[k];
        if (ws->cell_level[c] != CAEREC_NO_LEVEL)
            for (size_t k = 0; k < c1; k++)
                g.E[(size_t)ws->cell_level[c] * c1 + k] += da[k];
        for (size_t t = 0; t < dm->T; t++)
            if (ws->cell_types[c] >> t & 1u)
                for (size_t k = 0; k < c1; k++)
                    g.E[(dm->K + t) * c1 + k] += da[k];
    }
    PHASE(CAEREC_PHASE_BACK_ENC);
#undef PHASE
}

double caerec__l2_penalty(const caerec_model *m)
{
    caerec_layout L;
    caerec__layout(&L, &m->dims);
    double sum = 0.0;
    for (int t = 0; t < CAEREC_N_TENSORS; t++) {
        const double lam = caerec__tensor_l2(m, t);
        if (lam == 0.0 || t == CAEREC_T_W)
            continue;
        const float *x = m->params.data + L.offset[t];
        double tsq = 0.0;
        for (size_t i = 0; i < L.count[t]; i++)
            tsq += (double)x[i] * x[i];
        sum += lam * tsq;
    }
    /* W: sum_j |W_j - centre|^2, the centre computed here as adam.c
     * computes it, so the two report the same penalty. */
    const size_t d = m->dims.d, c2 = m->dims.c2, row = m->dims.n * c2;
    float *centre = caerec__alloc_floats(d * c2 > 0 ? d * c2 : 1);
    if (!centre)
        return NAN;
    caerec__decoder_centre(m, centre);
    const float *each = caerec__prior_centres(m);
    double wsum = 0.0;
    for (size_t h = 0; h < d; h++)
        for (size_t i = 0; i < row; i++) {
            double dev = (double)m->params.W[h * row + i] -
                         (each ? each[h * row + i] : centre[h * c2 + i % c2]);
            wsum += dev * dev;
        }
    sum += caerec__tensor_l2(m, CAEREC_T_W) * wsum;
    caerec__free_floats(centre);
    return 0.5 * sum;
}
