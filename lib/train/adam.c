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

double caerec__adam_step(caerec_model *m, const float *grad)
{
    caerec_train_state *ts = m->train;
    caerec_layout L;
    caerec__layout(&L, &m->dims);
    if (nonfinite_probe(grad, m->params.size) != 0.0f)
        return NAN;

    ts->step++;
    const float lr = (float)ts->lr;
    const float c1 = (float)(1.0 / (1.0 - pow(ADAM_BETA1, (double)ts->step)));
    const float c2 = (float)(1.0 / (1.0 - pow(ADAM_BETA2, (double)ts->step)));
    double sq = 0.0;
    for (int t = 0; t < CAEREC_N_TENSORS; t++) {
        const size_t off = L.offset[t], cnt = L.count[t];
        const float lam = caerec__tensor_decayed(t) ? (float)m->cfg.l2 : 0.0f;
        float *theta = m->params.data + off;
        float *mm = ts->adam_m + off, *vv = ts->adam_v + off;
        const float *g0 = grad + off;
        float tsq = 0.0f;
        for (size_t i = 0; i < cnt; i++) {
            float th = theta[i];
            float g = g0[i] + lam * th;
            tsq += th * th;
            float mi = ADAM_BETA1 * mm[i] + (1.0f - ADAM_BETA1) * g;
            float vi = ADAM_BETA2 * vv[i] + (1.0f - ADAM_BETA2) * g * g;
            mm[i] = mi;
            vv[i] = vi;
            theta[i] = th - lr * (mi * c1) / (sqrtf(vi * c2) + ADAM_EPS);
        }
        if (lam != 0.0f)
            sq += tsq;
    }
    return 0.5 * m->cfg.l2 * sq;
}
