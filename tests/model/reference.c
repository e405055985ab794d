#include "reference.h"

#include "kernels/activation.h"

#include <math.h>
#include <stdlib.h>

static double lse(const double *x, size_t n)
{
    double mx = x[0];
    for (size_t i = 1; i < n; i++)
        mx = x[i] > mx ? x[i] : mx;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += exp(x[i] - mx);
    return mx + log(s);
}

double ref_decoder_centre(const caerec_model *m, const double *theta, size_t h,
                          size_t c)
{
    const caerec_dims *dm = &m->dims;
    if (m->cfg.decoder_l2 != CAEREC_DECODER_L2_COLUMN_MEAN)
        return 0.0;
    caerec_layout L;
    caerec__layout(&L, dm);
    const double *W = theta + L.offset[CAEREC_T_W];
    double s = 0;
    for (size_t j = 0; j < dm->n; j++)
        s += W[h * dm->n * dm->c2 + j * dm->c2 + c];
    return s / (double)dm->n;
}

double ref_decoder_sq(const caerec_model *m, const double *theta)
{
    const caerec_dims *dm = &m->dims;
    caerec_layout L;
    caerec__layout(&L, dm);
    const double *W = theta + L.offset[CAEREC_T_W];
    double sq = 0;
    for (size_t h = 0; h < dm->d; h++)
        for (size_t c = 0; c < dm->c2; c++) {
            double mean = ref_decoder_centre(m, theta, h, c);
            for (size_t j = 0; j < dm->n; j++) {
                double dev = W[h * dm->n * dm->c2 + j * dm->c2 + c] - mean;
                sq += dev * dev;
            }
        }
    return sq;
}

double ref_loss(const caerec_model *m, const double *theta,
                const caerec_row *inputs, const caerec_row *targets, size_t B,
                const unsigned char *const *keep)
{
    const caerec_dims *dm = &m->dims;
    caerec_layout L;
    caerec__layout(&L, dm);
    const double *E = theta + L.offset[CAEREC_T_E],
                 *bE = theta + L.offset[CAEREC_T_BE];
    const double *V = theta + L.offset[CAEREC_T_V],
                 *bh = theta + L.offset[CAEREC_T_BH];
    const double *W = theta + L.offset[CAEREC_T_W],
                 *cb = theta + L.offset[CAEREC_T_CB];
    const double *U = theta + L.offset[CAEREC_T_U],
                 *bU = theta + L.offset[CAEREC_T_BU];
    const size_t n = dm->n, K = dm->K, d = dm->d, c1 = dm->c1, c2 = dm->c2;
    const double s = keep ? 1.0 / (1.0 - m->cfg.dropout) : 1.0;
    double *z = calloc(d, sizeof *z), *o = calloc(n * (K + 1), sizeof *o);
    double *sl = calloc(n, sizeof *sl);
    double ls = 0, lr = 0, le = 0;
    for (size_t b = 0; b < B; b++) {
        /* encoder-norm: the whole row's length sets the scale */
        const double e = m->cfg.encoder_norm, nnz = (double)inputs[b].nnz;
        const double sr =
            s * (e > 0 && nnz > 0 ? pow(m->cfg.encoder_norm_ref / nnz, e) : 1);
        for (size_t h = 0; h < d; h++)
            z[h] = bh[h];
        for (size_t i = 0; i < inputs[b].nnz; i++) {
            if (keep && !keep[b][i])
                continue;
            size_t j = inputs[b].col[i];
            for (size_t c = 0; c < c1; c++) {
                double pre = bE[c];
                for (size_t ch = 0; ch < dm->C; ch++) {
                    int set = ch < K ? inputs[b].level[i] == (int)ch
                                     : (inputs[b].types[i] >> (ch - K)) & 1u;
                    if (set)
                        pre += E[ch * c1 + c];
                }
                double a = caerec__act_eval(m->cfg.act_in, pre);
                for (size_t h = 0; h < d; h++)
                    z[h] += sr * a * V[(j * c1 + c) * d + h];
            }
        }
        for (size_t h = 0; h < d; h++)
            z[h] = caerec__act_eval(m->cfg.act_hidden, z[h]);
        for (size_t j = 0; j < n; j++) {
            double q[64];
            for (size_t c = 0; c < c2; c++) {
                double y = cb[j * c2 + c];
                for (size_t h = 0; h < d; h++)
                    y += z[h] * W[h * n * c2 + j * c2 + c];
                q[c] = caerec__act_eval(m->cfg.act_out, y);
            }
            for (size_t k = 0; k <= K; k++) {
                double acc = bU[k];
                for (size_t c = 0; c < c2; c++)
                    acc += q[c] * U[c * (K + 1) + k];
                o[j * (K + 1) + k] = acc;
            }
            sl[j] = o[j * (K + 1) + K];
        }
        double lse_s = lse(sl, n);
        for (size_t i = 0; i < targets[b].nnz; i++) {
            size_t j = targets[b].col[i];
            ls -= sl[j] - lse_s;
            int lv = targets[b].level[i];
            if (K > 0 && lv >= 0) {
                double *t = o + j * (K + 1);
                double lt = lse(t, K), rhat = 0;
                lr -= t[lv] - lt;
                for (size_t k = 0; k < K; k++)
                    rhat += m->levels[k] * exp(t[k] - lt);
                le += (rhat - m->levels[lv]) * (rhat - m->levels[lv]);
            }
        }
    }
    double l2 = 0;
    for (int t = 0; t < CAEREC_N_TENSORS; t++)
        if (caerec__tensor_decayed(t) && t != CAEREC_T_W)
            for (size_t i = 0; i < L.count[t]; i++)
                l2 += theta[L.offset[t] + i] * theta[L.offset[t] + i];
    l2 += m->cfg.decoder_l2_weight * ref_decoder_sq(m, theta);
    free(z);
    free(o);
    free(sl);
    return (m->cfg.alpha * ls + m->cfg.beta * lr + m->cfg.gamma * le) /
               (double)B +
           0.5 * m->cfg.l2 * l2;
}
