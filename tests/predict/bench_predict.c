/* Prediction throughput at MovieLens-1M size: an untrained model (random
 * weights time the same as trained ones) of 6040 users x 3706 items,
 * hidden 500, c1 = c2 = 8, on synthetic data with ~150 items per user.
 *
 * Reports, for threads = 1 and 2: the inference-cache build, one user's
 * full-catalogue scoring (caerec_scorer_set_user) and top-20
 * (caerec_scorer_recommend) in microseconds per user, batch top-20
 * (caerec_recommend_batch over every user) in users per second, and the
 * evaluation calls training makes each epoch (caerec_evaluate_topk at
 * 10/20/50 and caerec_evaluate_ratings on a 10% hold-out). Rates are also
 * given as a share of the machine's SGEMM rate measured in the same run
 * (the decoder is one GEMM of 2 * d * n * C2 flops per user).
 *
 * Usage: bench_predict [user|item|both]   (default: user) */
#include "caerec.h"
#include "../bench_util.h"
#include "common/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die(const char *what, int rc)
{
    fprintf(stderr, "%s: %s (%s)\n", what, caerec_strerror(rc),
            caerec_last_error());
    exit(1);
}

/* Streaming read bandwidth in GB/s: sums a 256 MB array (larger than any
 * cache), best of 5, measured in the same run as everything else. */
static double stream_rate(void)
{
    const size_t n = (size_t)64 << 20;
    float *x = caerec__alloc_floats(n);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(i & 7);
    double best = 1e30;
    volatile float sink = 0;
    for (int r = 0; r < 5; r++) {
        double t0 = bench_now();
        float acc[16] = {0};
        for (size_t i = 0; i < n; i += 16)
            for (int k = 0; k < 16; k++)
                acc[k] += x[i + k];
        double t = bench_now() - t0;
        for (int k = 0; k < 16; k++)
            sink += acc[k];
        if (t < best)
            best = t;
    }
    (void)sink;
    caerec__free_floats(x);
    return n * sizeof(float) / best / 1e9;
}

/* SGEMM GFLOP/s of a decoder-shaped product: (128 x 500)(500 x 8192). */
static double sgemm_rate(int threads)
{
    return bench_sgemm_rate(threads, 128, 8192, 500) / 1e9;
}

static caerec_model *make_model(const caerec_dataset *train, int orientation,
                                int threads)
{
    caerec_config *cfg;
    int rc = caerec_config_create(&cfg);
    if (!rc)
        rc = caerec_config_set_int(cfg, CAEREC_OPT_ORIENTATION, orientation);
    if (!rc)
        rc = caerec_config_set_int(cfg, CAEREC_OPT_HIDDEN, 500);
    if (!rc)
        rc = caerec_config_set_int(cfg, CAEREC_OPT_C1, 8);
    if (!rc)
        rc = caerec_config_set_int(cfg, CAEREC_OPT_C2, 8);
    if (!rc)
        rc = caerec_config_set_int(cfg, CAEREC_OPT_THREADS, threads);
    if (rc)
        die("config", rc);
    caerec_model *m;
    if ((rc = caerec_model_create(&m, cfg, train)))
        die("caerec_model_create", rc);
    caerec_config_free(cfg);
    return m;
}

static void bench(const caerec_dataset *train, const caerec_dataset *test,
                  int orientation, int threads, double gemm_rate)
{
    const char *oname = orientation == CAEREC_ORIENT_ITEM ? "item" : "user";
    caerec_model *m = make_model(train, orientation, threads);
    size_t n_users = caerec_model_n_users(m), n_items = caerec_model_n_items(m);
    double flops_user = 2.0 * 500 * n_items * 8; /* decoder GEMM per user */
    int64_t *users = malloc(n_users * sizeof *users);
    for (size_t u = 0; u < n_users; u++)
        caerec_model_user_id(m, u, &users[u]);
    printf("\n[%s orientation, threads %d]\n", oname, threads);

    /* First use builds the inference cache (hidden codes; for item
     * orientation also a full decode of every item row). */
    caerec_scorer *sc;
    int rc = caerec_scorer_create(&sc, m);
    if (rc)
        die("caerec_scorer_create", rc);
    double t0 = bench_now();
    if ((rc = caerec_scorer_set_user(sc, users[0])))
        die("caerec_scorer_set_user", rc);
    printf("  inference cache build + first user: %8.3f s\n", bench_now() - t0);

    const size_t n_single = 300;
    t0 = bench_now();
    for (size_t u = 0; u < n_single; u++)
        if ((rc = caerec_scorer_set_user(sc, users[u * 7 % n_users])))
            die("caerec_scorer_set_user", rc);
    double t_set = (bench_now() - t0) / n_single;
    int64_t top[20];
    double top_s[20];
    size_t cnt;
    t0 = bench_now();
    for (size_t r = 0; r < n_single; r++)
        if ((rc = caerec_scorer_recommend(sc, 20, NULL, top, top_s, &cnt)))
            die("caerec_scorer_recommend", rc);
    double t_rec = (bench_now() - t0) / n_single;
    printf("  one user, all %zu items (set_user):  %8.1f us/user  (%.1f "
           "GFLOP/s, %.0f%% of SGEMM)\n",
           n_items, t_set * 1e6, flops_user / t_set / 1e9,
           100.0 * flops_user / t_set / 1e9 / gemm_rate);
    /* The floor for one user: the decoder weights W (d x n*C2) and c, read
     * once from memory. */
    double w_bytes = (double)(500 + 1) * n_items * 8 * sizeof(float);
    double bw = stream_rate();
    printf("  one user vs streaming its weights:   %8.1f ms for %.0f MB at "
           "%.1f GB/s = %.2f x the memory bound\n",
           t_set * 1e3, w_bytes / 1e6, bw, t_set / (w_bytes / (bw * 1e9)));
    printf("  one user, top-20 (recommend):        %8.1f us/user\n",
           t_rec * 1e6);
    printf("  one user, score + top-20:            %8.1f us/user  (%.0f "
           "users/s)\n",
           (t_set + t_rec) * 1e6, 1.0 / (t_set + t_rec));
    caerec_scorer_free(sc);

    int64_t *items = malloc(n_users * 20 * sizeof *items);
    double *scores = malloc(n_users * 20 * sizeof *scores);
    size_t *counts = malloc(n_users * sizeof *counts);
    t0 = bench_now();
    if ((rc = caerec_recommend_batch(m, users, n_users, 20, NULL, items, scores,
                                     counts)))
        die("caerec_recommend_batch", rc);
    double t_batch = bench_now() - t0;
    /* Ranking by P(i | u) uses the fused consumption-only decoder
     * (psi = identity by default): 2 * d * n flops per user. */
    double fused_user = flops_user / 8;
    printf("  batch top-20, all %zu users:        %8.3f s = %.0f users/s "
           "(fused decoder: %.1f GFLOP/s, %.0f%% of SGEMM)\n",
           n_users, t_batch, n_users / t_batch,
           fused_user * n_users / t_batch / 1e9,
           100.0 * fused_user * n_users / t_batch / 1e9 / gemm_rate);
    caerec_rec_options o = CAEREC_REC_OPTIONS_INIT;
    o.score = CAEREC_SCORE_DISCOVERY;
    t0 = bench_now();
    if ((rc = caerec_recommend_batch(m, users, n_users, 20, &o, items, scores,
                                     counts)))
        die("caerec_recommend_batch", rc);
    t_batch = bench_now() - t0;
    printf("  batch top-20 by discovery:           %8.3f s = %.0f users/s "
           "(full decoder: %.1f GFLOP/s, %.0f%% of SGEMM)\n",
           t_batch, n_users / t_batch, flops_user * n_users / t_batch / 1e9,
           100.0 * flops_user * n_users / t_batch / 1e9 / gemm_rate);

    const size_t ks[] = {10, 20, 50};
    caerec_topk_metrics tk[3];
    for (int i = 0; i < 3; i++)
        tk[i] = (caerec_topk_metrics)CAEREC_TOPK_METRICS_INIT;
    t0 = bench_now();
    if ((rc = caerec_evaluate_topk(m, test, ks, 3, tk)))
        die("caerec_evaluate_topk", rc);
    printf("  evaluate_topk @10/20/50:             %8.3f s (%zu users; NDCG@20 "
           "%.4f untrained)\n",
           bench_now() - t0, tk[1].users, tk[1].ndcg);
    caerec_rating_metrics rm = CAEREC_RATING_METRICS_INIT;
    t0 = bench_now();
    if ((rc = caerec_evaluate_ratings(m, test, &rm)))
        die("caerec_evaluate_ratings", rc);
    printf("  evaluate_ratings:                    %8.3f s (%zu ratings; RMSE "
           "%.4f untrained)\n",
           bench_now() - t0, rm.n_ratings, rm.rmse);
    free(items);
    free(scores);
    free(counts);
    free(users);
    caerec_model_free(m);
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "user";
    printf("BLIS kernels: %s\n", bench_blis_arch());
    caerec_synthetic_options so = CAEREC_SYNTHETIC_OPTIONS_INIT;
    so.n_users = 6040;
    so.n_items = 3706;
    so.mean_per_user = 150;
    caerec_dataset *all, *train, *test;
    int rc = caerec_dataset_synthetic(&all, &so);
    if (!rc)
        rc = caerec_dataset_split(&train, &test, all, 0.1, 1);
    if (rc)
        die("synthetic data", rc);
    printf("bench_predict: synthetic ML-1M size: %zu users, %zu items, %zu "
           "train cells, %zu test cells; hidden 500, c1 = c2 = 8\n",
           caerec_dataset_n_users(train), caerec_dataset_n_items(train),
           caerec_dataset_n_cells(train), caerec_dataset_n_cells(test));
    for (int threads = 1; threads <= 2; threads++) {
        double rate = sgemm_rate(threads);
        printf("\nSGEMM (128 x 500)(500 x 8192), %d thread%s: %.1f GFLOP/s\n",
               threads, threads > 1 ? "s" : "", rate);
        if (strcmp(which, "item") != 0)
            bench(train, test, CAEREC_ORIENT_USER, threads, rate);
        if (strcmp(which, "user") != 0)
            bench(train, test, CAEREC_ORIENT_ITEM, threads, rate);
    }
    caerec_dataset_free(all);
    caerec_dataset_free(train);
    caerec_dataset_free(test);
    return 0;
}
