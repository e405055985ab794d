/* Thread safety: 8 threads share one model (whose inference cache is
 * built by whichever thread comes first), each with its own scorer,
 * scoring every user with every score, recommending, and running batch
 * recommendation and evaluation. Every thread's results must be
 * byte-identical to a serial run on an identical model.
 *
 * The models use threads = 1, so BLIS runs single-threaded inside each
 * caller thread and no OpenMP pool is involved: that keeps the test clean
 * under ThreadSanitizer (libgomp is not TSan-instrumented and reports
 * false races between its pool threads). */
#include "predict_test_util.h"

#include <pthread.h>

enum { N_THREADS = 8, K_REC = 5 };

typedef struct run_result {
    float *scores; /* users x CAEREC_SCORE_COUNT x items */
    int64_t *rec;  /* users x K_REC */
    size_t *rec_n;
    int64_t *batch; /* users x K_REC */
    size_t *batch_n;
    caerec_topk_metrics topk;
    caerec_rating_metrics ratings;
} run_result;

typedef struct job {
    const caerec_model *m;
    const caerec_dataset *test;
    size_t users, items;
    run_result *out;
    int rc;
} job;

static int run(const caerec_model *m, const caerec_dataset *test, size_t users,
               size_t items, run_result *r)
{
    caerec_scorer *sc;
    int rc = caerec_scorer_create(&sc, m);
    if (rc)
        return rc;
    int64_t ids[64];
    for (size_t u = 0; u < users && !rc; u++) {
        ids[u] = uid(u);
        rc = caerec_scorer_set_user(sc, uid(u));
        for (int s = 0; s < CAEREC_SCORE_COUNT && !rc; s++)
            rc = caerec_scorer_all(
                sc, (caerec_score)s,
                r->scores + (u * CAEREC_SCORE_COUNT + s) * items, items);
        caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
        o.score = CAEREC_SCORE_JOINT;
        if (!rc)
            rc = caerec_scorer_recommend(sc, K_REC, &o, r->rec + u * K_REC,
                                         NULL, &r->rec_n[u]);
    }
    caerec_scorer_free(sc);
    if (!rc)
        rc = caerec_recommend_batch(m, ids, users, K_REC, NULL, r->batch, NULL,
                                    r->batch_n);
    size_t k = 10;
    r->topk = (caerec_topk_metrics)CAEREC_TOPK_METRICS_INIT;
    r->ratings = (caerec_rating_metrics)CAEREC_RATING_METRICS_INIT;
    if (!rc)
        rc = caerec_evaluate_topk(m, test, &k, 1, &r->topk);
    if (!rc)
        rc = caerec_evaluate_ratings(m, test, &r->ratings);
    return rc;
}

static void *thread_main(void *arg)
{
    job *j = arg;
    j->rc = run(j->m, j->test, j->users, j->items, j->out);
    return NULL;
}

static void result_alloc(run_result *r, size_t users, size_t items)
{
    r->scores = calloc(users * CAEREC_SCORE_COUNT * items, sizeof *r->scores);
    r->rec = calloc(users * K_REC, sizeof *r->rec);
    r->rec_n = calloc(users, sizeof *r->rec_n);
    r->batch = calloc(users * K_REC, sizeof *r->batch);
    r->batch_n = calloc(users, sizeof *r->batch_n);
    assert_true(r->scores && r->rec && r->rec_n && r->batch && r->batch_n);
}

static void result_free(run_result *r)
{
    free(r->scores);
    free(r->rec);
    free(r->rec_n);
    free(r->batch);
    free(r->batch_n);
}

static void check_orientation(int orientation)
{
    model_spec sp = {orientation, 5, 1, 40, 30, 0, 1};
    caerec_dataset *all = make_data(&sp), *ds, *test;
    assert_int_equal(caerec_dataset_split(&ds, &test, all, 0.2, 5), 0);
    caerec_model *serial_m = make_model_from(&sp, ds);
    caerec_model *shared_m =
        make_model_from(&sp, ds); /* same seed: same weights */
    size_t items = caerec_model_n_items(serial_m);
    run_result ref, got[N_THREADS];
    result_alloc(&ref, sp.users, items);
    assert_int_equal(run(serial_m, test, sp.users, items, &ref), CAEREC_OK);
    pthread_t th[N_THREADS];
    job jobs[N_THREADS];
    for (int t = 0; t < N_THREADS; t++) {
        result_alloc(&got[t], sp.users, items);
        jobs[t] = (job){shared_m, test, sp.users, items, &got[t], -1};
        assert_int_equal(pthread_create(&th[t], NULL, thread_main, &jobs[t]),
                         0);
    }
    for (int t = 0; t < N_THREADS; t++) {
        assert_int_equal(pthread_join(th[t], NULL), 0);
        assert_int_equal(jobs[t].rc, CAEREC_OK);
        assert_memory_equal(got[t].scores, ref.scores,
                            sp.users * CAEREC_SCORE_COUNT * items *
                                sizeof(float));
        assert_memory_equal(got[t].rec, ref.rec,
                            sp.users * K_REC * sizeof(int64_t));
        assert_memory_equal(got[t].rec_n, ref.rec_n, sp.users * sizeof(size_t));
        assert_memory_equal(got[t].batch, ref.batch,
                            sp.users * K_REC * sizeof(int64_t));
        assert_memory_equal(got[t].batch_n, ref.batch_n,
                            sp.users * sizeof(size_t));
        assert_memory_equal(&got[t].topk, &ref.topk, sizeof ref.topk);
        assert_memory_equal(&got[t].ratings, &ref.ratings, sizeof ref.ratings);
        result_free(&got[t]);
    }
    assert_true(ref.topk.users > 10 && ref.topk.ndcg > 0);
    assert_true(ref.ratings.n_ratings > 10);
    result_free(&ref);
    caerec_model_free(serial_m);
    caerec_model_free(shared_m);
    caerec_dataset_free(ds);
    caerec_dataset_free(test);
    caerec_dataset_free(all);
}

static void test_threads_user_orientation(void **state)
{
    (void)state;
    check_orientation(CAEREC_ORIENT_USER);
}

static void test_threads_item_orientation(void **state)
{
    (void)state;
    check_orientation(CAEREC_ORIENT_ITEM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_user_orientation),
        cmocka_unit_test(test_threads_item_orientation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
