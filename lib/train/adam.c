#include "train/adam.h"

#include "kernels/gemm.h"

#include <math.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#define ADAM_BETA1 0.9f
#define ADAM_BETA2 0.999f
#define ADAM_EPS   1e-8f

/* NaN when any value is NaN or Inf: x - x is 0 for finite x and NaN
 * otherwise, and NaN survives the sum. One vectorisable pass. */
static float nonfinite_probe(const float *x, size_t n)
{
    float acc = 0.0f;
    for (size_t i = 0; i < n; i++)
        acc += x[i] - x[i];
    return acc;
}

/* The block is cut in fixed chunks so partial sums, and therefore the
 * reported penalty, do not depend on the thread count. */
#define ADAM_CHUNK 65536

typedef struct adam_consts {
    float lr, c1, c2;
} adam_consts;

/* What the L2 pulls a chunk toward: zero (centre and each NULL), or for a
 * chunk of W starting at W[at] the d x c2 centre, whose row h repeats every
 * c2 values along W's row h of n c2 values, or a centre for each value
 * (`each`, pointing at the chunk's own: decoder-l2 regressed). */
typedef struct l2_pull {
    const float *centre;
    size_t c2, row_len, at;
    const float *each;
} l2_pull;

static const l2_pull TO_ZERO = {NULL, 1, 1, 0, NULL};

/* The pull on the chunk of W at W[at]: toward each value's own centre
 * (`each`, W's layout) when there is one, else toward the d x c2 centre
 * (NULL: zero). */
static l2_pull pull_on_W(const float *centre, const float *each, size_t c2,
                         size_t row_len, size_t at)
{
    if (each)
        return (l2_pull){NULL, 1, 1, 0, each + at};
    return centre ? (l2_pull){centre, c2, row_len, at, NULL} : TO_ZERO;
}

/* One chunk of one tensor; returns the sum of squares of theta - centre
 * before the update. */
static float adam_chunk(float *theta, float *mm, float *vv, const float *g0,
                        size_t cnt, float lam, adam_consts k, l2_pull pull)
{
    float tsq = 0.0f;
    size_t c = pull.at % pull.c2, pos = pull.at % pull.row_len;
    const float *crow =
        pull.centre ? pull.centre + pull.at / pull.row_len * pull.c2 : NULL;
    for (size_t i = 0; i < cnt; i++) {
        float th = theta[i];
        float dev = th;
        if (pull.each) {
            dev -= pull.each[i];
        } else if (crow) {
            dev -= crow[c];
            c = c + 1 == pull.c2 ? 0 : c + 1;
            if (++pos == pull.row_len) {
                pos = 0;
                crow += pull.c2;
            }
        }
        float g = g0[i] + lam * dev;
        tsq += dev * dev;
        float mi = ADAM_BETA1 * mm[i] + (1.0f - ADAM_BETA1) * g;
        float vi = ADAM_BETA2 * vv[i] + (1.0f - ADAM_BETA2) * g * g;
        mm[i] = mi;
        vv[i] = vi;
        theta[i] = th - k.lr * (mi * k.c1) / (sqrtf(vi * k.c2) + ADAM_EPS);
    }
    return tsq;
}

/* Largest |x| of n values (NaN-propagating through the probe instead). */
static float max_abs(const float *x, size_t n)
{
    float mx = 0.0f;
    for (size_t i = 0; i < n; i++) {
        float a = fabsf(x[i]);
        mx = a > mx ? a : mx;
    }
    return mx;
}

/* Whether dW = H^T G, not yet computed, is certainly finite: H and G are
 * finite and every entry, a sum of B products, is bounded by
 * B max|H| max|G|, which must stay far below FLT_MAX. */
static int deferred_dW_finite(const caerec_model *m, const caerec_batch_ws *ws)
{
    const size_t B = ws->last_rows, d = m->dims.d, nc2 = m->dims.n * m->dims.c2;
    if (nonfinite_probe(ws->H, B * d) != 0.0f ||
        nonfinite_probe(ws->G, B * nc2) != 0.0f)
        return 0;
    double bound = (double)B * max_abs(ws->H, B * d) * max_abs(ws->G, B * nc2);
    return bound < 1e30;
}

/* Adam on W with its gradient made block by block: dW[:, c0:c1] = H^T
 * G[:, c0:c1] (one GEMM per block), then the update of those columns.
 * Returns the sum of squares of W - centre before the step. */
static double adam_deferred_W(caerec_model *m, caerec_batch_ws *ws, size_t off,
                              float lam, adam_consts k, const float *centre,
                              const float *each)
{
    caerec_train_state *ts = m->train;
    const int threads = m->cfg.threads;
    const size_t d = m->dims.d, c2 = m->dims.c2, nc2 = m->dims.n * c2,
                 B = ws->last_rows;
    float *W = m->params.data + off, *mW = ts->adam_m + off,
          *vW = ts->adam_v + off;
    double sq = 0.0;
    float row_sq[d ? d : 1];
    for (size_t c0 = 0; c0 < nc2; c0 += CAEREC_DW_BLOCK) {
        size_t w = nc2 - c0 < CAEREC_DW_BLOCK ? nc2 - c0 : CAEREC_DW_BLOCK;
        caerec__sgemm(threads, true, false, d, w, B, 1.0f, ws->H, d, ws->G + c0,
                      nc2, 0.0f, ws->dW_block, w);
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(static)
        for (size_t h = 0; h < d; h++) {
            size_t at = h * nc2 + c0;
            l2_pull pull = pull_on_W(centre, each, c2, nc2, at);
            row_sq[h] = adam_chunk(W + at, mW + at, vW + at,
                                   ws->dW_block + h * w, w, lam, k, pull);
        }
        for (size_t h = 0; h < d; h++)
            sq += row_sq[h];
    }
    return sq;
}

/* The batch's kept cells grouped by column (a counting sort that keeps
 * cell order within each column, the order the whole-gradient path adds
 * them in, so both make the same floats), with each cell's row. Returns the
 * most cells any column has. */
static size_t group_cells_by_column(const caerec_model *m, caerec_batch_ws *ws)
{
    const size_t n = m->dims.n, B = ws->last_rows, nc = ws->row_start[B];
    size_t *start = ws->col_start, most = 0;
    memset(start, 0, (n + 1) * sizeof *start);
    for (size_t c = 0; c < nc; c++)
        start[ws->cell_col[c] + 1]++;
    for (size_t j = 0; j < n; j++) {
        most = start[j + 1] > most ? start[j + 1] : most;
        start[j + 1] += start[j];
    }
    for (size_t b = 0; b < B; b++)
        for (size_t c = ws->row_start[b]; c < ws->row_start[b + 1]; c++) {
            size_t at = start[ws->cell_col[c]]++;
            ws->col_cell[at] = (uint32_t)c;
            ws->cell_row[c] = (uint32_t)b;
        }
    /* the fill advanced each start to the next column's: shift back */
    memmove(start + 1, start, n * sizeof *start);
    start[0] = 0;
    return most;
}

/* Whether dV, not yet computed, is certainly finite: each entry sums at
 * most `most` products s_r a_rj[k] dz_r[h], bounded as for dW. */
static int deferred_dV_finite(const caerec_model *m, const caerec_batch_ws *ws,
                              size_t most)
{
    const size_t B = ws->last_rows, d = m->dims.d,
                 ca = ws->row_start[B] * m->dims.c1;
    if (nonfinite_probe(ws->dH, B * d) != 0.0f ||
        nonfinite_probe(ws->cell_a, ca) != 0.0f ||
        nonfinite_probe(ws->row_scale, B) != 0.0f)
        return 0;
    double bound = (double)most * max_abs(ws->row_scale, B) *
                   max_abs(ws->cell_a, ca) * max_abs(ws->dH, B * d);
    return bound < 1e30;
}

/* Adam on V with its gradient made one column at a time: dV_j (C1 x d) =
 * sum over column j's cells of s_r a_rj^T dz_r, in cell order, then the
 * update of V_j. Threads split the columns, each with its own block.
 * Returns the sum of squares of V before the step. */
static double adam_deferred_V(caerec_model *m, caerec_batch_ws *ws, size_t off,
                              float lam, adam_consts k)
{
    caerec_train_state *ts = m->train;
    const int threads = m->cfg.threads;
    const size_t n = m->dims.n, c1 = m->dims.c1, d = m->dims.d, blk = c1 * d;
    float *col_sq = ws->col_sq;
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
#ifdef _OPENMP
        float *g = ws->dV_block + (size_t)omp_get_thread_num() * blk;
#else
        float *g = ws->dV_block;
#endif
#pragma omp for schedule(static)
        for (size_t j = 0; j < n; j++) {
            memset(g, 0, blk * sizeof *g);
            for (size_t i = ws->col_start[j]; i < ws->col_start[j + 1]; i++) {
                const size_t c = ws->col_cell[i], b = ws->cell_row[c];
                caerec__dV_add_cell(g, ws->cell_a + c * c1, ws->dH + b * d,
                                    ws->row_scale[b], c1, d, 0, d);
            }
            size_t at = off + j * blk;
            col_sq[j] = adam_chunk(m->params.data + at, ts->adam_m + at,
                                   ts->adam_v + at, g, blk, lam, k, TO_ZERO);
        }
    }
    double sq = 0.0;
    for (size_t j = 0; j < n; j++)
        sq += col_sq[j];
    return sq;
}

double caerec__adam_step(caerec_model *m, const float *grad,
                         caerec_batch_ws *ws)
{
    caerec_train_state *ts = m->train;
    const int threads = m->cfg.threads;
    caerec_layout L;
    caerec__layout(&L, &m->dims);
    const int defer = ws && ws->defer_dW; /* then ws->dW_block exists */
    float probe = 0.0f;
    for (int t = 0; t < CAEREC_N_TENSORS; t++) {
        if (defer && (t == CAEREC_T_W || t == CAEREC_T_V))
            continue;
        const size_t off = L.offset[t], cnt = L.count[t];
        const size_t n_chunks = (cnt + ADAM_CHUNK - 1) / ADAM_CHUNK;
#pragma omp parallel for num_threads(threads) if (threads > 1 && n_chunks > 1) reduction(+ : probe) schedule(static)
        for (size_t c = 0; c < n_chunks; c++) {
            size_t i0 = c * ADAM_CHUNK;
            probe += nonfinite_probe(
                grad + off + i0, cnt - i0 < ADAM_CHUNK ? cnt - i0 : ADAM_CHUNK);
        }
    }
    if (probe != 0.0f)
        return NAN;
    if (defer) {
        size_t most = group_cells_by_column(m, ws);
        if (!deferred_dW_finite(m, ws) || !deferred_dV_finite(m, ws, most))
            return NAN;
    }

    ts->step++;
    adam_consts k = {(float)ts->lr,
                     (float)(1.0 / (1.0 - pow(ADAM_BETA1, (double)ts->step))),
                     (float)(1.0 / (1.0 - pow(ADAM_BETA2, (double)ts->step)))};
    double penalty = 0.0;
    /* Before any update: the centre is that of the parameters the gradient
     * was taken at. */
    const float *centre = NULL, *each = caerec__prior_centres(m);
    if (!each && caerec__decoder_l2_centred(&m->cfg)) {
        caerec__decoder_centre(m, ts->w_centre);
        centre = ts->w_centre;
    }
    const size_t c2 = m->dims.c2;
    for (int t = 0; t < CAEREC_N_TENSORS; t++) {
        const size_t off = L.offset[t], cnt = L.count[t];
        /* The penalty is 1/2 sum_t lambda_t |theta_t - centre_t|^2. */
        const double lam_t = caerec__tensor_l2(m, t);
        const float lam = (float)lam_t;
        if (defer && t == CAEREC_T_W) {
            penalty +=
                lam_t * adam_deferred_W(m, ws, off, lam, k, centre, each);
            continue;
        }
        if (defer && t == CAEREC_T_V) {
            penalty += lam_t * adam_deferred_V(m, ws, off, lam, k);
            continue;
        }
        const size_t nc = (cnt + ADAM_CHUNK - 1) / ADAM_CHUNK;
        float partial[nc ? nc : 1];
#pragma omp parallel for num_threads(threads) if (threads > 1 && nc > 1)       \
    schedule(static)
        for (size_t c = 0; c < nc; c++) {
            size_t i0 = off + c * ADAM_CHUNK;
            size_t len = cnt - c * ADAM_CHUNK < ADAM_CHUNK
                             ? cnt - c * ADAM_CHUNK
                             : ADAM_CHUNK;
            l2_pull pull = TO_ZERO;
            if (t == CAEREC_T_W)
                pull = pull_on_W(centre, each, c2, m->dims.n * c2, i0 - off);
            partial[c] =
                adam_chunk(m->params.data + i0, ts->adam_m + i0,
                           ts->adam_v + i0, grad + i0, len, lam, k, pull);
        }
        if (lam != 0.0f) {
            double tsq = 0.0;
            for (size_t c = 0; c < nc; c++)
                tsq += partial[c];
            penalty += lam_t * tsq;
        }
    }
    return 0.5 * penalty;
}
