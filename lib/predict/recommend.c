/* Top-k recommendation: the public options turned into a candidate mask,
 * the selection over one user's scores, and the batch entry point that
 * decodes many users per GEMM. */
#include "predict/predict.h"

#include "common/alloc.h"
#include "common/error.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int caerec__rec_plan(caerec_rec_plan *plan, const caerec_model *m,
                     const caerec_rec_options *opts, const char *fn)
{
    caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
    memset(plan, 0, sizeof *plan);
    if (opts) {
        if (opts->struct_size < sizeof(size_t))
            return caerec__fail(CAEREC_EINVAL,
                                "%s: opts->struct_size is %zu; initialise the "
                                "options with CAEREC_REC_OPTIONS_INIT",
                                fn, opts->struct_size);
        if (CAEREC__FITS(opts, caerec_rec_options, score))
            o.score = opts->score;
        if (CAEREC__FITS(opts, caerec_rec_options, include_seen))
            o.include_seen = opts->include_seen;
        if (CAEREC__FITS(opts, caerec_rec_options, n_allow)) {
            o.allow = opts->allow;
            o.n_allow = opts->n_allow;
        }
        if (CAEREC__FITS(opts, caerec_rec_options, n_deny)) {
            o.deny = opts->deny;
            o.n_deny = opts->n_deny;
        }
    }
    int rc = caerec__score_ctx(&plan->score, m, (int)o.score, fn);
    if (rc)
        return rc;
    if (o.n_allow && !o.allow)
        return caerec__fail(CAEREC_EINVAL,
                            "%s: opts->allow is NULL but n_allow is %zu", fn,
                            o.n_allow);
    if (o.n_deny && !o.deny)
        return caerec__fail(CAEREC_EINVAL,
                            "%s: opts->deny is NULL but n_deny is %zu", fn,
                            o.n_deny);
    plan->include_seen = o.include_seen != 0;
    if (!o.allow && !o.n_deny)
        return CAEREC_OK;
    const size_t n = m->items.n;
    /* An allow list (even an empty one) restricts candidates to its known
     * items; unknown ids in either list are ignored as documented. */
    plan->mask = malloc(n ? n : 1);
    if (!plan->mask)
        return caerec__fail(CAEREC_ENOMEM, "%s: out of memory", fn);
    memset(plan->mask, o.allow ? 0 : 1, n);
    for (size_t i = 0; o.allow && i < o.n_allow; i++) {
        size_t j = caerec__idmap_find(&m->items, o.allow[i]);
        if (j != SIZE_MAX)
            plan->mask[j] = 1;
    }
    for (size_t i = 0; i < o.n_deny; i++) {
        size_t j = caerec__idmap_find(&m->items, o.deny[i]);
        if (j != SIZE_MAX)
            plan->mask[j] = 0;
    }
    return CAEREC_OK;
}

void caerec__rec_plan_free(caerec_rec_plan *plan)
{
    free(plan->mask);
    plan->mask = NULL;
}

size_t caerec__rec_run(const caerec_uscores *s, const caerec_rec_plan *plan,
                       size_t k, caerec_topk_entry *heap)
{
    caerec_topk t;
    caerec__topk_init(&t, heap, k < s->n ? k : s->n);
    const uint8_t *mask = plan->mask;
    for (size_t i = 0; i < s->n; i++) {
        if ((mask && !mask[i]) || (!plan->include_seen && s->seen[i]))
            continue;
        caerec__topk_push(&t, caerec__score_at(s, &plan->score, i),
                          (uint32_t)i);
    }
    return caerec__topk_finish(&t);
}

typedef struct batch_ctx {
    const caerec_model *m;
    const caerec_rec_plan *plan;
    size_t k;
    caerec_topk_entry *heap;
    int64_t *items;
    double *scores;
    size_t *counts;
} batch_ctx;

static void batch_user(void *vctx, size_t slot, const caerec_uscores *s)
{
    batch_ctx *c = vctx;
    size_t cnt = caerec__rec_run(s, c->plan, c->k, c->heap);
    for (size_t r = 0; r < cnt; r++) {
        c->items[slot * c->k + r] = c->m->items.ids[c->heap[r].index];
        if (c->scores)
            c->scores[slot * c->k + r] = c->heap[r].score;
    }
    c->counts[slot] = cnt;
}

CAEREC_API int caerec_recommend_batch(const caerec_model *model,
                                      const int64_t *users, size_t n_users,
                                      size_t k, const caerec_rec_options *opts,
                                      int64_t *out_items, double *out_scores,
                                      size_t *out_counts)
{
    static const char fn[] = "caerec_recommend_batch";
    CAEREC_CHECK_NULL(model);
    if (n_users == 0)
        return CAEREC_OK;
    CAEREC_CHECK_NULL(users);
    CAEREC_CHECK_NULL(out_counts);
    if (k > 0)
        CAEREC_CHECK_NULL(out_items);
    size_t total;
    if (!caerec__mul(n_users, k, &total))
        return caerec__fail(CAEREC_ETOOBIG, "%s: %zu users x k %zu overflows",
                            fn, n_users, k);
    if (n_users > UINT32_MAX)
        return caerec__fail(CAEREC_ETOOBIG,
                            "%s: %zu users in one call (at most %u)", fn,
                            n_users, UINT32_MAX);
    caerec_rec_plan plan;
    int rc = caerec__rec_plan(&plan, model, opts, fn);
    if (rc)
        return rc;
    uint32_t *idx = caerec__malloc_array(n_users, sizeof *idx);
    size_t kk = k < model->items.n ? k : model->items.n;
    caerec_topk_entry *heap = caerec__malloc_array(kk ? kk : 1, sizeof *heap);
    if (!idx || !heap) {
        rc = caerec__fail(CAEREC_ENOMEM, "%s: out of memory", fn);
        goto done;
    }
    for (size_t i = 0; i < n_users; i++) {
        size_t u = caerec__idmap_find(&model->users, users[i]);
        if (u == SIZE_MAX) {
            rc = caerec__fail(CAEREC_ENOTFOUND,
                              "%s: unknown user id %lld (users[%zu])", fn,
                              (long long)users[i], i);
            goto done;
        }
        idx[i] = (uint32_t)u;
    }
    if ((rc = caerec__model_ready(model))) {
        rc = caerec__fail(rc, "%s: out of memory building the inference cache",
                          fn);
        goto done;
    }
    if (k == 0) {
        memset(out_counts, 0, n_users * sizeof *out_counts);
        goto done;
    }
    batch_ctx ctx = {model, &plan, k, heap, out_items, out_scores, out_counts};
    rc = caerec__for_users(model, idx, n_users,
                           caerec__score_needs_dist(plan.score.score),
                           batch_user, &ctx);
    if (rc)
        rc = caerec__fail(rc, "%s: out of memory for a block of users", fn);
done:
    caerec__rec_plan_free(&plan);
    free(idx);
    free(heap);
    return rc;
}
