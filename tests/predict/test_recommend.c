/* Top-k recommendation: against a reference built from per-item scores,
 * every edge case of the options (k beyond the catalogue, a user who has
 * seen everything, allow/deny lists with unknown ids, include_seen, ties,
 * struct_size), and caerec_recommend_batch equal to per-user calls. */
#include "predict_test_util.h"

#include <math.h>

typedef struct ref_entry {
    double score;
    size_t index;
} ref_entry;

static int ref_cmp(const void *a, const void *b)
{
    const ref_entry *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static int in_list(int64_t id, const int64_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == id)
            return 1;
    return 0;
}

/* The reference: every item's score through caerec_scorer_get, filtered
 * as documented, fully sorted. Returns the count, ids and scores. */
static size_t reference(const caerec_scorer *sc, const caerec_model *m,
                        size_t k, const caerec_rec_options *o, int64_t *items,
                        double *scores)
{
    size_t n = caerec_model_n_items(m), cnt = 0;
    ref_entry *all = malloc(n * sizeof *all);
    for (size_t i = 0; i < n; i++) {
        int64_t id;
        int seen;
        assert_int_equal(caerec_model_item_id(m, i, &id), 0);
        assert_int_equal(caerec_scorer_seen(sc, id, &seen), 0);
        if (seen && !o->include_seen)
            continue;
        if (o->allow && !in_list(id, o->allow, o->n_allow))
            continue;
        if (in_list(id, o->deny, o->n_deny))
            continue;
        all[cnt].index = i;
        assert_int_equal(caerec_scorer_get(sc, id, o->score, &all[cnt].score),
                         0);
        cnt++;
    }
    qsort(all, cnt, sizeof *all, ref_cmp);
    if (cnt > k)
        cnt = k;
    for (size_t r = 0; r < cnt; r++) {
        assert_int_equal(caerec_model_item_id(m, all[r].index, &items[r]), 0);
        scores[r] = all[r].score;
    }
    free(all);
    return cnt;
}

static void check_rec(const caerec_scorer *sc, const caerec_model *m, size_t k,
                      const caerec_rec_options *o, size_t expect_n)
{
    int64_t got_i[128], ref_i[128];
    double got_s[128], ref_s[128];
    size_t got_n = 999;
    assert_true(k <= 128);
    assert_int_equal(caerec_scorer_recommend(sc, k, o, got_i, got_s, &got_n),
                     0);
    size_t ref_n = reference(sc, m, k, o, ref_i, ref_s);
    assert_int_equal(got_n, ref_n);
    if (expect_n != SIZE_MAX)
        assert_int_equal(got_n, expect_n);
    for (size_t r = 0; r < got_n; r++) {
        assert_true(got_i[r] == ref_i[r]);
        assert_true(got_s[r] == ref_s[r]);
    }
    /* without scores: the same items */
    int64_t again[128];
    size_t again_n = 0;
    assert_int_equal(caerec_scorer_recommend(sc, k, o, again, NULL, &again_n),
                     0);
    assert_int_equal(again_n, got_n);
    assert_memory_equal(again, got_i, got_n * sizeof *again);
}

static size_t n_seen_of(const caerec_scorer *sc, const caerec_model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < caerec_model_n_items(m); i++) {
        int64_t id;
        int s;
        caerec_model_item_id(m, i, &id);
        caerec_scorer_seen(sc, id, &s);
        n += (size_t)s;
    }
    return n;
}

static void test_options_edge_cases(void **state)
{
    (void)state;
    const model_spec specs[] = {{CAEREC_ORIENT_USER, 5, 1, 16, 20, 1, 1},
                                {CAEREC_ORIENT_ITEM, 5, 1, 16, 20, 1, 1},
                                {CAEREC_ORIENT_USER, 0, 1, 12, 15, 0, 1}};
    for (size_t q = 0; q < 3; q++) {
        const model_spec *sp = &specs[q];
        caerec_model *m = make_model(sp);
        size_t n = caerec_model_n_items(m);
        caerec_scorer *sc;
        assert_int_equal(caerec_scorer_create(&sc, m), 0);
        int max_score = sp->K ? CAEREC_SCORE_COUNT : CAEREC_SCORE_RATING;
        for (size_t u = 0; u < sp->users; u += 4) {
            assert_int_equal(caerec_scorer_set_user(sc, uid(u)), 0);
            size_t unseen = n - n_seen_of(sc, m);
            for (int s = 0; s < max_score; s++) {
                caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
                o.score = (caerec_score)s;
                check_rec(sc, m, 5, &o, 5);
                check_rec(sc, m, 1, &o, 1);
                check_rec(sc, m, 0, &o, 0);
                /* k beyond the catalogue: every unseen item */
                check_rec(sc, m, 100, &o, unseen);
                o.include_seen = 1;
                check_rec(sc, m, 100, &o, n);
                check_rec(sc, m, 7, &o, 7);
                /* allow list with unknown ids, seen and unseen items */
                int64_t allow[] = {iid(0), 123456789, iid(3), iid(5),
                                   iid(8), -1,        iid(3)};
                o.allow = allow;
                o.n_allow = 7;
                check_rec(sc, m, 3, &o, 3);
                check_rec(sc, m, 10, &o, 4);
                o.include_seen = 0;
                check_rec(sc, m, 10, &o, SIZE_MAX);
                /* deny on top of allow, with an unknown id */
                int64_t deny[] = {iid(5), 424242};
                o.deny = deny;
                o.n_deny = 2;
                o.include_seen = 1;
                check_rec(sc, m, 10, &o, 3);
                /* deny alone */
                o.allow = NULL;
                o.n_allow = 0;
                check_rec(sc, m, 100, &o, n - 1);
                o.include_seen = 0;
                check_rec(sc, m, 6, &o, SIZE_MAX);
                /* an empty allow list allows nothing */
                o.allow = allow;
                o.n_allow = 0;
                check_rec(sc, m, 6, &o, 0);
            }
        }
        /* K = 0: rating-based ranking is unsupported */
        if (!sp->K) {
            caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
            o.score = CAEREC_SCORE_LIKE;
            int64_t it[4];
            size_t cnt = 77;
            assert_int_equal(caerec_scorer_recommend(sc, 4, &o, it, NULL, &cnt),
                             CAEREC_EUNSUPPORTED);
            assert_int_equal(cnt, 77);
        }
        caerec_scorer_free(sc);
        caerec_model_free(m);
    }
}

static void test_invalid_options(void **state)
{
    (void)state;
    model_spec sp = {CAEREC_ORIENT_USER, 5, 0, 8, 10, 0, 1};
    caerec_model *m = make_model(&sp);
    caerec_scorer *sc;
    assert_int_equal(caerec_scorer_create(&sc, m), 0);
    assert_int_equal(caerec_scorer_set_user(sc, uid(2)), 0);
    int64_t it[10];
    size_t cnt = 55;
    caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
    o.score = (caerec_score)9;
    assert_int_equal(caerec_scorer_recommend(sc, 3, &o, it, NULL, &cnt),
                     CAEREC_EINVAL);
    o.score = CAEREC_SCORE_SAMPLE;
    o.n_allow = 3; /* allow NULL */
    assert_int_equal(caerec_scorer_recommend(sc, 3, &o, it, NULL, &cnt),
                     CAEREC_EINVAL);
    o.n_allow = 0;
    o.n_deny = 2; /* deny NULL */
    assert_int_equal(caerec_scorer_recommend(sc, 3, &o, it, NULL, &cnt),
                     CAEREC_EINVAL);
    o.struct_size = 0;
    assert_int_equal(caerec_scorer_recommend(sc, 3, &o, it, NULL, &cnt),
                     CAEREC_EINVAL);
    assert_int_equal(cnt, 55);
    assert_int_equal(caerec_scorer_recommend(sc, 3, NULL, NULL, NULL, &cnt),
                     CAEREC_EINVAL);
    assert_int_equal(caerec_scorer_recommend(sc, 3, NULL, it, NULL, NULL),
                     CAEREC_EINVAL);
    /* An older, shorter struct (up to include_seen): the lists beyond its
     * struct_size are not read. */
    int64_t allow[] = {iid(1)};
    caerec_rec_options old = CAEREC_REC_OPTIONS_INIT;
    old.struct_size = offsetof(caerec_rec_options, allow);
    old.include_seen = 1;
    old.allow = allow;
    old.n_allow = 1;
    assert_int_equal(caerec_scorer_recommend(sc, 10, &old, it, NULL, &cnt), 0);
    assert_int_equal(cnt, 10);
    caerec_scorer_free(sc);
    caerec_model_free(m);
}

static void test_seen_everything_and_ties(void **state)
{
    (void)state;
    /* user 1 consumed every item; like-threshold above the scale makes
     * like (and joint, discovery) exactly 0 for every item: all ties. */
    double lv[3] = {1, 2, 3};
    caerec_dataset *ds;
    assert_int_equal(caerec_dataset_create(&ds, lv, 3, NULL, 0), 0);
    for (int64_t i = 0; i < 12; i++)
        assert_int_equal(caerec_dataset_add_rating(ds, 1, 100 + i, 1 + i % 3),
                         0);
    for (int64_t u = 2; u < 6; u++)
        for (int64_t i = 0; i < 12; i += u)
            assert_int_equal(caerec_dataset_add_rating(ds, u, 100 + i, 2), 0);
    caerec_config *cfg;
    assert_int_equal(caerec_config_create(&cfg), 0);
    assert_int_equal(caerec_config_set_int(cfg, CAEREC_OPT_HIDDEN, 8), 0);
    assert_int_equal(caerec_config_set_int(cfg, CAEREC_OPT_THREADS, 1), 0);
    assert_int_equal(
        caerec_config_set_double(cfg, CAEREC_OPT_LIKE_THRESHOLD, 10), 0);
    caerec_model *m;
    assert_int_equal(caerec_model_create(&m, cfg, ds), 0);
    caerec_config_free(cfg);
    caerec_scorer *sc;
    assert_int_equal(caerec_scorer_create(&sc, m), 0);
    int64_t it[20];
    double s[20];
    size_t cnt = 99;
    assert_int_equal(caerec_scorer_set_user(sc, 1), 0);
    assert_int_equal(caerec_scorer_recommend(sc, 5, NULL, it, s, &cnt), 0);
    assert_int_equal(cnt, 0);
    caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
    o.include_seen = 1;
    o.score = CAEREC_SCORE_LIKE;
    assert_int_equal(caerec_scorer_recommend(sc, 5, &o, it, s, &cnt), 0);
    assert_int_equal(cnt, 5);
    for (size_t r = 0; r < 5; r++) { /* ties: lowest item indices first */
        assert_true(s[r] == 0.0);
        assert_int_equal(it[r], 100 + (int64_t)r);
    }
    /* user 3 saw items 0, 3, 6, 9: ties among the rest, in index order */
    assert_int_equal(caerec_scorer_set_user(sc, 3), 0);
    for (int sc_i = CAEREC_SCORE_LIKE; sc_i <= CAEREC_SCORE_DISCOVERY; sc_i++) {
        o.include_seen = 0;
        o.score = (caerec_score)sc_i;
        assert_int_equal(caerec_scorer_recommend(sc, 20, &o, it, s, &cnt), 0);
        assert_int_equal(cnt, 8);
        const int64_t expect[] = {101, 102, 104, 105, 107, 108, 110, 111};
        assert_memory_equal(it, expect, sizeof expect);
    }
    /* batch: user 1 gets nothing, counts say so */
    int64_t users[] = {1, 3};
    int64_t bi[10];
    size_t counts[2];
    assert_int_equal(
        caerec_recommend_batch(m, users, 2, 5, NULL, bi, NULL, counts), 0);
    assert_int_equal(counts[0], 0);
    assert_int_equal(counts[1], 5);
    caerec_scorer_free(sc);
    caerec_model_free(m);
    caerec_dataset_free(ds);
}

static void test_batch_equals_per_user(void **state)
{
    (void)state;
    const model_spec specs[] = {{CAEREC_ORIENT_USER, 5, 1, 30, 26, 1, 1},
                                {CAEREC_ORIENT_ITEM, 5, 1, 30, 26, 1, 1},
                                {CAEREC_ORIENT_ITEM, 0, 2, 25, 20, 0, 2},
                                {CAEREC_ORIENT_USER, 4, 0, 25, 20, 0, 2}};
    for (size_t q = 0; q < 4; q++) {
        const model_spec *sp = &specs[q];
        caerec_model *m = make_model(sp);
        /* repeats, any order, a sparse selection */
        int64_t users[40];
        size_t nu = 0;
        for (size_t u = sp->users; u-- > 0;)
            if (u % 3 != 1)
                users[nu++] = uid(u);
        users[nu++] = uid(0);
        users[nu++] = uid(5);
        const size_t k = 6;
        int64_t *bi = malloc(nu * k * sizeof *bi);
        double *bs = malloc(nu * k * sizeof *bs);
        size_t *bc = malloc(nu * sizeof *bc);
        caerec_scorer *sc;
        assert_int_equal(caerec_scorer_create(&sc, m), 0);
        int max_score = sp->K ? CAEREC_SCORE_COUNT : CAEREC_SCORE_RATING;
        for (int s = 0; s < max_score; s++) {
            int64_t deny[] = {iid(2), iid(4)};
            caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
            o.score = (caerec_score)s;
            o.deny = deny;
            o.n_deny = s % 2 ? 2 : 0;
            assert_int_equal(
                caerec_recommend_batch(m, users, nu, k, &o, bi, bs, bc),
                CAEREC_OK);
            for (size_t b = 0; b < nu; b++) {
                int64_t it[6];
                double sco[6];
                size_t cnt;
                assert_int_equal(caerec_scorer_set_user(sc, users[b]), 0);
                assert_int_equal(
                    caerec_scorer_recommend(sc, k, &o, it, sco, &cnt), 0);
                assert_int_equal(bc[b], cnt);
                assert_memory_equal(bi + b * k, it, cnt * sizeof *it);
                for (size_t r = 0; r < cnt; r++)
                    assert_true(fabs(bs[b * k + r] - sco[r]) <=
                                1e-6 * fabs(sco[r]) + 1e-15);
            }
        }
        /* an unknown user fails the call before anything is written */
        users[3] = 99999;
        for (size_t e = 0; e < nu * k; e++)
            bi[e] = -7;
        for (size_t b = 0; b < nu; b++)
            bc[b] = 1234;
        assert_int_equal(
            caerec_recommend_batch(m, users, nu, k, NULL, bi, bs, bc),
            CAEREC_ENOTFOUND);
        assert_non_null(strstr(caerec_last_error(), "99999"));
        for (size_t e = 0; e < nu * k; e++)
            assert_true(bi[e] == -7);
        for (size_t b = 0; b < nu; b++)
            assert_int_equal(bc[b], 1234);
        assert_int_equal(
            caerec_recommend_batch(m, NULL, 2, k, NULL, bi, bs, bc),
            CAEREC_EINVAL);
        assert_int_equal(
            caerec_recommend_batch(m, users, 2, k, NULL, bi, bs, NULL),
            CAEREC_EINVAL);
        assert_int_equal(
            caerec_recommend_batch(m, users, 0, k, NULL, NULL, NULL, NULL),
            CAEREC_OK);
        caerec_scorer_free(sc);
        caerec_model_free(m);
        free(bi);
        free(bs);
        free(bc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_edge_cases),
        cmocka_unit_test(test_invalid_options),
        cmocka_unit_test(test_seen_everything_and_ties),
        cmocka_unit_test(test_batch_equals_per_user),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
