/* The scorer: probabilities and distributions are proper, the score
 * formulas hold between the scores, all/get/predict agree, seen flags
 * match the training data, fold-in of a training user's own cells gives
 * that user's scores, and every documented error. */
#include "predict_test_util.h"

#include "data/dataset.h"

#include <math.h>

static const model_spec specs[] = {
    {CAEREC_ORIENT_USER, 5, 1, 24, 30, 2, 1},
    {CAEREC_ORIENT_ITEM, 5, 1, 24, 30, 2, 1},
    {CAEREC_ORIENT_USER, 0, 2, 20, 25, 0, 1},
    {CAEREC_ORIENT_ITEM, 0, 1, 20, 25, 0, 1},
    {CAEREC_ORIENT_USER, 10, 0, 15, 18, 1, 2},
    {CAEREC_ORIENT_ITEM, 3, 2, 18, 15, 0, 2},
};
#define N_SPECS (sizeof specs / sizeof *specs)

static int has_cell(const caerec_dataset *ds, int64_t user, int64_t item)
{
    for (size_t c = 0; c < ds->n_cells; c++)
        if (ds->users.ids[ds->cell_user[c]] == user &&
            ds->items.ids[ds->cell_item[c]] == item)
            return 1;
    return 0;
}

static double get(const caerec_scorer *sc, int64_t item, caerec_score s)
{
    double v = NAN;
    assert_int_equal(caerec_scorer_get(sc, item, s, &v), CAEREC_OK);
    return v;
}

static void test_distributions_and_formulas(void **state)
{
    (void)state;
    for (size_t q = 0; q < N_SPECS; q++) {
        const model_spec *sp = &specs[q];
        caerec_dataset *ds = make_data(sp);
        caerec_model *m = make_model_from(sp, ds);
        size_t n = caerec_model_n_items(m), K = sp->K;
        assert_int_equal(caerec_model_n_users(m), sp->users);
        caerec_scorer *sc;
        assert_int_equal(caerec_scorer_create(&sc, m), CAEREC_OK);
        double like_from = K ? ceil(0.6 * (K - 1) + 1 - 1e-9) : 0;
        for (size_t u = 0; u < sp->users; u++) {
            assert_int_equal(caerec_scorer_set_user(sc, uid(u)), CAEREC_OK);
            double sum = 0.0;
            size_t n_seen = 0;
            for (size_t i = 0; i < n; i++) {
                int seen = -1;
                assert_int_equal(caerec_scorer_seen(sc, iid(i), &seen), 0);
                assert_int_equal(seen, has_cell(ds, uid(u), iid(i)));
                n_seen += (size_t)seen;
            }
            for (size_t i = 0; i < n; i++) {
                double p = get(sc, iid(i), CAEREC_SCORE_SAMPLE);
                double c = get(sc, iid(i), CAEREC_SCORE_CONSUME);
                assert_true(p > 0.0 && p < 1.0);
                sum += p;
                assert_true(fabs(c - (1.0 - pow(1.0 - p, (double)n_seen))) <
                            1e-12);
                assert_true(c >= p - 1e-15 && c <= 1.0);
                double lv[16];
                size_t got = 99;
                assert_int_equal(caerec_scorer_levels(sc, iid(i), lv, 16, &got),
                                 0);
                assert_int_equal(got, K);
                if (K == 0) {
                    double v;
                    assert_int_equal(
                        caerec_scorer_get(sc, iid(i), CAEREC_SCORE_RATING, &v),
                        CAEREC_EUNSUPPORTED);
                    continue;
                }
                double s1 = 0.0, mean = 0.0, like = 0.0;
                for (size_t k = 0; k < K; k++) {
                    assert_true(lv[k] >= 0.0 && lv[k] <= 1.0);
                    s1 += lv[k];
                    mean += (double)(k + 1) * lv[k];
                    if ((double)(k + 1) >= like_from)
                        like += lv[k];
                }
                assert_true(fabs(s1 - 1.0) < 1e-5);
                double r = get(sc, iid(i), CAEREC_SCORE_RATING);
                assert_true(r >= 1.0 && r <= (double)K);
                assert_true(fabs(r - mean) < 1e-9);
                double l = get(sc, iid(i), CAEREC_SCORE_LIKE);
                assert_true(fabs(l - like) < 1e-9);
                assert_true(l >= 0.0 && l <= 1.0 + 1e-6);
                assert_true(fabs(get(sc, iid(i), CAEREC_SCORE_JOINT) - p * l) <
                            1e-15);
                assert_true(fabs(get(sc, iid(i), CAEREC_SCORE_DISCOVERY) -
                                 l * (1.0 - c)) < 1e-15);
            }
            assert_true(fabs(sum - 1.0) < 1e-9);
        }
        caerec_scorer_free(sc);
        caerec_model_free(m);
        caerec_dataset_free(ds);
    }
}

static void test_all_get_predict_agree(void **state)
{
    (void)state;
    for (size_t q = 0; q < N_SPECS; q++) {
        const model_spec *sp = &specs[q];
        caerec_model *m = make_model(sp);
        size_t n = caerec_model_n_items(m);
        float *all = malloc(n * sizeof *all);
        caerec_scorer *sc;
        assert_int_equal(caerec_scorer_create(&sc, m), CAEREC_OK);
        for (size_t u = 0; u < sp->users; u += 5) {
            assert_int_equal(caerec_scorer_set_user(sc, uid(u)), CAEREC_OK);
            for (int s = 0; s < CAEREC_SCORE_COUNT; s++) {
                int rc = caerec_scorer_all(sc, (caerec_score)s, all, n);
                if (sp->K == 0 && s >= CAEREC_SCORE_RATING) {
                    assert_int_equal(rc, CAEREC_EUNSUPPORTED);
                    double v;
                    assert_int_equal(
                        caerec_predict(m, uid(u), iid(0), (caerec_score)s, &v),
                        CAEREC_EUNSUPPORTED);
                    continue;
                }
                assert_int_equal(rc, CAEREC_OK);
                for (size_t idx = 0; idx < n; idx++) {
                    int64_t item;
                    assert_int_equal(caerec_model_item_id(m, idx, &item), 0);
                    double g = get(sc, item, (caerec_score)s);
                    assert_true(all[idx] == (float)g);
                    if (idx % 7 == 0) {
                        double p = NAN;
                        assert_int_equal(caerec_predict(m, uid(u), item,
                                                        (caerec_score)s, &p),
                                         CAEREC_OK);
                        assert_true(p == g);
                    }
                }
            }
        }
        /* too small an output buffer */
        assert_int_equal(caerec_scorer_all(sc, CAEREC_SCORE_SAMPLE, all, n - 1),
                         CAEREC_EINVAL);
        caerec_scorer_free(sc);
        caerec_model_free(m);
        free(all);
    }
}

/* Scores of every item for every score the model supports. */
static void all_scores(const caerec_scorer *sc, const caerec_model *m,
                       double *out)
{
    size_t n = caerec_model_n_items(m), K = caerec_model_n_levels(m);
    for (size_t i = 0; i < n; i++) {
        int64_t item;
        assert_int_equal(caerec_model_item_id(m, i, &item), 0);
        for (int s = 0; s < CAEREC_SCORE_COUNT; s++)
            out[i * CAEREC_SCORE_COUNT + s] =
                K || s < CAEREC_SCORE_RATING ? get(sc, item, (caerec_score)s)
                                             : 0.0;
    }
}

static void test_fold_in_matches_training_row(void **state)
{
    (void)state;
    const model_spec specs_u[] = {{CAEREC_ORIENT_USER, 5, 2, 20, 24, 2, 1},
                                  {CAEREC_ORIENT_USER, 0, 1, 16, 20, 1, 1}};
    for (size_t q = 0; q < 2; q++) {
        const model_spec *sp = &specs_u[q];
        caerec_dataset *ds = make_data(sp);
        caerec_model *m = make_model_from(sp, ds);
        size_t n = caerec_model_n_items(m);
        double *a = malloc(n * CAEREC_SCORE_COUNT * sizeof *a);
        double *b = malloc(n * CAEREC_SCORE_COUNT * sizeof *b);
        caerec_scorer *s1, *s2;
        assert_int_equal(caerec_scorer_create(&s1, m), 0);
        assert_int_equal(caerec_scorer_create(&s2, m), 0);
        for (size_t u = 0; u < sp->users; u += 3) {
            assert_int_equal(caerec_scorer_set_user(s1, uid(u)), 0);
            size_t skipped = 99;
            assert_int_equal(
                caerec_scorer_set_history(s2, ds, uid(u), &skipped), CAEREC_OK);
            assert_int_equal(skipped, 0);
            all_scores(s1, m, a);
            all_scores(s2, m, b);
            for (size_t e = 0; e < n * CAEREC_SCORE_COUNT; e++)
                assert_true(fabs(a[e] - b[e]) <= 1e-6 * fabs(a[e]) + 1e-12);
            for (size_t i = 0; i < n; i++) {
                int x, y;
                assert_int_equal(caerec_scorer_seen(s1, iid(i), &x), 0);
                assert_int_equal(caerec_scorer_seen(s2, iid(i), &y), 0);
                assert_int_equal(x, y);
            }
        }
        /* A new user id with the cells of user 4 plus two items the model
         * does not know: same scores, both unknown items counted. */
        caerec_dataset *h;
        double levels[5] = {1, 2, 3, 4, 5};
        assert_int_equal(caerec_dataset_create(&h, sp->K ? levels : NULL, sp->K,
                                               sp->T ? test_type_names : NULL,
                                               sp->T),
                         0);
        size_t u4 = 4;
        for (size_t c = 0; c < ds->n_cells; c++) {
            if (ds->users.ids[ds->cell_user[c]] != uid(u4))
                continue;
            int64_t item = ds->items.ids[ds->cell_item[c]];
            if (ds->cell_level[c] != CAEREC_NO_LEVEL)
                assert_int_equal(caerec_dataset_add_rating(
                                     h, 777, item, levels[ds->cell_level[c]]),
                                 0);
            for (uint32_t t = 0; t < sp->T; t++)
                if (ds->cell_types[c] >> t & 1u)
                    assert_int_equal(
                        caerec_dataset_add_interaction(h, 777, item, t), 0);
        }
        if (sp->K) {
            assert_int_equal(caerec_dataset_add_rating(h, 777, 999999, 3), 0);
            assert_int_equal(caerec_dataset_add_rating(h, 777, 888888, 1), 0);
        } else {
            assert_int_equal(caerec_dataset_add_interaction(h, 777, 999999, 0),
                             0);
            assert_int_equal(caerec_dataset_add_interaction(h, 777, 888888, 0),
                             0);
        }
        size_t skipped = 0;
        assert_int_equal(caerec_scorer_set_user(s1, uid(u4)), 0);
        assert_int_equal(caerec_scorer_set_history(s2, h, 777, &skipped), 0);
        assert_int_equal(skipped, 2);
        all_scores(s1, m, a);
        all_scores(s2, m, b);
        for (size_t e = 0; e < n * CAEREC_SCORE_COUNT; e++)
            assert_true(fabs(a[e] - b[e]) <= 1e-6 * fabs(a[e]) + 1e-12);
        /* errors leave the scorer as it was */
        assert_int_equal(caerec_scorer_set_history(s2, h, 778, NULL),
                         CAEREC_ENOTFOUND);
        assert_non_null(strstr(caerec_last_error(), "778"));
        all_scores(s2, m, b);
        for (size_t e = 0; e < n * CAEREC_SCORE_COUNT; e++)
            assert_true(fabs(a[e] - b[e]) <= 1e-6 * fabs(a[e]) + 1e-12);
        caerec_dataset *other;
        double l3[3] = {1, 2, 3};
        assert_int_equal(
            caerec_dataset_create(&other, l3, 3, test_type_names, 1), 0);
        assert_int_equal(caerec_dataset_add_rating(other, 777, iid(0), 2), 0);
        assert_int_equal(caerec_scorer_set_history(s2, other, 777, NULL),
                         CAEREC_EINVAL);
        caerec_dataset_free(other);
        /* a type the model does not have */
        const char *bad[] = {"purchase"};
        assert_int_equal(
            caerec_dataset_create(&other, sp->K ? levels : NULL, sp->K, bad, 1),
            0);
        assert_int_equal(caerec_dataset_add_interaction(other, 777, iid(0), 0),
                         0);
        assert_int_equal(caerec_scorer_set_history(s2, other, 777, NULL),
                         CAEREC_EINVAL);
        assert_non_null(strstr(caerec_last_error(), "purchase"));
        caerec_dataset_free(other);
        caerec_dataset_free(h);
        caerec_scorer_free(s1);
        caerec_scorer_free(s2);
        caerec_model_free(m);
        caerec_dataset_free(ds);
        free(a);
        free(b);
    }
}

/* Item orientation has no decoder column for a new user: fold-in fits one
 * (lib/model/foldin.c). Folding in a training user's own history must land
 * close to what training learned for that user: the log-probabilities of
 * P(i | u) strongly correlated, a proper distribution, the history seen. */
static void test_fold_in_item_orientation(void **state)
{
    (void)state;
    caerec_synthetic_options so = CAEREC_SYNTHETIC_OPTIONS_INIT;
    so.n_users = 400;
    so.n_items = 120;
    so.mean_per_user = 20;
    caerec_dataset *ds;
    assert_int_equal(caerec_dataset_synthetic(&ds, &so), 0);
    caerec_config *cfg;
    assert_int_equal(caerec_config_create(&cfg), 0);
    assert_int_equal(caerec_config_set(cfg, "orientation", "item"), 0);
    assert_int_equal(caerec_config_set(cfg, "hidden", "32"), 0);
    assert_int_equal(caerec_config_set(cfg, "l2", "0.01"), 0);
    assert_int_equal(caerec_config_set(cfg, "lr", "0.01"), 0);
    assert_int_equal(caerec_config_set(cfg, "epochs", "15"), 0);
    caerec_model *m;
    assert_int_equal(caerec_model_create(&m, cfg, ds), 0);
    assert_int_equal(caerec_model_fit(m, NULL, NULL, NULL, NULL), 0);
    size_t n = caerec_model_n_items(m);
    float *trained = malloc(n * sizeof *trained),
          *folded = malloc(n * sizeof *folded);
    caerec_scorer *a, *b;
    assert_int_equal(caerec_scorer_create(&a, m), 0);
    assert_int_equal(caerec_scorer_create(&b, m), 0);
    double corr_sum = 0;
    for (int64_t user = 1; user <= 10; user++) {
        assert_int_equal(caerec_scorer_set_user(a, user), 0);
        size_t skipped = 99;
        assert_int_equal(caerec_scorer_set_history(b, ds, user, &skipped), 0);
        assert_int_equal(skipped, 0);
        assert_int_equal(caerec_scorer_all(a, CAEREC_SCORE_SAMPLE, trained, n),
                         0);
        assert_int_equal(caerec_scorer_all(b, CAEREC_SCORE_SAMPLE, folded, n),
                         0);
        double sum = 0, mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
        for (size_t i = 0; i < n; i++) {
            sum += folded[i];
            mx += log(trained[i]) / n;
            my += log(folded[i]) / n;
        }
        assert_true(fabs(sum - 1.0) < 1e-4);
        for (size_t i = 0; i < n; i++) {
            double x = log(trained[i]) - mx, y = log(folded[i]) - my;
            sxy += x * y;
            sxx += x * x;
            syy += y * y;
        }
        corr_sum += sxy / sqrt(sxx * syy);
        /* the history is the seen set, the same as the training user's */
        for (size_t i = 0; i < n; i++) {
            int64_t item;
            int sa, sb;
            assert_int_equal(caerec_model_item_id(m, i, &item), 0);
            assert_int_equal(caerec_scorer_seen(a, item, &sa), 0);
            assert_int_equal(caerec_scorer_seen(b, item, &sb), 0);
            assert_int_equal(sa, sb);
        }
    }
    print_message("mean correlation of log P(i|u), fold-in vs trained: %.3f\n",
                  corr_sum / 10);
    assert_true(corr_sum / 10 > 0.8);
    caerec_scorer_free(a);
    caerec_scorer_free(b);
    free(trained);
    free(folded);
    caerec_model_free(m);
    caerec_config_free(cfg);
    caerec_dataset_free(ds);
}

static void test_errors(void **state)
{
    (void)state;
    model_spec sp = {CAEREC_ORIENT_USER, 5, 1, 10, 12, 0, 1};
    caerec_model *m = make_model(&sp);
    caerec_scorer *sc = NULL;
    double v = 0;
    int seen;
    size_t nl;
    int64_t it[3];
    size_t n_out;
    float f[64];
    assert_int_equal(caerec_scorer_create(NULL, m), CAEREC_EINVAL);
    assert_int_equal(caerec_scorer_create(&sc, NULL), CAEREC_EINVAL);
    assert_int_equal(caerec_scorer_create(&sc, m), 0);
    /* no user yet */
    assert_int_equal(caerec_scorer_get(sc, iid(0), CAEREC_SCORE_SAMPLE, &v),
                     CAEREC_ESTATE);
    assert_int_equal(caerec_scorer_levels(sc, iid(0), NULL, 0, &nl),
                     CAEREC_ESTATE);
    assert_int_equal(caerec_scorer_seen(sc, iid(0), &seen), CAEREC_ESTATE);
    assert_int_equal(caerec_scorer_all(sc, CAEREC_SCORE_SAMPLE, f, 64),
                     CAEREC_ESTATE);
    assert_int_equal(caerec_scorer_recommend(sc, 3, NULL, it, NULL, &n_out),
                     CAEREC_ESTATE);
    /* unknown user: the id is in the message */
    assert_int_equal(caerec_scorer_set_user(sc, 424242), CAEREC_ENOTFOUND);
    assert_non_null(strstr(caerec_last_error(), "424242"));
    assert_int_equal(caerec_scorer_set_user(NULL, uid(0)), CAEREC_EINVAL);
    assert_int_equal(caerec_scorer_set_user(sc, uid(1)), 0);
    /* unknown item */
    assert_int_equal(caerec_scorer_get(sc, 31337, CAEREC_SCORE_SAMPLE, &v),
                     CAEREC_ENOTFOUND);
    assert_non_null(strstr(caerec_last_error(), "31337"));
    assert_int_equal(caerec_scorer_seen(sc, 31337, &seen), CAEREC_ENOTFOUND);
    assert_int_equal(caerec_scorer_levels(sc, 31337, NULL, 0, &nl),
                     CAEREC_ENOTFOUND);
    assert_int_equal(caerec_predict(m, uid(0), 31337, CAEREC_SCORE_SAMPLE, &v),
                     CAEREC_ENOTFOUND);
    assert_int_equal(caerec_predict(m, 424242, iid(0), CAEREC_SCORE_SAMPLE, &v),
                     CAEREC_ENOTFOUND);
    assert_non_null(strstr(caerec_last_error(), "424242"));
    /* bad score, NULL outputs */
    assert_int_equal(caerec_scorer_get(sc, iid(0), (caerec_score)6, &v),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_scorer_get(sc, iid(0), (caerec_score)-1, &v),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_scorer_get(sc, iid(0), CAEREC_SCORE_SAMPLE, NULL),
                     CAEREC_EINVAL);
    assert_int_equal(
        caerec_predict(NULL, uid(0), iid(0), CAEREC_SCORE_SAMPLE, &v),
        CAEREC_EINVAL);
    assert_int_equal(caerec_scorer_levels(sc, iid(0), NULL, 2, &nl),
                     CAEREC_EINVAL);
    /* levels: capacity smaller than K writes only what fits */
    double lv[6] = {-1, -1, -1, -1, -1, -1};
    assert_int_equal(caerec_scorer_levels(sc, iid(0), lv, 2, &nl), 0);
    assert_int_equal(nl, 5);
    assert_true(lv[0] >= 0 && lv[1] >= 0 && lv[2] == -1);
    /* a failed set_user leaves the previous user in place */
    double before, after;
    assert_int_equal(
        caerec_scorer_get(sc, iid(3), CAEREC_SCORE_RATING, &before), 0);
    assert_int_equal(caerec_scorer_set_user(sc, 424242), CAEREC_ENOTFOUND);
    assert_int_equal(caerec_scorer_get(sc, iid(3), CAEREC_SCORE_RATING, &after),
                     0);
    assert_true(before == after);
    caerec_scorer_free(sc);
    caerec_scorer_free(NULL);
    caerec_model_free(m);
}

static void test_score_names(void **state)
{
    (void)state;
    for (int s = 0; s < CAEREC_SCORE_COUNT; s++) {
        const char *name = caerec_score_name((caerec_score)s);
        assert_non_null(name);
        caerec_score back;
        assert_int_equal(caerec_score_from_name(name, &back), 0);
        assert_int_equal(back, s);
    }
    assert_string_equal(caerec_score_name(CAEREC_SCORE_DISCOVERY), "discovery");
    assert_null(caerec_score_name((caerec_score)CAEREC_SCORE_COUNT));
    caerec_score out = CAEREC_SCORE_LIKE;
    assert_int_equal(caerec_score_from_name("Sample", &out), CAEREC_EINVAL);
    assert_int_equal(out, CAEREC_SCORE_LIKE);
    assert_int_equal(caerec_score_from_name(NULL, &out), CAEREC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distributions_and_formulas),
        cmocka_unit_test(test_all_get_predict_agree),
        cmocka_unit_test(test_fold_in_matches_training_row),
        cmocka_unit_test(test_fold_in_item_orientation),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_score_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
