/* Validation: map a held-out dataset onto the model's rows and columns and
 * measure its negative log-likelihood given the training rows as input. */
#include "common/alloc.h"
#include "common/error.h"
#include "kernels/softmax.h"
#include "train/train.h"

#include <stdlib.h>
#include <string.h>

void caerec__valid_set_free(caerec_valid_set *vs)
{
    caerec__csr_free(&vs->targets);
    vs->n_cells = 0;
}

int caerec__valid_set_build(caerec_valid_set *out, const caerec_model *m,
                            const caerec_dataset *valid)
{
    memset(out, 0, sizeof *out);
    if (!caerec__same_scale(m->levels, m->dims.K, valid->levels,
                            valid->n_levels) ||
        valid->n_types != m->dims.T)
        return caerec__fail(CAEREC_EINVAL,
                            "validation dataset: its rating scale or "
                            "interaction types differ from the model's");
    const int by_item = m->cfg.orientation == CAEREC_ORIENT_ITEM;
    const size_t nr = m->dims.m, nc = valid->n_cells;
    caerec_csr *t = &out->targets;
    t->n_rows = nr;
    t->n_cols = m->dims.n;
    uint32_t *row_of = caerec__malloc_array(nc, sizeof *row_of);
    uint32_t *col_of = caerec__malloc_array(nc, sizeof *col_of);
    t->ptr = caerec__calloc_array(nr + 1, sizeof *t->ptr);
    if (!row_of || !col_of || !t->ptr)
        goto nomem;
    size_t kept = 0;
    for (size_t c = 0; c < nc; c++) {
        size_t u = caerec__idmap_find(&m->users,
                                      valid->users.ids[valid->cell_user[c]]);
        size_t i = caerec__idmap_find(&m->items,
                                      valid->items.ids[valid->cell_item[c]]);
        if (u == SIZE_MAX || i == SIZE_MAX) {
            row_of[c] = UINT32_MAX;
            continue;
        }
        row_of[c] = (uint32_t)(by_item ? i : u);
        col_of[c] = (uint32_t)(by_item ? u : i);
        t->ptr[row_of[c] + 1]++;
        kept++;
    }
    for (size_t r = 0; r < nr; r++)
        t->ptr[r + 1] += t->ptr[r];
    t->nnz = kept;
    t->col = caerec__malloc_array(kept, sizeof *t->col);
    t->level = caerec__malloc_array(kept, sizeof *t->level);
    t->types = caerec__malloc_array(kept, sizeof *t->types);
    size_t *fill = caerec__malloc_array(nr, sizeof *fill);
    if (!t->col || !t->level || !t->types || !fill) {
        free(fill);
        goto nomem;
    }
    memcpy(fill, t->ptr, nr * sizeof *fill);
    for (size_t c = 0; c < nc; c++) {
        if (row_of[c] == UINT32_MAX)
            continue;
        size_t at = fill[row_of[c]]++;
        t->col[at] = col_of[c];
        t->level[at] = valid->cell_level[c];
        t->types[at] = valid->cell_types[c];
    }
    free(fill);
    /* Columns increase within a row (the loss merges over them). */
    for (size_t r = 0; r < nr; r++)
        for (size_t a = t->ptr[r] + 1; a < t->ptr[r + 1]; a++)
            for (size_t b = a; b > t->ptr[r] && t->col[b - 1] > t->col[b];
                 b--) {
                uint32_t cc = t->col[b];
                t->col[b] = t->col[b - 1];
                t->col[b - 1] = cc;
                int8_t lv = t->level[b];
                t->level[b] = t->level[b - 1];
                t->level[b - 1] = lv;
                uint32_t ty = t->types[b];
                t->types[b] = t->types[b - 1];
                t->types[b - 1] = ty;
            }
    free(row_of);
    free(col_of);
    out->n_cells = kept;
    return CAEREC_OK;
nomem:
    free(row_of);
    free(col_of);
    caerec__valid_set_free(out);
    return caerec__fail(CAEREC_ENOMEM, "validation dataset: out of memory");
}

/* The validation NLL when psi = identity, without decoding every cell:
 * the cached hidden codes give the consumption logits of all columns
 * through the fused map (model.h), and rating logits are decoded only for
 * the rated held-out cells. Same value as the batch path up to float
 * rounding, several times cheaper. */
static int valid_loss_fused(const caerec_model *m, const caerec_valid_set *vs,
                            double *out)
{
    const caerec_dims *dm = &m->dims;
    const size_t n = dm->n, d = dm->d, c2 = dm->c2, K = dm->K, KK = K + 1;
    const size_t block = 64;
    int rc = caerec__model_ready(m);
    caerec_consumption_map f = {NULL, NULL};
    if (!rc)
        rc = caerec__consumption_map_build(&f, m);
    float *S = caerec__alloc_floats(block * n);
    if (rc || !S) {
        caerec__consumption_map_free(&f);
        caerec__free_floats(S);
        return caerec__fail(CAEREC_ENOMEM, "validation: out of memory");
    }
    const double alpha = m->cfg.alpha, beta = m->cfg.beta, gamma = m->cfg.gamma;
    double total = 0.0;
    size_t rows_used = 0;
    float q[1024], t[CAEREC_MAX_LEVELS + 1], probs[CAEREC_MAX_LEVELS];
    for (size_t r0 = 0; r0 < dm->m; r0 += block) {
        size_t B = dm->m - r0 < block ? dm->m - r0 : block;
        caerec__consumption_decode(m, &f, m->cache.hidden + r0 * d, B, 0, n, S,
                                   m->cfg.threads);
        for (size_t b = 0; b < B; b++) {
            caerec_row tg = caerec__csr_row(&vs->targets, r0 + b);
            if (tg.nnz == 0)
                continue;
            const float *s = S + b * n, *h = m->cache.hidden + (r0 + b) * d;
            double lse = caerec__logsumexp(s, n, 1), loss = 0.0;
            for (size_t i = 0; i < tg.nnz; i++) {
                loss -= alpha * ((double)s[tg.col[i]] - lse);
                if (K == 0 || tg.level[i] == CAEREC_NO_LEVEL)
                    continue;
                /* q = h W_j + c_j; t = q U + bU (rating part). */
                const size_t j = tg.col[i];
                for (size_t c = 0; c < c2; c++)
                    q[c] = m->params.cb[j * c2 + c];
                for (size_t x = 0; x < d; x++)
                    for (size_t c = 0; c < c2; c++)
                        q[c] += h[x] * m->params.W[x * n * c2 + j * c2 + c];
                for (size_t k = 0; k < K; k++) {
                    t[k] = m->params.bU[k];
                    for (size_t c = 0; c < c2; c++)
                        t[k] += q[c] * m->params.U[c * KK + k];
                }
                double lse_t = caerec__softmax(t, K, 1, probs), rhat = 0.0;
                for (size_t k = 0; k < K; k++)
                    rhat += m->levels[k] * probs[k];
                double err = rhat - m->levels[tg.level[i]];
                loss += -beta * ((double)t[tg.level[i]] - lse_t) +
                        gamma * err * err;
            }
            total += loss;
            rows_used++;
        }
    }
    caerec__consumption_map_free(&f);
    caerec__free_floats(S);
    *out = rows_used ? total / (double)rows_used : 0.0;
    return CAEREC_OK;
}

int caerec__valid_loss(const caerec_model *m, const caerec_valid_set *vs,
                       double *out)
{
    if (m->cfg.act_out == CAEREC_ACT_IDENTITY)
        return valid_loss_fused(m, vs, out);
    return caerec__valid_loss_batch(m, vs, out);
}

int caerec__valid_loss_batch(const caerec_model *m, const caerec_valid_set *vs,
                             double *out)
{
    const size_t B = 64;
    caerec_batch_ws *ws;
    int rc = caerec__batch_ws_for(m, &m->rows, B, &ws);
    if (rc)
        return caerec__fail(rc, "validation: cannot allocate the workspace");
    caerec_row *inputs = ws->rows;
    caerec_row targets[64];
    double total = 0.0;
    size_t rows_used = 0, nb = 0;
    for (size_t r = 0; r <= m->dims.m; r++) {
        if (r < m->dims.m && vs->targets.ptr[r + 1] > vs->targets.ptr[r]) {
            inputs[nb] = caerec__csr_row(&m->rows, r);
            targets[nb] = caerec__csr_row(&vs->targets, r);
            nb++;
        }
        if (nb == B || (r == m->dims.m && nb > 0)) {
            caerec_losses l;
            caerec__batch_run(m, inputs, targets, nb, NULL, ws, NULL, &l,
                              m->cfg.threads);
            total += l.total * (double)nb;
            rows_used += nb;
            nb = 0;
        }
    }
    caerec__batch_ws_destroy(ws);
    *out = rows_used ? total / (double)rows_used : 0.0;
    return CAEREC_OK;
}
