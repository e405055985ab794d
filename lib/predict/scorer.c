/* The scorer: one user's scores over all items, computed once by
 * set_user / set_history and then only read, plus the one-shot
 * caerec_predict. */
#include "predict/predict.h"

#include "model/foldin.h"

#include "common/alloc.h"
#include "common/error.h"

#include <stdlib.h>
#include <string.h>

struct caerec_scorer {
    const caerec_model *model;
    caerec_block block; /* one user */
    caerec_uscores s;   /* with rating distributions */
    int has_user;
};

CAEREC_API int caerec_scorer_create(caerec_scorer **out,
                                    const caerec_model *model)
{
    CAEREC_CHECK_NULL(out);
    CAEREC_CHECK_NULL(model);
    caerec_scorer *sc = calloc(1, sizeof *sc);
    if (!sc)
        return caerec__fail(CAEREC_ENOMEM,
                            "caerec_scorer_create: out of memory");
    sc->model = model;
    int rc = caerec__block_alloc(&sc->block, model, 1);
    if (!rc && (rc = caerec__uscores_alloc(&sc->s, model, 1)))
        caerec__block_free(&sc->block);
    if (rc) {
        free(sc);
        return caerec__fail(rc,
                            "caerec_scorer_create: cannot allocate the "
                            "workspace for %zu items",
                            model->items.n);
    }
    *out = sc;
    return CAEREC_OK;
}

CAEREC_API void caerec_scorer_free(caerec_scorer *sc)
{
    if (!sc)
        return;
    caerec__block_free(&sc->block);
    caerec__uscores_free(&sc->s);
    free(sc);
}

CAEREC_API int caerec_scorer_set_user(caerec_scorer *sc, int64_t user)
{
    CAEREC_CHECK_NULL(sc);
    const caerec_model *m = sc->model;
    size_t u = caerec__idmap_find(&m->users, user);
    if (u == SIZE_MAX)
        return caerec__fail(
            CAEREC_ENOTFOUND,
            "caerec_scorer_set_user: unknown user id %lld (not "
            "in the training data; use caerec_scorer_set_history)",
            (long long)user);
    int rc = caerec__model_ready(m);
    if (rc)
        return caerec__fail(rc,
                            "caerec_scorer_set_user: out of memory building "
                            "the inference cache");
    caerec__score_user(m, &sc->block, u, &sc->s, m->cfg.threads);
    sc->has_user = 1;
    return CAEREC_OK;
}

/* One history cell mapped into the model: column, level, type bits. */
typedef struct hcell {
    uint32_t col;
    int8_t level;
    uint32_t types;
} hcell;

static int hcell_cmp(const void *a, const void *b)
{
    uint32_t x = ((const hcell *)a)->col, y = ((const hcell *)b)->col;
    return (x > y) - (x < y);
}

CAEREC_API int caerec_scorer_set_history(caerec_scorer *sc,
                                         const caerec_dataset *history,
                                         int64_t user, size_t *out_skipped)
{
    static const char fn[] = "caerec_scorer_set_history";
    CAEREC_CHECK_NULL(sc);
    CAEREC_CHECK_NULL(history);
    const caerec_model *m = sc->model;
    const caerec_dims *dm = &m->dims;
    if (!caerec__same_scale(m->levels, dm->K, history->levels,
                            history->n_levels))
        return caerec__fail(
            CAEREC_EINVAL,
            "%s: the history's rating scale (%zu levels) differs "
            "from the model's (%zu levels)",
            fn, history->n_levels, dm->K);
    /* History types map to the model's by name, so a history may declare
     * fewer types or list them in another order. */
    uint32_t type_map[CAEREC_MAX_TYPES];
    for (size_t t = 0; t < history->n_types; t++) {
        size_t mt = 0;
        while (mt < dm->T && strcmp(m->type_names[mt], history->type_names[t]))
            mt++;
        if (mt == dm->T)
            return caerec__fail(CAEREC_EINVAL,
                                "%s: the history's interaction type \"%s\" is "
                                "not a type of the model",
                                fn, history->type_names[t]);
        type_map[t] = (uint32_t)mt;
    }
    size_t hu = caerec__idmap_find(&history->users, user);
    if (hu == SIZE_MAX)
        return caerec__fail(
            CAEREC_ENOTFOUND,
            "%s: user id %lld has no interactions in the history", fn,
            (long long)user);
    int rc = caerec__model_ready(m);
    if (rc)
        return caerec__fail(
            rc, "%s: out of memory building the inference cache", fn);

    size_t n_cells = 0;
    for (size_t c = 0; c < history->n_cells; c++)
        n_cells += history->cell_user[c] == hu;
    hcell *cells = caerec__malloc_array(n_cells, sizeof *cells);
    uint32_t *col = caerec__malloc_array(n_cells, sizeof *col);
    int8_t *level = caerec__malloc_array(n_cells, sizeof *level);
    uint32_t *types = caerec__malloc_array(n_cells, sizeof *types);
    if (!cells || !col || !level || !types) {
        rc = caerec__fail(CAEREC_ENOMEM, "%s: out of memory", fn);
        goto done;
    }
    size_t n = 0, skipped = 0;
    for (size_t c = 0; c < history->n_cells; c++) {
        if (history->cell_user[c] != hu)
            continue;
        int64_t item = history->items.ids[history->cell_item[c]];
        size_t j = caerec__idmap_find(&m->items, item);
        if (j == SIZE_MAX) {
            skipped++;
            continue;
        }
        uint32_t bits = 0;
        for (size_t t = 0; t < history->n_types; t++)
            if (history->cell_types[c] >> t & 1u)
                bits |= 1u << type_map[t];
        cells[n].col = (uint32_t)j;
        cells[n].level = history->cell_level[c];
        cells[n].types = bits;
        n++;
    }
    /* The encoder sums over the row, but sorted columns keep the sum in
     * the same order as for a training row: same cells, same bits. */
    qsort(cells, n, sizeof *cells, hcell_cmp);
    for (size_t i = 0; i < n; i++) {
        col[i] = cells[i].col;
        level[i] = cells[i].level;
        types[i] = cells[i].types;
    }
    caerec_row row = {col, level, types, n};
    if (m->cfg.orientation == CAEREC_ORIENT_ITEM) {
        /* No decoder column exists for a new user: fit one (model/foldin.h). */
        double *offs = caerec__malloc_array(dm->m, sizeof *offs);
        if (!offs || caerec__fold_in_item(m, &row, sc->block.O, offs)) {
            free(offs);
            rc = caerec__fail(CAEREC_ENOMEM, "%s: out of memory", fn);
            goto done;
        }
        caerec__uscores_from_item_logits(&sc->s, m, offs, sc->block.O);
        free(offs);
    } else {
        caerec__encode(m, &row, 1, &sc->block.ws, sc->block.H);
        caerec__decode(m, sc->block.H, 1, 0, dm->n, &sc->block.ws, sc->block.O,
                       m->cfg.threads);
        caerec__uscores_from_row_logits(&sc->s, sc->block.O);
    }
    caerec__uscores_set_seen(&sc->s, col, n);
    sc->has_user = 1;
    if (out_skipped)
        *out_skipped = skipped;
done:
    free(cells);
    free(col);
    free(level);
    free(types);
    return rc;
}

/* Common checks of the read-only calls; the item's index in *out_i. */
static int lookup(const caerec_scorer *sc, int64_t item, size_t *out_i,
                  const char *fn)
{
    if (!sc->has_user)
        return caerec__fail(CAEREC_ESTATE,
                            "%s: no user set (call "
                            "caerec_scorer_set_user first)",
                            fn);
    size_t i = caerec__idmap_find(&sc->model->items, item);
    if (i == SIZE_MAX)
        return caerec__fail(CAEREC_ENOTFOUND, "%s: unknown item id %lld", fn,
                            (long long)item);
    *out_i = i;
    return CAEREC_OK;
}

CAEREC_API int caerec_scorer_get(const caerec_scorer *sc, int64_t item,
                                 caerec_score score, double *out)
{
    CAEREC_CHECK_NULL(sc);
    CAEREC_CHECK_NULL(out);
    caerec_score_ctx ctx;
    size_t i = 0;
    int rc = caerec__score_ctx(&ctx, sc->model, (int)score, __func__);
    if (!rc)
        rc = lookup(sc, item, &i, __func__);
    if (rc)
        return rc;
    *out = caerec__score_at(&sc->s, &ctx, i);
    return CAEREC_OK;
}

CAEREC_API int caerec_scorer_levels(const caerec_scorer *sc, int64_t item,
                                    double *out, size_t capacity, size_t *out_n)
{
    CAEREC_CHECK_NULL(sc);
    if (capacity > 0)
        CAEREC_CHECK_NULL(out);
    size_t i = 0;
    int rc = lookup(sc, item, &i, __func__);
    if (rc)
        return rc;
    size_t K = sc->s.K;
    for (size_t k = 0; k < K && k < capacity; k++)
        out[k] = sc->s.dist[i * K + k];
    if (out_n)
        *out_n = K;
    return CAEREC_OK;
}

CAEREC_API int caerec_scorer_seen(const caerec_scorer *sc, int64_t item,
                                  int *out_seen)
{
    CAEREC_CHECK_NULL(sc);
    CAEREC_CHECK_NULL(out_seen);
    size_t i = 0;
    int rc = lookup(sc, item, &i, __func__);
    if (rc)
        return rc;
    *out_seen = sc->s.seen[i];
    return CAEREC_OK;
}

CAEREC_API int caerec_scorer_all(const caerec_scorer *sc, caerec_score score,
                                 float *out, size_t n_items)
{
    CAEREC_CHECK_NULL(sc);
    CAEREC_CHECK_NULL(out);
    caerec_score_ctx ctx;
    int rc = caerec__score_ctx(&ctx, sc->model, (int)score, __func__);
    if (rc)
        return rc;
    if (!sc->has_user)
        return caerec__fail(CAEREC_ESTATE, "%s: no user set", __func__);
    if (n_items < sc->s.n)
        return caerec__fail(CAEREC_EINVAL,
                            "%s: out has room for %zu scores but the model has "
                            "%zu items",
                            __func__, n_items, sc->s.n);
    for (size_t i = 0; i < sc->s.n; i++)
        out[i] = (float)caerec__score_at(&sc->s, &ctx, i);
    return CAEREC_OK;
}

CAEREC_API int caerec_scorer_recommend(const caerec_scorer *sc, size_t k,
                                       const caerec_rec_options *opts,
                                       int64_t *out_items, double *out_scores,
                                       size_t *out_n)
{
    CAEREC_CHECK_NULL(sc);
    CAEREC_CHECK_NULL(out_n);
    if (k > 0)
        CAEREC_CHECK_NULL(out_items);
    caerec_rec_plan plan;
    int rc = caerec__rec_plan(&plan, sc->model, opts, __func__);
    if (rc)
        return rc;
    if (!sc->has_user) {
        caerec__rec_plan_free(&plan);
        return caerec__fail(CAEREC_ESTATE, "%s: no user set", __func__);
    }
    size_t kk = k < sc->s.n ? k : sc->s.n;
    caerec_topk_entry *heap = caerec__malloc_array(kk ? kk : 1, sizeof *heap);
    if (!heap) {
        caerec__rec_plan_free(&plan);
        return caerec__fail(CAEREC_ENOMEM, "%s: out of memory", __func__);
    }
    size_t cnt = caerec__rec_run(&sc->s, &plan, kk, heap);
    for (size_t r = 0; r < cnt; r++) {
        out_items[r] = sc->model->items.ids[heap[r].index];
        if (out_scores)
            out_scores[r] = heap[r].score;
    }
    *out_n = cnt;
    free(heap);
    caerec__rec_plan_free(&plan);
    return CAEREC_OK;
}

CAEREC_API int caerec_predict(const caerec_model *model, int64_t user,
                              int64_t item, caerec_score score, double *out)
{
    CAEREC_CHECK_NULL(model);
    CAEREC_CHECK_NULL(out);
    caerec_score_ctx ctx;
    int rc = caerec__score_ctx(&ctx, model, (int)score, __func__);
    if (rc)
        return rc;
    if (caerec__idmap_find(&model->items, item) == SIZE_MAX)
        return caerec__fail(CAEREC_ENOTFOUND,
                            "caerec_predict: unknown item id %lld",
                            (long long)item);
    if (caerec__idmap_find(&model->users, user) == SIZE_MAX)
        return caerec__fail(CAEREC_ENOTFOUND,
                            "caerec_predict: unknown user id %lld",
                            (long long)user);
    caerec_scorer *sc;
    if ((rc = caerec_scorer_create(&sc, model)))
        return rc;
    double v = 0.0;
    rc = caerec_scorer_set_user(sc, user);
    if (!rc)
        rc = caerec_scorer_get(sc, item, score, &v);
    caerec_scorer_free(sc);
    if (!rc)
        *out = v;
    return rc;
}
