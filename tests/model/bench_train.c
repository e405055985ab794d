/* Training benchmark (not a test): a few epochs on ML-1M-sized synthetic
 * data, reporting seconds per epoch, the model's useful FLOPs per epoch,
 * the achieved rate, and the machine's own BLIS SGEMM rate measured in the
 * same process on the same threads, for 1 and 2 threads.
 *
 *   build/tests/model/bench_train [epochs] [users] [items] [per_user]
 *                                 [name=value ...]
 *
 * Options after the four numbers are set on top of the pinned problem
 * (e.g. decoder-l2=column-mean to time the default's pull). */
#include "caerec.h"
#include "../bench_util.h"
#include "model/batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static void check(int rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", what, caerec_last_error());
        exit(1);
    }
}

int main(int argc, char **argv)
{
    int epochs = argc > 1 ? atoi(argv[1]) : 2;
    caerec_synthetic_options so = CAEREC_SYNTHETIC_OPTIONS_INIT;
    so.n_users = argc > 2 ? strtoul(argv[2], NULL, 10) : 6040;
    so.n_items = argc > 3 ? strtoul(argv[3], NULL, 10) : 3706;
    so.mean_per_user = argc > 4 ? atof(argv[4]) : 150;
    so.n_groups = 20;
    caerec_dataset *ds;
    check(caerec_dataset_synthetic(&ds, &so), "synthetic");
    printf("BLIS kernels: %s\n", bench_blis_arch());
    printf("data: %zu users x %zu items, %zu ratings (synthetic)\n",
           caerec_dataset_n_users(ds), caerec_dataset_n_items(ds),
           caerec_dataset_n_ratings(ds));
    for (int threads = 1; threads <= 2; threads++) {
        caerec_config *cfg;
        check(caerec_config_create(&cfg), "config");
        check(caerec_config_set(cfg, "orientation", "user"), "orientation");
        check(caerec_config_set(cfg, "batch", "128"), "batch");
        /* The problem docs/performance.md measures, pinned so that a change
         * of the library's defaults does not silently change it. */
        check(caerec_config_set(cfg, "hidden", "500"), "hidden");
        check(caerec_config_set(cfg, "c1", "8"), "c1");
        check(caerec_config_set(cfg, "decoder-l2", "zero"), "decoder-l2");
        for (int a = 5; a < argc; a++) {
            char name[64];
            const char *eq = strchr(argv[a], '=');
            if (!eq || (size_t)(eq - argv[a]) >= sizeof name) {
                fprintf(stderr, "%s: expected name=value\n", argv[a]);
                return 2;
            }
            memcpy(name, argv[a], (size_t)(eq - argv[a]));
            name[eq - argv[a]] = '\0';
            check(caerec_config_set(cfg, name, eq + 1), argv[a]);
        }
        check(caerec_config_set_int(cfg, CAEREC_OPT_THREADS, threads),
              "threads");
        caerec_model *m;
        check(caerec_model_create(&m, cfg, ds), "create");
        const caerec_dims *dm = &m->dims;
        double nnz_kept = (double)m->rows.nnz * (1.0 - m->cfg.dropout);
        double flops = 6.0 * dm->m * dm->d * dm->n * dm->c2 +
                       6.0 * dm->m * dm->n * dm->c2 * (dm->K + 1) +
                       6.0 * nnz_kept * dm->c1 * dm->d;
        /* the decoder's product shape, (B x d)(d x n*C2): what dominates an
         * epoch */
        double rate = bench_sgemm_rate(threads, 128, dm->n * dm->c2, dm->d);
        double best = 1e30;
        for (int e = 0; e < epochs; e++) {
            caerec_losses l;
            double t0 = bench_now();
            check(caerec_model_train_epoch(m, &l), "epoch");
            double t = bench_now() - t0;
            if (t < best)
                best = t;
            printf("threads %d epoch %d: %.2f s, loss %.4f (sample %.4f rating "
                   "%.4f error %.4f l2 %.4f)\n",
                   threads, e + 1, t, l.total, l.sample, l.rating, l.error,
                   l.l2);
        }
        const char *names[] = {"encoder",     "decoder",      "output+softmax",
                               "back-output", "back-decoder", "back-encoder",
                               "optimizer",   "prior-refit"};
        const caerec_batch_ws *ws = m->train->ws;
        double phase_total = 0;
        for (int p = 0; p < CAEREC_N_PHASES; p++)
            phase_total += ws->phase_seconds[p];
        printf("threads %d phases (all epochs):", threads);
        for (int p = 0; p < CAEREC_N_PHASES; p++)
            printf(" %s %.1f%%", names[p],
                   100.0 * ws->phase_seconds[p] / phase_total);
        printf("\n");
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        /* The floor a trainer cannot go below: parameters, the two Adam
         * moments, and the interactions. */
        double floor_mb = (3.0 * m->params.size * sizeof(float) +
                           m->rows.nnz * (sizeof(uint32_t) * 2 + 1) +
                           (m->rows.n_rows + 1) * sizeof(size_t)) /
                          1048576.0;
        printf("threads %d: %.2f s/epoch, %.1f GFLOP/epoch, %.1f GFLOP/s = "
               "%.2f x SGEMM (%.1f GFLOP/s), "
               "peak RSS %.0f MB = %.2f x (params + Adam moments + data = %.0f "
               "MB)\n",
               threads, best, flops / 1e9, flops / best / 1e9,
               flops / best / rate, rate / 1e9, ru.ru_maxrss / 1024.0,
               ru.ru_maxrss / 1024.0 / floor_mb, floor_mb);
        caerec_model_free(m);
        caerec_config_free(cfg);
    }
    caerec_dataset_free(ds);
    return 0;
}
