#include "model/foldin.h"

#include "common/alloc.h"
#include "kernels/activation.h"
#include "kernels/gemm.h"
#include "kernels/softmax.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* O = psi(H Wc + cc) U + bU for all m item rows; Q keeps psi's output. */
static void forward(const caerec_model *m, const float *Wc, const float *cc,
                    float *Q, float *O)
{
    const caerec_dims *dm = &m->dims;
    const size_t c2 = dm->c2, KK = dm->K + 1;
    for (size_t i = 0; i < dm->m; i++)
        memcpy(Q + i * c2, cc, c2 * sizeof *Q);
    caerec__sgemm(m->cfg.threads, false, false, dm->m, c2, dm->d, 1.0f,
                  m->cache.hidden, dm->d, Wc, c2, 1.0f, Q, c2);
    caerec__act_forward(m->cfg.act_out, Q, Q, dm->m * c2);
    for (size_t i = 0; i < dm->m; i++)
        memcpy(O + i * KK, m->params.bU, KK * sizeof *O);
    caerec__sgemm(m->cfg.threads, false, false, dm->m, KK, c2, 1.0f, Q, c2,
                  m->params.U, KK, 1.0f, O, KK);
}

/* log(exp(a) + exp(b)) without overflow. */
static double logaddexp(double a, double b)
{
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

int caerec__fold_in_item(const caerec_model *m, const caerec_row *hist,
                         float *O, double *log_offset)
{
    const caerec_dims *dm = &m->dims;
    const size_t M = dm->m, d = dm->d, c2 = dm->c2, K = dm->K, KK = K + 1;
    const size_t wsz = d * c2;
    float *Wc = caerec__alloc_floats(wsz + c2);
    float *grad = caerec__alloc_floats(wsz + c2);
    float *am = caerec__alloc_floats(wsz + c2),
          *av = caerec__alloc_floats(wsz + c2);
    float *prior = caerec__alloc_floats(wsz); /* what the L2 pulls toward */
    float *Q = caerec__alloc_floats(M * c2), *G = caerec__alloc_floats(M * c2);
    int8_t *level = malloc(M ? M : 1);
    double *n_obs = malloc((M ? M : 1) * sizeof *n_obs);
    int rc = CAEREC_OK;
    if (!Wc || !grad || !am || !av || !prior || !Q || !G || !level || !n_obs) {
        rc = CAEREC_ENOMEM;
        goto done;
    }
    float *cc = Wc + wsz, *gc = grad + wsz;
    /* Start from the average user column: the prior of a user about whom
     * nothing is known. */
    caerec__decoder_column_mean(m, Wc);
    for (size_t j = 0; j < dm->n; j++)
        for (size_t c = 0; c < c2; c++)
            cc[c] += m->params.cb[j * c2 + c] / (float)dm->n;
    /* The training's L2 on the new column: toward zero, with decoder-l2
     * column-mean toward the average column it starts from, with regressed
     * toward the centre of a column of these items, where it starts too. */
    if (m->cfg.decoder_l2 == CAEREC_DECODER_L2_REGRESSED) {
        caerec__prior_column_centre(m, hist->col, hist->nnz, prior);
        memcpy(Wc, prior, wsz * sizeof *prior);
    } else if (m->cfg.decoder_l2 == CAEREC_DECODER_L2_COLUMN_MEAN) {
        memcpy(prior, Wc, wsz * sizeof *prior);
    } else {
        memset(prior, 0, wsz * sizeof *prior);
    }
    /* Which item rows the history touches, and their new cell counts. */
    memset(level, -2, M);
    for (size_t r = 0; r < M; r++)
        n_obs[r] = (double)(m->rows.ptr[r + 1] - m->rows.ptr[r]);
    for (size_t i = 0; i < hist->nnz; i++) {
        level[hist->col[i]] = hist->level[i];
        n_obs[hist->col[i]] += 1.0;
    }
    const double alpha = m->cfg.alpha, beta = m->cfg.beta, gamma = m->cfg.gamma;
    const double inv_m = 1.0 / (double)M;
    const float lam = (float)caerec__tensor_l2(m, CAEREC_T_W);
    float probs[CAEREC_MAX_LEVELS];
    for (int it = 1; it <= CAEREC_FOLDIN_ITERS; it++) {
        forward(m, Wc, cc, Q, O);
        /* dL/do for the new column of every item row (written over O). */
        for (size_t i = 0; i < M; i++) {
            float *o = O + i * KK;
            int in_hist = level[i] != -2;
            double lse = logaddexp(m->cache.lse[i], o[K]);
            double p = exp((double)o[K] - lse);
            if (in_hist && level[i] >= 0 && K > 0) {
                caerec__softmax(o, K, 1, probs);
                double rhat = 0;
                for (size_t k = 0; k < K; k++)
                    rhat += m->levels[k] * probs[k];
                double err = rhat - m->levels[level[i]];
                for (size_t k = 0; k < K; k++)
                    o[k] =
                        (float)(inv_m *
                                (beta * (probs[k] - (k == (size_t)level[i])) +
                                 2 * gamma * err * probs[k] *
                                     (m->levels[k] - rhat)));
            } else {
                for (size_t k = 0; k < K; k++)
                    o[k] = 0.0f;
            }
            o[K] = (float)(inv_m * alpha * (n_obs[i] * p - in_hist));
        }
        /* Back through U, psi and the decoder column. */
        caerec__sgemm(m->cfg.threads, false, true, M, c2, KK, 1.0f, O, KK,
                      m->params.U, KK, 0.0f, G, c2);
        caerec__act_backward(m->cfg.act_out, Q, Q, G, M * c2);
        caerec__sgemm(m->cfg.threads, true, false, d, c2, M, 1.0f,
                      m->cache.hidden, d, G, c2, 0.0f, grad, c2);
        memset(gc, 0, c2 * sizeof *gc);
        for (size_t i = 0; i < M; i++)
            for (size_t c = 0; c < c2; c++)
                gc[c] += G[i * c2 + c];
        /* Adam, the training's constants and learning rate. */
        const float b1 = 0.9f, b2 = 0.999f, lr = (float)m->cfg.lr * 10.0f;
        const float k1 = 1.0f / (1.0f - powf(b1, (float)it));
        const float k2 = 1.0f / (1.0f - powf(b2, (float)it));
        for (size_t x = 0; x < wsz + c2; x++) {
            float g = grad[x] + (x < wsz ? lam * (Wc[x] - prior[x]) : 0.0f);
            am[x] = b1 * am[x] + (1 - b1) * g;
            av[x] = b2 * av[x] + (1 - b2) * g * g;
            Wc[x] -= lr * (am[x] * k1) / (sqrtf(av[x] * k2) + 1e-8f);
        }
    }
    forward(m, Wc, cc, Q, O);
    double total = (double)m->rows.nnz + (double)hist->nnz;
    for (size_t i = 0; i < M; i++)
        log_offset[i] =
            log(n_obs[i] / total) - logaddexp(m->cache.lse[i], O[i * KK + K]);
done:
    caerec__free_floats(Wc);
    caerec__free_floats(grad);
    caerec__free_floats(am);
    caerec__free_floats(av);
    caerec__free_floats(prior);
    caerec__free_floats(Q);
    caerec__free_floats(G);
    free(level);
    free(n_obs);
    return rc;
}
