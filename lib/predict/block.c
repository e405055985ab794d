/* Decoding users in blocks: one user alone (the scorer) or many users at
 * once through a few large GEMMs (batch recommendation, evaluation).
 *
 * User orientation: a block is B user rows; their hidden codes (cached for
 * training users) go through the decoder over all n item columns, one
 * (B x d)(d x n*C2) product. Item orientation: a block is a range of user
 * columns [u0, u1); every item row's cached hidden code is decoded for
 * just those columns, one (m x d)(d x (u1-u0)*C2) product, and P(i | u)
 * follows from P(u | i) = exp(s_iu - lse_i) and pi_i by renormalising
 * P(u, i) = pi_i P(u | i) over the items. */
#include "predict/predict.h"

#include "common/alloc.h"
#include "kernels/gemm.h"
#include "kernels/softmax.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Decoder output per block kept near 4 Mi floats (16 MB): large enough for
 * BLIS to run at full speed, small enough to stay out of the way. */
#define BLOCK_FLOATS ((size_t)1 << 22)

size_t caerec__block_cap(const caerec_model *m, size_t at_most)
{
    size_t KK = m->dims.K + 1, c2 = m->dims.c2;
    size_t per = m->items.n * (c2 > KK ? c2 : KK);
    size_t cap = per ? BLOCK_FLOATS / per : 1;
    if (cap > 128)
        cap = 128;
    if (cap > at_most)
        cap = at_most;
    return cap ? cap : 1;
}

int caerec__block_alloc(caerec_block *b, const caerec_model *m, size_t cap)
{
    const caerec_dims *dm = &m->dims;
    size_t y, o, h;
    memset(b, 0, sizeof *b);
    if (!caerec__mul(cap, m->items.n, &y) || !caerec__mul(y, dm->K + 1, &o) ||
        !caerec__mul(y, dm->c2, &y) || !caerec__mul(cap, dm->d, &h))
        return CAEREC_ETOOBIG;
    b->cap = cap;
    /* The workspace is sized here rather than by caerec__infer_ws_alloc:
     * item orientation decodes m rows for a few columns, not a few rows
     * for all n columns. */
    b->ws.max_rows = m->cfg.orientation == CAEREC_ORIENT_ITEM ? dm->m : cap;
    b->ws.pre = caerec__alloc_floats(dm->c1);
    b->ws.Y = caerec__alloc_floats(y);
    b->H = caerec__alloc_floats(h);
    b->O = caerec__alloc_floats(o);
    if (!b->ws.pre || !b->ws.Y || !b->H || !b->O) {
        caerec__block_free(b);
        return CAEREC_ENOMEM;
    }
    return CAEREC_OK;
}

void caerec__block_free(caerec_block *b)
{
    caerec__infer_ws_free(&b->ws);
    caerec__free_floats(b->H);
    caerec__free_floats(b->O);
    memset(b, 0, sizeof *b);
}

/* Item orientation: s.p and s.dist of the user in column c of a block of
 * nc decoded columns (O is m x nc x (K + 1)). */
static double item_offset(const caerec_model *m, size_t i)
{
    return log(m->cache.row_pi[i]) - m->cache.lse[i];
}

/* offs[i] = item_offset(m, i), precomputed by callers scoring many users;
 * NULL computes it on the fly. O holds groups of KK floats per (item,
 * column), the consumption logit last: KK = K + 1 for the full decoder
 * output, 1 for the fused consumption-only one. */
static void from_item_logits(caerec_uscores *s, const caerec_model *m,
                             const double *offs, const float *O, size_t nc,
                             size_t c, size_t KK)
{
    const size_t n = s->n, K = s->K;
    double mx = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        /* log P(u, i) = log pi_i + s_iu - lse_i */
        double off = offs ? offs[i] : item_offset(m, i);
        double l = off + (double)O[(i * nc + c) * KK + KK - 1];
        s->p[i] = l;
        if (l > mx)
            mx = l;
    }
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        s->p[i] = exp(s->p[i] - mx);
        sum += s->p[i];
    }
    double inv = 1.0 / sum;
    for (size_t i = 0; i < n; i++)
        s->p[i] *= inv;
    if (s->dist)
        for (size_t i = 0; i < n; i++)
            caerec__softmax(O + (i * nc + c) * KK, K, 1, s->dist + i * K);
}

void caerec__uscores_from_item_logits(caerec_uscores *s, const caerec_model *m,
                                      const double *offs, const float *O)
{
    from_item_logits(s, m, offs, O, 1, 0, m->dims.K + 1);
}

static void set_seen_of(const caerec_model *m, size_t u, caerec_uscores *s)
{
    caerec_row row = caerec__csr_row(caerec__user_rows(m), u);
    caerec__uscores_set_seen(s, row.col, row.nnz);
}

void caerec__score_user(const caerec_model *m, caerec_block *b, size_t u,
                        caerec_uscores *s, int threads)
{
    const caerec_dims *dm = &m->dims;
    if (m->cfg.orientation == CAEREC_ORIENT_ITEM) {
        caerec__decode(m, m->cache.hidden, dm->m, u, u + 1, &b->ws, b->O,
                       threads);
        from_item_logits(s, m, NULL, b->O, 1, 0, dm->K + 1);
    } else {
        caerec__decode(m, m->cache.hidden + u * dm->d, 1, 0, dm->n, &b->ws,
                       b->O, threads);
        caerec__uscores_from_row_logits(s, b->O);
    }
    set_seen_of(m, u, s);
}

/* Slots ordered by (user, slot): a counting sort over the user indices. */
static uint32_t *order_slots(const uint32_t *users, size_t n, size_t n_users)
{
    size_t *start = caerec__calloc_array(n_users + 1, sizeof *start);
    uint32_t *order = caerec__malloc_array(n ? n : 1, sizeof *order);
    if (!start || !order) {
        free(start);
        free(order);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        start[users[i] + 1]++;
    for (size_t u = 0; u < n_users; u++)
        start[u + 1] += start[u];
    for (size_t i = 0; i < n; i++)
        order[start[users[i]]++] = (uint32_t)i;
    free(start);
    return order;
}

int caerec__for_users(const caerec_model *m, const uint32_t *users, size_t n,
                      int with_dist, caerec_user_fn fn, void *ctx)
{
    return caerec__for_users_cap(m, users, n, with_dist,
                                 caerec__block_cap(m, n), fn, ctx);
}

int caerec__for_users_cap(const caerec_model *m, const uint32_t *users,
                          size_t n, int with_dist, size_t cap,
                          caerec_user_fn fn, void *ctx)
{
    const caerec_dims *dm = &m->dims;
    const int by_item = m->cfg.orientation == CAEREC_ORIENT_ITEM;
    const size_t n_items = m->items.n, KK = dm->K + 1;
    if (n == 0)
        return CAEREC_OK;
    caerec_block b;
    caerec_uscores s;
    uint32_t *order = order_slots(users, n, m->users.n);
    uint32_t *distinct = caerec__malloc_array(n, sizeof *distinct);
    double *offs = by_item ? caerec__malloc_array(n_items, sizeof *offs) : NULL;
    int rc =
        order && distinct && (offs || !by_item) ? CAEREC_OK : CAEREC_ENOMEM;
    if (!rc)
        rc = caerec__block_alloc(&b, m, cap ? cap : 1);
    if (!rc && (rc = caerec__uscores_alloc(&s, m, with_dist)))
        caerec__block_free(&b);
    if (rc) {
        free(order);
        free(distinct);
        free(offs);
        return rc;
    }
    caerec_consumption_map f = {NULL, NULL};
    const int use_fused = !with_dist && m->cfg.act_out == CAEREC_ACT_IDENTITY;
    if (use_fused && (rc = caerec__consumption_map_build(&f, m))) {
        caerec__uscores_free(&s);
        caerec__block_free(&b);
        free(order);
        free(distinct);
        free(offs);
        return rc;
    }
    if (by_item)
        for (size_t i = 0; i < n_items; i++)
            offs[i] = item_offset(m, i);
    for (size_t pos = 0; pos < n;) {
        /* The next block: up to cap distinct users (user orientation), or
         * the distinct users in the column range [u0, u0 + cap). */
        size_t nb = 0, end = pos;
        uint32_t u0 = users[order[pos]];
        while (end < n && nb < b.cap) {
            uint32_t u = users[order[end]];
            if (by_item && u >= u0 + b.cap)
                break;
            distinct[nb++] = u;
            while (end < n && users[order[end]] == u)
                end++;
        }
        size_t nc = 0;
        if (by_item) {
            nc = distinct[nb - 1] - u0 + 1;
            if (use_fused)
                caerec__consumption_decode(m, &f, m->cache.hidden, dm->m, u0,
                                           u0 + nc, b.O, m->cfg.threads);
            else
                caerec__decode(m, m->cache.hidden, dm->m, u0, u0 + nc, &b.ws,
                               b.O, m->cfg.threads);
        } else {
            for (size_t i = 0; i < nb; i++)
                memcpy(b.H + i * dm->d, m->cache.hidden + distinct[i] * dm->d,
                       dm->d * sizeof(float));
            if (use_fused)
                caerec__consumption_decode(m, &f, b.H, nb, 0, dm->n, b.O,
                                           m->cfg.threads);
            else
                caerec__decode(m, b.H, nb, 0, dm->n, &b.ws, b.O,
                               m->cfg.threads);
        }
        for (size_t i = 0; i < nb; i++) {
            uint32_t u = distinct[i];
            if (by_item)
                from_item_logits(&s, m, offs, b.O, nc, u - u0,
                                 use_fused ? 1 : KK);
            else if (use_fused)
                caerec__uscores_p_from(&s, b.O + i * n_items, 1);
            else
                caerec__uscores_from_row_logits(&s, b.O + i * n_items * KK);
            set_seen_of(m, u, &s);
            for (; pos < n && users[order[pos]] == u; pos++)
                fn(ctx, order[pos], &s);
        }
    }
    caerec__consumption_map_free(&f);
    caerec__uscores_free(&s);
    caerec__block_free(&b);
    free(order);
    free(distinct);
    free(offs);
    return CAEREC_OK;
}
