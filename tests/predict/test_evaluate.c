/* Evaluation against values computed in the test from the scorer's
 * numbers and the definitions in evaluation.md: RMSE/MAE of clipped
 * expected ratings with skipped cells counted, and Recall/NDCG/precision/
 * hit rate at several k in one call; plus errors and struct_size. */
#include "predict_test_util.h"

#include "data/dataset.h"

#include <math.h>

static const double five[] = {1, 2, 3, 4, 5};

/* Test cells of known users on items they did not train on, some cells
 * with ratings, some interactions only; plus cells of an unknown user, of
 * an unknown item, and a cell the user trained on. */
static caerec_dataset *make_test(const caerec_model *m, size_t n_users,
                                 size_t n_items, int with_types)
{
    caerec_dataset *t;
    assert_int_equal(caerec_dataset_create(&t, five, 5,
                                           with_types ? test_type_names : NULL,
                                           with_types ? 1 : 0),
                     0);
    caerec_scorer *sc;
    assert_int_equal(caerec_scorer_create(&sc, m), 0);
    uint64_t seed = 99;
    for (size_t u = 0; u < n_users; u++) {
        if (u % 5 == 4)
            continue; /* users without test cells */
        assert_int_equal(caerec_scorer_set_user(sc, uid(u)), 0);
        int trained_added = 0;
        for (size_t i = 0; i < n_items; i++) {
            int seen;
            assert_int_equal(caerec_scorer_seen(sc, iid(i), &seen), 0);
            if (seen && !trained_added && u % 2 == 0) {
                /* a training cell in the test set: ignored by top-k */
                assert_int_equal(
                    caerec_dataset_add_rating(t, uid(u), iid(i), 3), 0);
                trained_added = 1;
                continue;
            }
            if (seen || lcg(&seed) % 4 != 0)
                continue;
            if (with_types && lcg(&seed) % 3 == 0)
                assert_int_equal(
                    caerec_dataset_add_interaction(t, uid(u), iid(i), 0), 0);
            else
                assert_int_equal(caerec_dataset_add_rating(t, uid(u), iid(i),
                                                           1 + lcg(&seed) % 5),
                                 0);
        }
    }
    assert_int_equal(caerec_dataset_add_rating(t, 1, iid(0), 4),
                     0); /* unknown user */
    assert_int_equal(caerec_dataset_add_rating(t, uid(0), 77777, 2),
                     0); /* unknown item */
    assert_int_equal(caerec_dataset_add_rating(t, uid(1), 77778, 5),
                     0); /* unknown item */
    caerec_scorer_free(sc);
    return t;
}

static double clip(double r) { return r < 1 ? 1 : r > 5 ? 5 : r; }

static void test_ratings_by_hand(void **state)
{
    (void)state;
    const model_spec specs[] = {{CAEREC_ORIENT_USER, 5, 1, 20, 24, 2, 1},
                                {CAEREC_ORIENT_ITEM, 5, 1, 20, 24, 2, 2}};
    for (size_t q = 0; q < 2; q++) {
        const model_spec *sp = &specs[q];
        caerec_model *m = make_model(sp);
        caerec_dataset *t = make_test(m, sp->users, sp->items, 1);
        /* by hand: every rated test cell with known user and item */
        caerec_scorer *sc;
        assert_int_equal(caerec_scorer_create(&sc, m), 0);
        double sq = 0, ab = 0;
        size_t n = 0, skipped = 0;
        for (size_t c = 0; c < t->n_cells; c++) {
            if (t->cell_level[c] == CAEREC_NO_LEVEL)
                continue;
            int64_t user = t->users.ids[t->cell_user[c]];
            int64_t item = t->items.ids[t->cell_item[c]];
            double truth = five[t->cell_level[c]], r;
            if (caerec_scorer_set_user(sc, user) ||
                caerec_scorer_get(sc, item, CAEREC_SCORE_RATING, &r)) {
                skipped++;
                continue;
            }
            double e = clip(r) - truth;
            sq += e * e;
            ab += fabs(e);
            n++;
        }
        assert_int_equal(skipped, 3);
        assert_true(n > 20);
        caerec_rating_metrics rm = CAEREC_RATING_METRICS_INIT;
        assert_int_equal(caerec_evaluate_ratings(m, t, &rm), CAEREC_OK);
        assert_int_equal(rm.n_ratings, n);
        assert_int_equal(rm.skipped, skipped);
        assert_true(fabs(rm.rmse - sqrt(sq / n)) < 1e-6 * rm.rmse);
        assert_true(fabs(rm.mae - ab / n) < 1e-6 * rm.mae);
        /* a shorter struct: fields past struct_size untouched */
        caerec_rating_metrics part = {offsetof(caerec_rating_metrics, mae), -1,
                                      -1, 5, 5};
        assert_int_equal(caerec_evaluate_ratings(m, t, &part), CAEREC_OK);
        assert_true(part.rmse == rm.rmse);
        assert_true(part.mae == -1 && part.n_ratings == 5 && part.skipped == 5);
        /* a different scale */
        caerec_dataset *other;
        assert_int_equal(caerec_dataset_create(&other, five, 4, NULL, 0), 0);
        assert_int_equal(caerec_dataset_add_rating(other, uid(0), iid(1), 2),
                         0);
        rm.rmse = -1;
        assert_int_equal(caerec_evaluate_ratings(m, other, &rm), CAEREC_EINVAL);
        assert_true(rm.rmse == -1);
        caerec_dataset_free(other);
        assert_int_equal(caerec_evaluate_ratings(NULL, t, &rm), CAEREC_EINVAL);
        assert_int_equal(caerec_evaluate_ratings(m, NULL, &rm), CAEREC_EINVAL);
        assert_int_equal(caerec_evaluate_ratings(m, t, NULL), CAEREC_EINVAL);
        rm.struct_size = 0;
        assert_int_equal(caerec_evaluate_ratings(m, t, &rm), CAEREC_EINVAL);
        caerec_scorer_free(sc);
        caerec_dataset_free(t);
        caerec_model_free(m);
    }
}

/* Hand-computed top-k metrics: the ranking from the scorer's own
 * recommendation (unseen items by P(i | u)), relevance from the test
 * cells of known items not trained on. */
static void hand_topk(const caerec_model *m, const caerec_dataset *t,
                      const size_t *ks, size_t n_k, double (*sum)[4],
                      size_t *users)
{
    caerec_scorer *sc;
    assert_int_equal(caerec_scorer_create(&sc, m), 0);
    size_t n_items = caerec_model_n_items(m);
    int64_t *ranked = malloc(n_items * sizeof *ranked);
    memset(sum, 0, n_k * sizeof *sum);
    *users = 0;
    for (size_t tu = 0; tu < t->users.n; tu++) {
        int64_t user = t->users.ids[tu];
        if (caerec_scorer_set_user(sc, user))
            continue;
        int64_t rel[256];
        size_t n_rel = 0;
        for (size_t c = 0; c < t->n_cells; c++) {
            if (t->cell_user[c] != tu)
                continue;
            int64_t item = t->items.ids[t->cell_item[c]];
            int seen;
            if (caerec_scorer_seen(sc, item, &seen) || seen)
                continue;
            rel[n_rel++] = item;
        }
        if (!n_rel)
            continue;
        (*users)++;
        size_t cnt;
        assert_int_equal(
            caerec_scorer_recommend(sc, n_items, NULL, ranked, NULL, &cnt), 0);
        for (size_t q = 0; q < n_k; q++) {
            size_t k = ks[q], hits = 0;
            double dcg = 0, idcg = 0;
            for (size_t r = 0; r < k && r < cnt; r++)
                for (size_t e = 0; e < n_rel; e++)
                    if (ranked[r] == rel[e]) {
                        hits++;
                        dcg += 1.0 / log2((double)r + 2.0);
                    }
            size_t ideal = n_rel < k ? n_rel : k;
            for (size_t r = 0; r < ideal; r++)
                idcg += 1.0 / log2((double)r + 2.0);
            sum[q][0] += (double)hits / (double)ideal;
            sum[q][1] += dcg / idcg;
            sum[q][2] += (double)hits / (double)k;
            sum[q][3] += hits > 0;
        }
    }
    free(ranked);
    caerec_scorer_free(sc);
}

static void test_topk_by_hand(void **state)
{
    (void)state;
    const model_spec specs[] = {{CAEREC_ORIENT_USER, 5, 1, 25, 30, 2, 1},
                                {CAEREC_ORIENT_ITEM, 5, 1, 25, 30, 2, 1},
                                {CAEREC_ORIENT_USER, 0, 1, 25, 30, 1, 2}};
    for (size_t q = 0; q < 3; q++) {
        const model_spec *sp = &specs[q];
        caerec_model *m = make_model(sp);
        caerec_dataset *t = make_test(m, sp->users, sp->items, 1);
        const size_t ks[] = {1, 3, 10, 1000};
        double sum[4][4];
        size_t users;
        hand_topk(m, t, ks, 4, sum, &users);
        assert_true(users >= 15);
        caerec_topk_metrics out[4];
        for (size_t e = 0; e < 4; e++)
            out[e] = (caerec_topk_metrics)CAEREC_TOPK_METRICS_INIT;
        assert_int_equal(caerec_evaluate_topk(m, t, ks, 4, out), CAEREC_OK);
        for (size_t e = 0; e < 4; e++) {
            assert_int_equal(out[e].k, ks[e]);
            assert_int_equal(out[e].users, users);
            assert_true(fabs(out[e].recall - sum[e][0] / users) < 1e-12);
            assert_true(fabs(out[e].ndcg - sum[e][1] / users) < 1e-12);
            assert_true(fabs(out[e].precision - sum[e][2] / users) < 1e-12);
            assert_true(fabs(out[e].hit_rate - sum[e][3] / users) < 1e-12);
            assert_true(out[e].recall >= 0 && out[e].recall <= 1);
            assert_true(out[e].ndcg >= 0 && out[e].ndcg <= 1);
        }
        /* k beyond the catalogue finds every relevant item */
        assert_true(fabs(out[3].recall - 1.0) < 1e-12);
        assert_true(fabs(out[3].hit_rate - 1.0) < 1e-12);
        /* one cut-off alone gives the same as within the group */
        caerec_topk_metrics one = CAEREC_TOPK_METRICS_INIT;
        assert_int_equal(caerec_evaluate_topk(m, t, &ks[2], 1, &one), 0);
        assert_true(one.ndcg == out[2].ndcg && one.recall == out[2].recall);
        /* errors */
        const size_t bad[] = {5, 0};
        assert_int_equal(caerec_evaluate_topk(m, t, bad, 2, out),
                         CAEREC_EINVAL);
        assert_int_equal(caerec_evaluate_topk(m, t, NULL, 2, out),
                         CAEREC_EINVAL);
        assert_int_equal(caerec_evaluate_topk(m, NULL, ks, 2, out),
                         CAEREC_EINVAL);
        out[1].struct_size = 0;
        assert_int_equal(caerec_evaluate_topk(m, t, ks, 2, out), CAEREC_EINVAL);
        /* K = 0 model: ratings unsupported */
        if (!sp->K) {
            caerec_rating_metrics rm = CAEREC_RATING_METRICS_INIT;
            assert_int_equal(caerec_evaluate_ratings(m, t, &rm),
                             CAEREC_EUNSUPPORTED);
        }
        caerec_dataset_free(t);
        caerec_model_free(m);
    }
}

static void test_no_evaluable_users(void **state)
{
    (void)state;
    model_spec sp = {CAEREC_ORIENT_USER, 5, 0, 10, 12, 0, 1};
    caerec_model *m = make_model(&sp);
    caerec_dataset *t;
    assert_int_equal(caerec_dataset_create(&t, five, 5, NULL, 0), 0);
    assert_int_equal(caerec_dataset_add_rating(t, 1, iid(0), 4),
                     0); /* unknown user */
    size_t k = 5;
    caerec_topk_metrics out = CAEREC_TOPK_METRICS_INIT;
    assert_int_equal(caerec_evaluate_topk(m, t, &k, 1, &out), 0);
    assert_int_equal(out.users, 0);
    assert_true(isnan(out.ndcg) && isnan(out.recall));
    caerec_rating_metrics rm = CAEREC_RATING_METRICS_INIT;
    assert_int_equal(caerec_evaluate_ratings(m, t, &rm), 0);
    assert_int_equal(rm.n_ratings, 0);
    assert_int_equal(rm.skipped, 1);
    assert_true(isnan(rm.rmse));
    caerec_dataset_free(t);
    caerec_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ratings_by_hand),
        cmocka_unit_test(test_topk_by_hand),
        cmocka_unit_test(test_no_evaluable_users),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
