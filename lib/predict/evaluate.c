/* Evaluation (evaluation.md): RMSE/MAE of expected ratings on test cells,
 * and Recall/NDCG/precision/hit rate of top-k lists over all items the
 * user did not train on. Both are called once per epoch by training's
 * validation, so they avoid per-user work that does not need it:
 * ratings decode only the test cells (grouped by column, one small GEMM
 * per column); top-k decodes users in large blocks.
 *
 * Choices the spec leaves open:
 * - skipped counts the test's rated cells whose user or item the model
 *   does not know (unrated cells do not enter the rating metrics at all);
 * - a test cell the user also has in training is not relevant for top-k:
 *   training items are excluded from the ranking, so it could never be
 *   hit; users left with no relevant item are not averaged over;
 * - with no rating (or no evaluable user) the metrics are NaN and the
 *   counts 0, like validation fields without a validation set. */
#include "predict/metrics.h"
#include "predict/predict.h"

#include "common/alloc.h"
#include "common/error.h"
#include "kernels/softmax.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Model index of every user (items) of a dataset, SIZE_MAX if unknown. */
static size_t *map_ids(const caerec_idmap *from, const caerec_idmap *to)
{
    size_t *map = caerec__malloc_array(from->n ? from->n : 1, sizeof *map);
    if (map)
        for (size_t i = 0; i < from->n; i++)
            map[i] = caerec__idmap_find(to, from->ids[i]);
    return map;
}

/* Rows gathered per decoder call when scoring single cells. */
#define CELL_CHUNK 256

CAEREC_API int caerec_evaluate_ratings(const caerec_model *model,
                                       const caerec_dataset *test,
                                       caerec_rating_metrics *out)
{
    static const char fn[] = "caerec_evaluate_ratings";
    CAEREC_CHECK_NULL(model);
    CAEREC_CHECK_NULL(test);
    CAEREC_CHECK_NULL(out);
    if (out->struct_size < sizeof(size_t))
        return caerec__fail(CAEREC_EINVAL,
                            "%s: out->struct_size is %zu; use "
                            "CAEREC_RATING_METRICS_INIT",
                            fn, out->struct_size);
    const caerec_dims *dm = &model->dims;
    const size_t K = dm->K, KK = K + 1, d = dm->d;
    if (K == 0)
        return caerec__fail(CAEREC_EUNSUPPORTED,
                            "%s: the model has no rating scale (K = 0)", fn);
    if (!caerec__same_scale(model->levels, K, test->levels, test->n_levels))
        return caerec__fail(CAEREC_EINVAL,
                            "%s: the test set's rating scale (%zu levels) "
                            "differs from the model's (%zu levels)",
                            fn, test->n_levels, K);
    int rc = caerec__model_ready(model);
    if (rc)
        return caerec__fail(
            rc, "%s: out of memory building the inference cache", fn);

    const int by_item = model->cfg.orientation == CAEREC_ORIENT_ITEM;
    size_t n_cols = dm->n;
    size_t *umap = map_ids(&test->users, &model->users);
    size_t *imap = map_ids(&test->items, &model->items);
    size_t *start = caerec__calloc_array(n_cols + 1, sizeof *start);
    uint32_t *cell_row =
        caerec__malloc_array(test->n_ratings + 1, sizeof *cell_row);
    int8_t *cell_level = caerec__malloc_array(test->n_ratings + 1, 1);
    uint32_t *tmp_row =
        caerec__malloc_array(test->n_ratings + 1, sizeof *tmp_row);
    uint32_t *tmp_col =
        caerec__malloc_array(test->n_ratings + 1, sizeof *tmp_col);
    caerec_infer_ws ws = {CELL_CHUNK, caerec__alloc_floats(dm->c1),
                          caerec__alloc_floats(CELL_CHUNK * dm->c2)};
    float *H = caerec__alloc_floats(CELL_CHUNK * d);
    float *O = caerec__alloc_floats(CELL_CHUNK * KK);
    float *P = caerec__alloc_floats(K);
    if (!umap || !imap || !start || !cell_row || !cell_level || !tmp_row ||
        !tmp_col || !ws.pre || !ws.Y || !H || !O || !P) {
        rc = caerec__fail(CAEREC_ENOMEM, "%s: out of memory", fn);
        goto done;
    }
    /* Known rated cells in model orientation, then a counting sort by
     * column so each column's decoder weights are read once. */
    size_t n = 0, skipped = 0;
    for (size_t c = 0; c < test->n_cells; c++) {
        if (test->cell_level[c] == CAEREC_NO_LEVEL)
            continue;
        size_t u = umap[test->cell_user[c]], i = imap[test->cell_item[c]];
        if (u == SIZE_MAX || i == SIZE_MAX) {
            skipped++;
            continue;
        }
        tmp_row[n] = (uint32_t)(by_item ? i : u);
        tmp_col[n] = (uint32_t)(by_item ? u : i);
        cell_level[n] = test->cell_level[c];
        n++;
    }
    for (size_t e = 0; e < n; e++)
        start[tmp_col[e] + 1]++;
    for (size_t j = 0; j < n_cols; j++)
        start[j + 1] += start[j];
    /* Scatter rows and levels by column. */
    {
        size_t *pos = caerec__malloc_array(n_cols + 1, sizeof *pos);
        int8_t *lev = caerec__malloc_array(n + 1, 1);
        if (!pos || !lev) {
            free(pos);
            free(lev);
            rc = caerec__fail(CAEREC_ENOMEM, "%s: out of memory", fn);
            goto done;
        }
        memcpy(pos, start, (n_cols + 1) * sizeof *pos);
        for (size_t e = 0; e < n; e++) {
            size_t at = pos[tmp_col[e]]++;
            cell_row[at] = tmp_row[e];
            lev[at] = cell_level[e];
        }
        memcpy(cell_level, lev, n);
        free(pos);
        free(lev);
    }
    const double lo = model->levels[0], hi = model->levels[K - 1];
    double sq = 0.0, ab = 0.0;
    for (size_t j = 0; j < n_cols; j++) {
        for (size_t a = start[j]; a < start[j + 1]; a += CELL_CHUNK) {
            size_t B =
                start[j + 1] - a < CELL_CHUNK ? start[j + 1] - a : CELL_CHUNK;
            for (size_t b = 0; b < B; b++)
                memcpy(H + b * d,
                       model->cache.hidden + (size_t)cell_row[a + b] * d,
                       d * sizeof *H);
            caerec__decode(model, H, B, j, j + 1, &ws, O, 1);
            for (size_t b = 0; b < B; b++) {
                caerec__softmax(O + b * KK, K, 1, P);
                double r = 0.0;
                for (size_t k = 0; k < K; k++)
                    r += model->levels[k] * P[k];
                r = r < lo ? lo : r > hi ? hi : r;
                double e = r - model->levels[cell_level[a + b]];
                sq += e * e;
                ab += fabs(e);
            }
        }
    }
    caerec_rating_metrics res = {sizeof res, n ? sqrt(sq / (double)n) : NAN,
                                 n ? ab / (double)n : NAN, n, skipped};
    size_t keep = out->struct_size < sizeof res ? out->struct_size : sizeof res;
    /* Fields are copied whole: keep is a field boundary for every layout
     * this struct has had. */
    memcpy((char *)out + sizeof(size_t), (char *)&res + sizeof(size_t),
           keep - sizeof(size_t));
done:
    free(umap);
    free(imap);
    free(start);
    free(cell_row);
    free(cell_level);
    free(tmp_row);
    free(tmp_col);
    caerec__infer_ws_free(&ws);
    caerec__free_floats(H);
    caerec__free_floats(O);
    caerec__free_floats(P);
    return rc;
}

/* ---- top-k ---- */

typedef struct topk_ctx {
    const size_t *ks;
    size_t n_k, kmax;
    const size_t *start; /* per evaluated user: its relevant items */
    const uint32_t *relevant;
    uint8_t *is_rel;         /* n_items scratch flags */
    uint8_t *hit;            /* kmax scratch */
    caerec_topk_entry *heap; /* kmax */
    double *sum;             /* n_k x 4: recall, ndcg, precision, hit */
} topk_ctx;

static void topk_user(void *vctx, size_t slot, const caerec_uscores *s)
{
    topk_ctx *c = vctx;
    const uint32_t *rel = c->relevant + c->start[slot];
    size_t n_rel = c->start[slot + 1] - c->start[slot];
    caerec_topk t;
    caerec__topk_init(&t, c->heap, c->kmax);
    for (size_t i = 0; i < s->n; i++)
        if (!s->seen[i])
            caerec__topk_push(&t, s->p[i], (uint32_t)i);
    size_t cnt = caerec__topk_finish(&t);
    for (size_t r = 0; r < n_rel; r++)
        c->is_rel[rel[r]] = 1;
    for (size_t r = 0; r < cnt; r++)
        c->hit[r] = c->is_rel[c->heap[r].index];
    for (size_t r = 0; r < n_rel; r++)
        c->is_rel[rel[r]] = 0;
    for (size_t q = 0; q < c->n_k; q++) {
        caerec_rank_metrics rm;
        caerec__rank_metrics(c->hit, cnt, n_rel, c->ks[q], &rm);
        c->sum[q * 4 + 0] += rm.recall;
        c->sum[q * 4 + 1] += rm.ndcg;
        c->sum[q * 4 + 2] += rm.precision;
        c->sum[q * 4 + 3] += rm.hits > 0;
    }
}

static int is_seen(const caerec_row *row, uint32_t item)
{
    size_t lo = 0, hi = row->nnz; /* columns are sorted */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (row->col[mid] < item)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < row->nnz && row->col[lo] == item;
}

CAEREC_API int caerec_evaluate_topk(const caerec_model *model,
                                    const caerec_dataset *test,
                                    const size_t *ks, size_t n_k,
                                    caerec_topk_metrics *out)
{
    static const char fn[] = "caerec_evaluate_topk";
    CAEREC_CHECK_NULL(model);
    CAEREC_CHECK_NULL(test);
    if (n_k == 0)
        return CAEREC_OK;
    CAEREC_CHECK_NULL(ks);
    CAEREC_CHECK_NULL(out);
    size_t kmax = 0;
    for (size_t q = 0; q < n_k; q++) {
        if (ks[q] == 0)
            return caerec__fail(CAEREC_EINVAL, "%s: ks[%zu] is 0", fn, q);
        if (out[q].struct_size < sizeof(size_t))
            return caerec__fail(CAEREC_EINVAL,
                                "%s: out[%zu].struct_size is %zu; "
                                "use CAEREC_TOPK_METRICS_INIT",
                                fn, q, out[q].struct_size);
        if (ks[q] > kmax)
            kmax = ks[q];
    }
    const size_t n_items = model->items.n, n_users = model->users.n;
    if (kmax > n_items)
        kmax = n_items;
    int rc = caerec__model_ready(model);
    if (rc)
        return caerec__fail(
            rc, "%s: out of memory building the inference cache", fn);

    const caerec_csr *train = caerec__user_rows(model);
    size_t *umap = map_ids(&test->users, &model->users);
    size_t *imap = map_ids(&test->items, &model->items);
    size_t *count = caerec__calloc_array(n_users + 1, sizeof *count);
    uint32_t *cu = caerec__malloc_array(test->n_cells + 1, sizeof *cu);
    uint32_t *ci = caerec__malloc_array(test->n_cells + 1, sizeof *ci);
    uint32_t *relevant =
        caerec__malloc_array(test->n_cells + 1, sizeof *relevant);
    uint32_t *users = caerec__malloc_array(n_users + 1, sizeof *users);
    size_t *ustart = caerec__malloc_array(n_users + 1, sizeof *ustart);
    uint8_t *is_rel = caerec__calloc_array(n_items + 1, 1);
    uint8_t *hit = caerec__malloc_array(kmax + 1, 1);
    caerec_topk_entry *heap = caerec__malloc_array(kmax + 1, sizeof *heap);
    double *sum = caerec__calloc_array(n_k * 4, sizeof *sum);
    if (!umap || !imap || !count || !cu || !ci || !relevant || !users ||
        !ustart || !is_rel || !hit || !heap || !sum) {
        rc = caerec__fail(CAEREC_ENOMEM, "%s: out of memory", fn);
        goto done;
    }
    /* Relevant cells: known user and item, and not a training item of the
     * user (those are excluded from the ranking, so they could never be
     * hit). Grouped by user with a counting sort. */
    size_t n = 0;
    for (size_t c = 0; c < test->n_cells; c++) {
        size_t u = umap[test->cell_user[c]], i = imap[test->cell_item[c]];
        if (u == SIZE_MAX || i == SIZE_MAX)
            continue;
        caerec_row row = caerec__csr_row(train, u);
        if (is_seen(&row, (uint32_t)i))
            continue;
        cu[n] = (uint32_t)u;
        ci[n] = (uint32_t)i;
        count[u + 1]++;
        n++;
    }
    for (size_t u = 0; u < n_users; u++)
        count[u + 1] += count[u];
    for (size_t e = 0; e < n; e++)
        relevant[count[cu[e]]++] = ci[e];
    /* count[u] is now the end of user u's run; its start is count[u - 1]. */
    size_t n_eval = 0;
    for (size_t u = 0; u < n_users; u++) {
        size_t a = u ? count[u - 1] : 0;
        if (count[u] > a) {
            users[n_eval] = (uint32_t)u;
            ustart[n_eval] = a;
            n_eval++;
        }
    }
    ustart[n_eval] = n;
    topk_ctx ctx = {ks, n_k, kmax, ustart, relevant, is_rel, hit, heap, sum};
    rc = caerec__for_users(model, users, n_eval, 0, topk_user, &ctx);
    if (rc) {
        rc = caerec__fail(rc, "%s: out of memory for a block of users", fn);
        goto done;
    }
    for (size_t q = 0; q < n_k; q++) {
        double inv = n_eval ? 1.0 / (double)n_eval : NAN;
        caerec_topk_metrics res = {sizeof res,
                                   ks[q],
                                   sum[q * 4] * inv,
                                   sum[q * 4 + 1] * inv,
                                   sum[q * 4 + 2] * inv,
                                   sum[q * 4 + 3] * inv,
                                   n_eval};
        size_t keep =
            out[q].struct_size < sizeof res ? out[q].struct_size : sizeof res;
        memcpy((char *)&out[q] + sizeof(size_t), (char *)&res + sizeof(size_t),
               keep - sizeof(size_t));
    }
done:
    free(umap);
    free(imap);
    free(count);
    free(cu);
    free(ci);
    free(relevant);
    free(users);
    free(ustart);
    free(is_rel);
    free(hit);
    free(heap);
    free(sum);
    return rc;
}
