#include "train/adam.h"

#include <math.h>

#define ADAM_BETA1 0.9f
#define ADAM_BETA2 0.999f
#define ADAM_EPS 1e-8f

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

/* One chunk of one tensor; returns the sum of squares of theta before the
 * update. */
static float adam_chunk(float *theta, float *mm, float *vv, const float *g0,
                        size_t cnt, float lam, adam_consts k)
{
    float tsq = 0.0f;
    for (size_t i = 0; i < cnt; i++) {
        float th = theta[i];
        float g = g0[i] + lam * th;
        tsq += th * th;
        float mi = ADAM_BETA1 * mm[i] + (1.0f - ADAM_BETA1) * g;
        float vi = ADAM_BETA2 * vv[i] + (1.0f - ADAM_BETA2) * g * g;
        mm[i] = mi;
        vv[i] = vi;
        theta[i] = th - k.lr * (mi * k.c1) / (sqrtf(vi * k.c2) + ADAM_EPS);
    }
    return tsq;
}

double caerec__adam_step(caerec_model *m, const float *grad)
{
    caerec_train_state *ts = m->train;
    const int threads = m->cfg.threads;
    const size_t size = m->params.size;
    const size_t n_chunks = (size + ADAM_CHUNK - 1) / ADAM_CHUNK;
    float probe = 0.0f;
#pragma omp parallel for num_threads(threads) if (threads > 1) reduction(+ : probe) schedule(static)
    for (size_t c = 0; c < n_chunks; c++) {
        size_t i0 = c * ADAM_CHUNK;
        probe += nonfinite_probe(grad + i0, size - i0 < ADAM_CHUNK ? size - i0 : ADAM_CHUNK);
    }
    if (probe != 0.0f)
        return NAN;

    caerec_layout L;
    caerec__layout(&L, &m->dims);
    ts->step++;
    adam_consts k = {(float)ts->lr,
                     (float)(1.0 / (1.0 - pow(ADAM_BETA1, (double)ts->step))),
                     (float)(1.0 / (1.0 - pow(ADAM_BETA2, (double)ts->step)))};
    double sq = 0.0;
    for (int t = 0; t < CAEREC_N_TENSORS; t++) {
        const size_t off = L.offset[t], cnt = L.count[t];
        const float lam = caerec__tensor_decayed(t) ? (float)m->cfg.l2 : 0.0f;
        const size_t nc = (cnt + ADAM_CHUNK - 1) / ADAM_CHUNK;
        float partial[nc ? nc : 1];
#pragma omp parallel for num_threads(threads) if (threads > 1 && nc > 1) schedule(static)
        for (size_t c = 0; c < nc; c++) {
            size_t i0 = off + c * ADAM_CHUNK;
            size_t len = cnt - c * ADAM_CHUNK < ADAM_CHUNK ? cnt - c * ADAM_CHUNK : ADAM_CHUNK;
            partial[c] = adam_chunk(m->params.data + i0, ts->adam_m + i0,
                                    ts->adam_v + i0, grad + i0, len, lam, k);
        }
        if (lam != 0.0f)
            for (size_t c = 0; c < nc; c++)
                sq += partial[c];
    }
    return 0.5 * m->cfg.l2 * sq;
}
