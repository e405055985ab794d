/* Inference primitives: encode rows to hidden codes, decode hidden codes to
 * the K + 1 output logits of a range of columns, and the per-model cache
 * built from them. Everything here reads the model only; each caller brings
 * its own workspace, so any number of threads can run these at once. */
#include "model/model.h"

#include "common/alloc.h"
#include "kernels/activation.h"
#include "kernels/gemm.h"
#include "kernels/softmax.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int caerec__infer_ws_alloc(caerec_infer_ws *ws, const caerec_model *m,
                           size_t max_rows)
{
    size_t cells;
    memset(ws, 0, sizeof *ws);
    if (!caerec__mul(max_rows, m->dims.n, &cells) ||
        !caerec__mul(cells, m->dims.c2, &cells))
        return CAEREC_ETOOBIG;
    ws->max_rows = max_rows;
    ws->pre = caerec__alloc_floats(m->dims.c1);
    ws->Y = caerec__alloc_floats(cells);
    if (!ws->pre || !ws->Y) {
        caerec__infer_ws_free(ws);
        return CAEREC_ENOMEM;
    }
    return CAEREC_OK;
}

void caerec__infer_ws_free(caerec_infer_ws *ws)
{
    caerec__free_floats(ws->pre);
    caerec__free_floats(ws->Y);
    memset(ws, 0, sizeof *ws);
}

void caerec__input_conv_pre(const caerec_model *m, int8_t level, uint32_t types,
                            float *pre)
{
    const caerec_dims *dm = &m->dims;
    const float *E = m->params.E;
    memcpy(pre, m->params.bE, dm->c1 * sizeof *pre);
    if (level != CAEREC_NO_LEVEL)
        for (size_t c = 0; c < dm->c1; c++)
            pre[c] += E[(size_t)level * dm->c1 + c];
    for (size_t t = 0; t < dm->T; t++)
        if (types >> t & 1u)
            for (size_t c = 0; c < dm->c1; c++)
                pre[c] += E[(dm->K + t) * dm->c1 + c];
}

float caerec__encoder_scale(const caerec_model *m, size_t cells)
{
    const double e = m->cfg.encoder_norm;
    if (e == 0.0 || cells == 0)
        return 1.0f;
    return (float)pow(m->cfg.encoder_norm_ref / (double)cells, e);
}

void caerec__encode(const caerec_model *m, const caerec_row *rows, size_t B,
                    caerec_infer_ws *ws, float *H)
{
    const caerec_dims *dm = &m->dims;
    const caerec_params *P = &m->params;
    const size_t d = dm->d, c1 = dm->c1;
    for (size_t b = 0; b < B; b++) {
        float *z = H + b * d;
        memcpy(z, P->bh, d * sizeof *z);
        const caerec_row *r = &rows[b];
        const float rs = caerec__encoder_scale(m, r->nnz);
        for (size_t i = 0; i < r->nnz; i++) {
            float *a = ws->pre;
            caerec__input_conv_pre(m, r->level[i], r->types[i], a);
            caerec__act_forward(m->cfg.act_in, a, a, c1);
            const float *v = P->V + (size_t)r->col[i] * c1 * d;
            for (size_t k = 0; k < c1; k++) {
                const float w = rs * a[k];
                for (size_t h = 0; h < d; h++)
                    z[h] += w * v[k * d + h];
            }
        }
    }
    caerec__act_forward(m->cfg.act_hidden, H, H, B * d);
}

void caerec__decode(const caerec_model *m, const float *H, size_t B, size_t j0,
                    size_t j1, caerec_infer_ws *ws, float *O, int threads)
{
    const caerec_dims *dm = &m->dims;
    const caerec_params *P = &m->params;
    const size_t c2 = dm->c2, KK = dm->K + 1, nc = j1 - j0;
    const size_t ldw = dm->n * c2, width = nc * c2;
    for (size_t b = 0; b < B; b++)
        memcpy(ws->Y + b * width, P->cb + j0 * c2, width * sizeof(float));
    caerec__sgemm(threads, false, false, B, width, dm->d, 1.0f, H, dm->d,
                  P->W + j0 * c2, ldw, 1.0f, ws->Y, width);
    caerec__act_forward(m->cfg.act_out, ws->Y, ws->Y, B * width);
    for (size_t i = 0; i < B * nc; i++)
        memcpy(O + i * KK, P->bU, KK * sizeof(float));
    caerec__sgemm(threads, false, false, B * nc, KK, c2, 1.0f, ws->Y, c2, P->U,
                  KK, 1.0f, O, KK);
}

int caerec__consumption_map_build(caerec_consumption_map *f,
                                  const caerec_model *m)
{
    const caerec_dims *dm = &m->dims;
    const caerec_params *P = &m->params;
    const size_t n = dm->n, d = dm->d, c2 = dm->c2, K = dm->K, KK = K + 1;
    f->Ws = caerec__alloc_floats(d * n);
    f->cs = caerec__alloc_floats(n);
    if (!f->Ws || !f->cs) {
        caerec__consumption_map_free(f);
        return CAEREC_ENOMEM;
    }
    /* W viewed as (d*n) x C2 rows, times U_K (C2 x 1, stride K + 1). */
    caerec__sgemm(m->cfg.threads, false, false, d * n, 1, c2, 1.0f, P->W, c2,
                  P->U + K, KK, 0.0f, f->Ws, 1);
    caerec__sgemm(1, false, false, n, 1, c2, 1.0f, P->cb, c2, P->U + K, KK,
                  0.0f, f->cs, 1);
    for (size_t j = 0; j < n; j++)
        f->cs[j] += P->bU[K];
    return CAEREC_OK;
}

void caerec__consumption_map_free(caerec_consumption_map *f)
{
    caerec__free_floats(f->Ws);
    caerec__free_floats(f->cs);
    f->Ws = f->cs = NULL;
}

void caerec__consumption_decode(const caerec_model *m,
                                const caerec_consumption_map *f, const float *H,
                                size_t B, size_t j0, size_t j1, float *S,
                                int threads)
{
    const size_t nc = j1 - j0, d = m->dims.d;
    for (size_t b = 0; b < B; b++)
        memcpy(S + b * nc, f->cs + j0, nc * sizeof *S);
    caerec__sgemm(threads, false, false, B, nc, d, 1.0f, H, d, f->Ws + j0,
                  m->dims.n, 1.0f, S, nc);
}

const caerec_csr *caerec__user_rows(const caerec_model *m)
{
    return m->cfg.orientation == CAEREC_ORIENT_ITEM ? &m->by_user : &m->rows;
}

void caerec__infer_cache_invalidate(caerec_model *m)
{
    pthread_mutex_lock(&m->cache.lock);
    m->cache.valid = 0;
    pthread_mutex_unlock(&m->cache.lock);
}

/* Hidden codes of every training row; for item orientation also the
 * log-sum-exp of each row's consumption logits and pi_r. */
static int build(caerec_model *m)
{
    const caerec_dims *dm = &m->dims;
    caerec_infer_cache *c = &m->cache;
    const size_t block = 64;
    if (!c->hidden && !(c->hidden = caerec__alloc_floats(dm->m * dm->d)))
        return CAEREC_ENOMEM;
    caerec_infer_ws ws;
    int rc = caerec__infer_ws_alloc(&ws, m, block);
    if (rc)
        return rc;
    caerec_row rows[64];
    for (size_t r0 = 0; r0 < dm->m; r0 += block) {
        size_t B = dm->m - r0 < block ? dm->m - r0 : block;
        for (size_t b = 0; b < B; b++)
            rows[b] = caerec__csr_row(&m->rows, r0 + b);
        caerec__encode(m, rows, B, &ws, c->hidden + r0 * dm->d);
    }
    if (m->cfg.orientation == CAEREC_ORIENT_ITEM) {
        size_t KK = dm->K + 1;
        float *O = caerec__alloc_floats(block * dm->n * KK);
        if (!c->lse)
            c->lse = caerec__malloc_array(dm->m, sizeof(double));
        if (!c->row_pi)
            c->row_pi = caerec__malloc_array(dm->m, sizeof(double));
        if (!O || !c->lse || !c->row_pi) {
            caerec__free_floats(O);
            caerec__infer_ws_free(&ws);
            return CAEREC_ENOMEM;
        }
        /* Only the consumption logits matter here: with psi = identity
         * the fused map makes this C2 times cheaper. */
        caerec_consumption_map f = {NULL, NULL};
        int fused = m->cfg.act_out == CAEREC_ACT_IDENTITY &&
                    caerec__consumption_map_build(&f, m) == CAEREC_OK;
        for (size_t r0 = 0; r0 < dm->m; r0 += block) {
            size_t B = dm->m - r0 < block ? dm->m - r0 : block;
            const float *H = c->hidden + r0 * dm->d;
            if (fused)
                caerec__consumption_decode(m, &f, H, B, 0, dm->n, O,
                                           m->cfg.threads);
            else
                caerec__decode(m, H, B, 0, dm->n, &ws, O, m->cfg.threads);
            size_t stride = fused ? 1 : KK;
            for (size_t b = 0; b < B; b++)
                c->lse[r0 + b] = caerec__logsumexp(
                    O + b * dm->n * stride + stride - 1, dm->n, stride);
        }
        caerec__consumption_map_free(&f);
        caerec__free_floats(O);
        for (size_t r = 0; r < dm->m; r++)
            c->row_pi[r] = (double)(m->rows.ptr[r + 1] - m->rows.ptr[r]) /
                           (double)m->rows.nnz;
    }
    caerec__infer_ws_free(&ws);
    c->valid = 1;
    return CAEREC_OK;
}

int caerec__model_ready(const caerec_model *model)
{
    /* The cache is derived data: building it does not change what the
     * model predicts, so a const model may fill it (under the lock). */
    caerec_model *m = (caerec_model *)model;
    pthread_mutex_lock(&m->cache.lock);
    int rc = m->cache.valid ? CAEREC_OK : build(m);
    pthread_mutex_unlock(&m->cache.lock);
    return rc;
}
