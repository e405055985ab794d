/* Training behaviour on the synthetic generator's planted data: losses
 * fall, runs are bit-reproducible, divergence is caught, early stopping
 * keeps the best epoch, and the learned distributions approach the planted
 * ones (better than popularity) as data grows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/dataset.h"
#include "data/synthetic.h"
#include "synth_util.h"
#include "model/batch.h"
#include "model/model.h"
#include "train/adam.h"
#include "train/train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static caerec_config *small_config(const char *orientation)
{
    caerec_config *cfg;
    assert_int_equal(caerec_config_create(&cfg), 0);
    assert_int_equal(caerec_config_set(cfg, "orientation", orientation), 0);
    assert_int_equal(caerec_config_set(cfg, "hidden", "24"), 0);
    assert_int_equal(caerec_config_set(cfg, "c1", "4"), 0);
    assert_int_equal(caerec_config_set(cfg, "c2", "6"), 0);
    assert_int_equal(caerec_config_set(cfg, "batch", "32"), 0);
    assert_int_equal(caerec_config_set(cfg, "lr", "0.01"), 0);
    assert_int_equal(caerec_config_set(cfg, "l2", "0.001"), 0);
    return cfg;
}

static void test_losses_fall(void **state)
{
    (void)state;
    caerec_dataset *ds = synth(200, 80, 15, 1);
    for (int o = 0; o < 2; o++) {
        caerec_config *cfg = small_config(o ? "item" : "user");
        caerec_model *m;
        assert_int_equal(caerec_model_create(&m, cfg, ds), 0);
        caerec_losses first, last;
        assert_int_equal(caerec_model_train_epoch(m, &first), 0);
        for (int e = 0; e < 15; e++)
            assert_int_equal(caerec_model_train_epoch(m, &last), 0);
        assert_true(last.sample < first.sample);
        assert_true(last.rating < 0.9 * first.rating);
        assert_true(last.error < first.error);
        assert_int_equal(caerec_model_epoch(m), 16);
        caerec_model_free(m);
        caerec_config_free(cfg);
    }
    caerec_dataset_free(ds);
}

static void test_step_reports_epoch_end(void **state)
{
    (void)state;
    caerec_dataset *ds = synth(70, 40, 8, 2);
    caerec_config *cfg = small_config("user");
    caerec_model *m;
    assert_int_equal(caerec_model_create(&m, cfg, ds), 0);
    /* 70 rows in batches of 32: steps of 32, 32, 6, then the epoch ends */
    assert_int_equal(caerec_model_train_step(m, NULL), 0);
    assert_int_equal(caerec_model_train_step(m, NULL), 0);
    assert_int_equal(caerec_model_train_step(m, NULL), 1);
    assert_int_equal(caerec_model_epoch(m), 1);
    caerec_model_free(m);
    caerec_config_free(cfg);
    caerec_dataset_free(ds);
}

static void test_deterministic(void **state)
{
    (void)state;
    caerec_dataset *ds = synth(150, 60, 12, 3);
    for (int threads = 1; threads <= 2; threads++) {
        caerec_model *m[2];
        for (int r = 0; r < 2; r++) {
            caerec_config *cfg = small_config("user");
            assert_int_equal(
                caerec_config_set_int(cfg, CAEREC_OPT_THREADS, threads), 0);
            assert_int_equal(caerec_model_create(&m[r], cfg, ds), 0);
            for (int e = 0; e < 3; e++)
                assert_int_equal(caerec_model_train_epoch(m[r], NULL), 0);
            caerec_config_free(cfg);
        }
        assert_int_equal(m[0]->params.size, m[1]->params.size);
        assert_memory_equal(m[0]->params.data, m[1]->params.data,
                            m[0]->params.size * sizeof(float));
        caerec_model_free(m[0]);
        caerec_model_free(m[1]);
    }
    /* a different seed gives different parameters */
    caerec_model *a, *b;
    caerec_config *cfg = small_config("user");
    assert_int_equal(caerec_model_create(&a, cfg, ds), 0);
    assert_int_equal(caerec_config_set(cfg, "seed", "7"), 0);
    assert_int_equal(caerec_model_create(&b, cfg, ds), 0);
    assert_memory_not_equal(a->params.data, b->params.data,
                            a->params.size * sizeof(float));
    caerec_model_free(a);
    caerec_model_free(b);
    caerec_config_free(cfg);
    caerec_dataset_free(ds);
}

/* lr-decay-steps: after an epoch of s steps the rate is multiplied by
 * lr-decay^(s / N); with N = s that is the per-epoch decay, to the bit. */
static void test_lr_decay_per_steps(void **state)
{
    (void)state;
    caerec_dataset *ds = synth(70, 40, 8, 2); /* 70 user rows: 3 steps of 32 */
    const char *steps[] = {"0", "3", "2", "6"};
    const double expect[] = {0.5, 0.5, 0.35355339059327373, 0.7071067811865476};
    caerec_model *m[4];
    for (int i = 0; i < 4; i++) {
        caerec_config *cfg = small_config("user");
        assert_int_equal(caerec_config_set(cfg, "lr-decay", "0.5"), 0);
        assert_int_equal(caerec_config_set(cfg, "lr-decay-steps", steps[i]), 0);
        assert_int_equal(caerec_model_create(&m[i], cfg, ds), 0);
        caerec_config_free(cfg);
        for (int e = 1; e <= 2; e++) {
            assert_int_equal(caerec_model_train_epoch(m[i], NULL), 0);
            double want = 0.01 * pow(expect[i], e);
            assert_true(fabs(m[i]->train->lr - want) <= 1e-14 * want);
        }
    }
    /* 0 and N = steps per epoch train the same model; N = 2 another one */
    assert_memory_equal(m[0]->params.data, m[1]->params.data,
                        m[0]->params.size * sizeof(float));
    assert_memory_not_equal(m[0]->params.data, m[2]->params.data,
                            m[0]->params.size * sizeof(float));
    for (int i = 0; i < 4; i++)
        caerec_model_free(m[i]);
    caerec_dataset_free(ds);
}

static int all_finite(const caerec_model *m)
{
    for (size_t i = 0; i < m->params.size; i++)
        if (!isfinite(m->params.data[i]))
            return 0;
    return 1;
}

static void test_divergence_is_caught(void **state)
{
    (void)state;
    caerec_dataset *ds = synth(100, 50, 10, 4);
    caerec_config *cfg = small_config("user");
    assert_int_equal(caerec_config_set(cfg, "lr", "1000000"), 0);
    assert_int_equal(caerec_config_set(cfg, "l2", "0"), 0);
    caerec_model *m;
    assert_int_equal(caerec_model_create(&m, cfg, ds), 0);
    /* Adam bounds each step by about lr, so even an absurd rate keeps the
     * parameters finite (the loss stays computable through log-sum-exp). */
    for (int s = 0; s < 20; s++) {
        int rc = caerec_model_train_step(m, NULL);
        assert_true(rc == 0 || rc == 1 || rc == CAEREC_ENUMERIC);
    }
    assert_true(all_finite(m));
    /* Logits that overflow float make the loss non-finite: the step must be
     * refused with CAEREC_ENUMERIC and leave every parameter as it was. */
    for (size_t i = 0; i < m->dims.c2 * (m->dims.K + 1); i++)
        m->params.U[i] = 3e38f;
    float *before = malloc(m->params.size * sizeof(float));
    memcpy(before, m->params.data, m->params.size * sizeof(float));
    uint64_t steps = m->train->step;
    assert_int_equal(caerec_model_train_step(m, NULL), CAEREC_ENUMERIC);
    assert_non_null(strstr(caerec_last_error(), "not finite"));
    assert_memory_equal(before, m->params.data, m->params.size * sizeof(float));
    assert_int_equal(m->train->step, steps);
    assert_true(all_finite(m));
    /* fit reports the same error and keeps finite parameters */
    assert_int_equal(caerec_model_fit(m, NULL, NULL, NULL, NULL),
                     CAEREC_ENUMERIC);
    assert_true(all_finite(m));
    free(before);
    caerec_model_free(m);
    caerec_config_free(cfg);
    caerec_dataset_free(ds);
}

/* Total-variation distance between the learned and the planted sampling
 * distributions, per user over the items the user did not consume
 * (renormalised), averaged over users; also popularity's. */
static void tv_distance(const caerec_model *m, const caerec_dataset *ds,
                        const caerec__synth_truth *truth, double *model_tv,
                        double *pop_tv)
{
    const caerec_dims *dm = &m->dims;
    caerec_infer_ws ws;
    assert_int_equal(caerec__infer_ws_alloc(&ws, m, 1), 0);
    float *H = calloc(dm->d, sizeof *H);
    float *O = calloc(dm->n * (dm->K + 1), sizeof *O);
    double *truth_p = calloc(truth->opts.n_items, sizeof *truth_p);
    double *q = calloc(dm->n, sizeof *q), *p = calloc(dm->n, sizeof *p);
    double *pop = calloc(dm->n, sizeof *pop);
    unsigned char *seen = calloc(dm->n, 1);
    for (size_t r = 0; r < dm->m; r++)
        for (size_t i = m->rows.ptr[r]; i < m->rows.ptr[r + 1]; i++)
            pop[m->rows.col[i]] += 1.0;
    double tv_m = 0, tv_p = 0;
    for (size_t r = 0; r < dm->m; r++) {
        caerec_row row = caerec__csr_row(&m->rows, r);
        caerec__encode(m, &row, 1, &ws, H);
        caerec__decode(m, H, 1, 0, dm->n, &ws, O, 1);
        memset(seen, 0, dm->n);
        for (size_t i = 0; i < row.nnz; i++)
            seen[row.col[i]] = 1;
        size_t true_user = (size_t)(ds->users.ids[r] - 1);
        caerec__synthetic_sampling(truth, true_user, truth_p);
        double sq = 0, sp = 0, spop = 0, mx = -1e30;
        for (size_t j = 0; j < dm->n; j++)
            mx = fmax(mx, O[j * (dm->K + 1) + dm->K]);
        for (size_t j = 0; j < dm->n; j++) {
            if (seen[j])
                continue;
            q[j] = exp(O[j * (dm->K + 1) + dm->K] - mx);
            p[j] = truth_p[ds->items.ids[j] - 1];
            sq += q[j];
            sp += p[j];
            spop += pop[j] + 1.0;
        }
        double tm = 0, tp = 0;
        for (size_t j = 0; j < dm->n; j++) {
            if (seen[j])
                continue;
            tm += fabs(q[j] / sq - p[j] / sp);
            tp += fabs((pop[j] + 1.0) / spop - p[j] / sp);
        }
        tv_m += 0.5 * tm;
        tv_p += 0.5 * tp;
    }
    *model_tv = tv_m / dm->m;
    *pop_tv = tv_p / dm->m;
    free(H);
    free(O);
    free(truth_p);
    free(q);
    free(p);
    free(pop);
    free(seen);
    caerec__infer_ws_free(&ws);
}

static void test_sampling_distribution_recovered(void **state)
{
    (void)state;
    double tv[2], pop[2];
    size_t users[2] = {150, 1200};
    for (int s = 0; s < 2; s++) {
        caerec_synthetic_options so = CAEREC_SYNTHETIC_OPTIONS_INIT;
        so.n_users = users[s];
        so.n_items = 100;
        so.n_groups = 4;
        so.mean_per_user = 15;
        so.seed = 11;
        caerec_dataset *ds;
        assert_int_equal(caerec_dataset_synthetic(&ds, &so), 0);
        caerec__synth_truth truth;
        assert_int_equal(caerec__synthetic_truth(&truth, &so), 0);
        caerec_config *cfg = small_config("user");
        assert_int_equal(caerec_config_set(cfg, "dropout", "0.5"), 0);
        caerec_model *m;
        assert_int_equal(caerec_model_create(&m, cfg, ds), 0);
        /* the same number of steps for both sizes */
        for (int step = 0; step < 600; step++)
            assert_true(caerec_model_train_step(m, NULL) >= 0);
        tv_distance(m, ds, &truth, &tv[s], &pop[s]);
        print_message("users %zu: TV model %.4f, popularity %.4f\n", users[s],
                      tv[s], pop[s]);
        caerec__synthetic_truth_free(&truth);
        caerec_model_free(m);
        caerec_config_free(cfg);
        caerec_dataset_free(ds);
    }
    assert_true(tv[1] < tv[0]);
    assert_true(tv[1] < pop[1]);
}

typedef struct reports {
    caerec_epoch_report r[64];
    int n;
    int stop_at;
} reports;

static int record(const caerec_epoch_report *r, void *user)
{
    reports *rs = user;
    rs->r[rs->n++] = *r;
    return rs->stop_at && rs->n >= rs->stop_at;
}

/* Train/validation split of a small synthetic set and a config that
 * overfits quickly (no L2, no dropout, a large step), so validation figures
 * turn around within a few epochs. */
static caerec_config *overfitting_setup(caerec_dataset **all,
                                        caerec_dataset **train,
                                        caerec_dataset **valid)
{
    *all = synth(120, 60, 20, 5);
    assert_int_equal(caerec_dataset_split(train, valid, *all, 0.2, 9), 0);
    caerec_config *cfg = small_config("user");
    assert_int_equal(caerec_config_set(cfg, "hidden", "64"), 0);
    assert_int_equal(caerec_config_set(cfg, "l2", "0"), 0);
    assert_int_equal(caerec_config_set(cfg, "dropout", "0"), 0);
    assert_int_equal(caerec_config_set(cfg, "lr", "0.02"), 0);
    return cfg;
}

/* overfitting_setup for an early-stopping test: up to 40 epochs watching
 * the validation loss, every improvement counting for `patience`. */
static caerec_config *early_stop_setup(caerec_dataset **all,
                                       caerec_dataset **train,
                                       caerec_dataset **valid,
                                       const char *patience)
{
    caerec_config *cfg = overfitting_setup(all, train, valid);
    assert_int_equal(caerec_config_set(cfg, "epochs", "40"), 0);
    assert_int_equal(caerec_config_set(cfg, "patience", patience), 0);
    assert_int_equal(caerec_config_set(cfg, "min-improvement", "0"), 0);
    assert_int_equal(caerec_config_set(cfg, "early-stop", "loss"), 0);
    return cfg;
}

/* The model holds the kept epoch's parameters: validation agrees with the
 * report fit gave for that epoch. */
static void assert_holds_kept_epoch(caerec_model *m,
                                    const caerec_dataset *valid,
                                    const caerec_epoch_report *best)
{
    caerec_rating_metrics rm = CAEREC_RATING_METRICS_INIT;
    assert_int_equal(caerec_evaluate_ratings(m, valid, &rm), 0);
    assert_true(fabs(rm.rmse - best->valid_rmse) < 1e-9);
}

static void test_early_stopping_keeps_best(void **state)
{
    (void)state;
    caerec_dataset *all, *train, *valid;
    caerec_config *cfg = early_stop_setup(&all, &train, &valid, "3");
    caerec_model *m;
    assert_int_equal(caerec_model_create(&m, cfg, train), 0);
    reports rs = {.n = 0, .stop_at = 0};
    caerec_epoch_report best = CAEREC_EPOCH_REPORT_INIT;
    assert_int_equal(caerec_model_fit(m, valid, record, &rs, &best), 0);
    assert_true(rs.n < 40);
    int argmin = 0;
    for (int e = 0; e < rs.n; e++) {
        assert_int_equal(rs.r[e].epoch, (unsigned)e + 1);
        assert_true(isfinite(rs.r[e].valid_loss));
        assert_true(isfinite(rs.r[e].valid_rmse));
        assert_true(rs.r[e].valid_ndcg >= 0 && rs.r[e].valid_ndcg <= 1);
        assert_true(rs.r[e].seconds >= 0);
        if (rs.r[e].valid_loss < rs.r[argmin].valid_loss)
            argmin = e;
    }
    /* stopped exactly `patience` epochs after the best one */
    assert_int_equal(rs.n, argmin + 1 + 3);
    assert_int_equal(best.epoch, (unsigned)argmin + 1);
    assert_true(best.improved);
    assert_holds_kept_epoch(m, valid, &best);

    /* a callback returning non-zero stops training after that epoch */
    caerec_model *m2;
    assert_int_equal(caerec_model_create(&m2, cfg, train), 0);
    reports rs2 = {.n = 0, .stop_at = 2};
    assert_int_equal(caerec_model_fit(m2, NULL, record, &rs2, NULL), 0);
    assert_int_equal(rs2.n, 2);
    assert_int_equal(caerec_model_epoch(m2), 2);
    assert_true(isnan(rs2.r[0].valid_loss));
    caerec_model_free(m2);
    caerec_model_free(m);
    caerec_config_free(cfg);
    caerec_dataset_free(all);
    caerec_dataset_free(train);
    caerec_dataset_free(valid);
}

/* Epochs that fit would run with patience 2 and min-improvement tol on
 * the validation losses of a longer run of the same training (replays the
 * documented rule: patience counts epochs since the loss last fell by more
 * than tol relative to the loss of that last progress). */
static int replayed_stop(const reports *full, double tol)
{
    double progress = full->r[0].valid_loss;
    int since = 0;
    for (int e = 1; e < full->n; e++) {
        if (full->r[e].valid_loss < progress - tol * fabs(progress)) {
            progress = full->r[e].valid_loss;
            since = 0;
        } else if (++since >= 2) {
            return e + 1;
        }
    }
    return full->n;
}

/* min-improvement: gains below it do not reset patience, so fit stops
 * sooner on a slowly creeping figure, yet the kept parameters are still
 * those of the best epoch it ran. */
static void test_min_improvement_stops_sooner(void **state)
{
    (void)state;
    caerec_dataset *all, *train, *valid;
    caerec_config *cfg = early_stop_setup(&all, &train, &valid, "2");
    assert_int_equal(caerec_config_set(cfg, "lr", "0.003"), 0);
    caerec_model *m;
    assert_int_equal(caerec_model_create(&m, cfg, train), 0);
    static reports full, cut;
    full.n = cut.n = 0;
    full.stop_at = cut.stop_at = 0;
    assert_int_equal(caerec_model_fit(m, valid, record, &full, NULL), 0);
    caerec_model_free(m);

    const double tol = 0.01;
    assert_int_equal(
        caerec_config_set_double(cfg, CAEREC_OPT_MIN_IMPROVEMENT, tol), 0);
    assert_int_equal(caerec_model_create(&m, cfg, train), 0);
    caerec_epoch_report best = CAEREC_EPOCH_REPORT_INIT;
    assert_int_equal(caerec_model_fit(m, valid, record, &cut, &best), 0);
    /* the same training, stopped by the rule, and sooner than without it */
    assert_int_equal(cut.n, replayed_stop(&full, tol));
    assert_true(cut.n < full.n);
    int argmin = 0;
    for (int e = 0; e < cut.n; e++) {
        assert_true(cut.r[e].valid_loss == full.r[e].valid_loss);
        if (cut.r[e].valid_loss < cut.r[argmin].valid_loss)
            argmin = e;
    }
    /* the kept epoch is the best one run, even if it gained less than tol */
    assert_int_equal(best.epoch, (unsigned)argmin + 1);
    assert_holds_kept_epoch(m, valid, &best);
    caerec_model_free(m);
    caerec_config_free(cfg);
    caerec_dataset_free(all);
    caerec_dataset_free(train);
    caerec_dataset_free(valid);
}

/* early-stop rmse on a model that learns no ratings watches NDCG@20: the
 * kept epoch is the best-NDCG one (an untrained rating head's RMSE would
 * stop it at random). */
static void test_rmse_stop_without_rating_loss_watches_ndcg(void **state)
{
    (void)state;
    caerec_dataset *all, *train, *valid;
    /* the idle head's RMSE drifts while NDCG moves with training */
    caerec_config *cfg = overfitting_setup(&all, &train, &valid);
    assert_int_equal(caerec_config_set(cfg, "beta", "0"), 0);
    assert_int_equal(caerec_config_set(cfg, "gamma", "0"), 0);
    assert_int_equal(caerec_config_set(cfg, "early-stop", "rmse"), 0);
    assert_int_equal(caerec_config_set(cfg, "epochs", "5"), 0);
    assert_int_equal(caerec_config_set(cfg, "patience", "0"), 0);
    caerec_model *m;
    assert_int_equal(caerec_model_create(&m, cfg, train), 0);
    reports rs = {.n = 0, .stop_at = 0};
    caerec_epoch_report best = CAEREC_EPOCH_REPORT_INIT;
    assert_int_equal(caerec_model_fit(m, valid, record, &rs, &best), 0);
    assert_int_equal(rs.n, 5);
    int argmax = 0, argmin_rmse = 0;
    for (int e = 0; e < rs.n; e++) {
        if (rs.r[e].valid_ndcg > rs.r[argmax].valid_ndcg)
            argmax = e;
        if (rs.r[e].valid_rmse < rs.r[argmin_rmse].valid_rmse)
            argmin_rmse = e;
    }
    assert_int_equal(best.epoch, (unsigned)argmax + 1);
    assert_true(best.valid_ndcg == rs.r[argmax].valid_ndcg);
    /* the check means something only if the two metrics disagree */
    assert_int_not_equal(argmax, argmin_rmse);
    caerec_model_free(m);
    caerec_config_free(cfg);
    caerec_dataset_free(all);
    caerec_dataset_free(train);
    caerec_dataset_free(valid);
}

/* Training defers dW and dV to the optimizer (made and applied block by
 * block, column by column); it must update the parameters as the
 * whole-gradient path does: V to the bit (each dV_j adds the same products
 * in the same order), W to rounding (its blocks are other GEMM calls). */
static void test_deferred_dW_dV_match_whole_gradient(void **state)
{
    (void)state;
    caerec_dataset *ds = synth(200, 900, 20, 12); /* n*C2 spans blocks */
    for (int o = 0; o < 2; o++) {
        caerec_model *m[2];
        for (int r = 0; r < 2; r++) {
            caerec_config *cfg = small_config(o ? "item" : "user");
            assert_int_equal(caerec_model_create(&m[r], cfg, ds), 0);
            assert_true(caerec_model_train_step(m[r], NULL) >= 0);
            assert_int_equal(m[r]->train->ws->defer_dW, 1);
            caerec_config_free(cfg);
        }
        m[1]->train->ws->defer_dW = 0;
        for (int s = 0; s < 4; s++) {
            caerec_losses a, b;
            assert_true(caerec_model_train_step(m[0], &a) >= 0);
            assert_true(caerec_model_train_step(m[1], &b) >= 0);
            assert_true(fabs(a.l2 - b.l2) <=
                        1e-4 * fabs(b.l2)); /* summed in other chunks */
        }
        caerec_layout L;
        caerec__layout(&L, &m[0]->dims);
        assert_memory_equal(m[0]->params.V, m[1]->params.V,
                            L.count[CAEREC_T_V] * sizeof(float));
        assert_memory_equal(m[0]->train->adam_v + L.offset[CAEREC_T_V],
                            m[1]->train->adam_v + L.offset[CAEREC_T_V],
                            L.count[CAEREC_T_V] * sizeof(float));
        for (size_t i = 0; i < m[0]->params.size; i++)
            if (m[0]->params.data[i] != m[1]->params.data[i])
                assert_true(
                    fabsf(m[0]->params.data[i] - m[1]->params.data[i]) <=
                    1e-6f * (1.0f + fabsf(m[1]->params.data[i])));
        caerec_model_free(m[0]);
        caerec_model_free(m[1]);
    }
    caerec_dataset_free(ds);
}

/* W's values before a step, and each one's deviation from the centre the
 * L2 pulls it toward (its column mean, its column's regressed centre, or
 * zero): d * n * c2 floats each, freed by the caller. */
static void decoder_before_step(const caerec_model *m, float **before,
                                float **dev)
{
    const size_t d = m->dims.d, c2 = m->dims.c2, row = m->dims.n * c2;
    float *centre = malloc(d * c2 * sizeof *centre);
    *before = malloc(d * row * sizeof **before);
    *dev = malloc(d * row * sizeof **dev);
    assert_true(centre && *before && *dev);
    caerec__decoder_centre(m, centre);
    memcpy(*before, m->params.W, d * row * sizeof **before);
    const float *each = caerec__prior_centres(m);
    for (size_t i = 0; i < d * row; i++)
        (*dev)[i] =
            (*before)[i] - (each ? each[i] : centre[i / row * c2 + i % c2]);
    free(centre);
}

/* Adam's first step from zeroed moments moves every value by lr times the
 * sign of its gradient: with a zero data gradient, that is the sign of the
 * L2's pull, so each W value must step toward its column mean (or toward
 * zero, or with decoder-l2 regressed after an epoch toward its column's own
 * centre), and the penalty the step reports must be the one at the start. */
static void test_l2_pulls_decoder_toward_centre(void **state)
{
    (void)state;
    caerec_dataset *ds = synth(60, 40, 10, 21);
    for (int rule = 0; rule < 3; rule++) {
        caerec_config *cfg = small_config("item");
        assert_int_equal(caerec_config_set(cfg, "l2", "1"), 0);
        assert_int_equal(
            caerec_config_set_int(cfg, CAEREC_OPT_DECODER_L2, rule), 0);
        caerec_model *m;
        assert_int_equal(caerec_model_create(&m, cfg, ds), 0);
        assert_true(caerec_model_train_step(m, NULL) >= 0);
        if (rule == CAEREC_DECODER_L2_REGRESSED) {
            assert_int_equal(caerec_model_train_epoch(m, NULL), 0);
            assert_non_null(caerec__prior_centres(m));
        }
        caerec_train_state *ts = m->train;
        const size_t size = m->params.size;
        memset(ts->adam_m, 0, size * sizeof(float));
        memset(ts->adam_v, 0, size * sizeof(float));
        ts->step = 0;
        const size_t n_w = m->dims.d * m->dims.n * m->dims.c2;
        float *before, *dev, *zero = calloc(size, sizeof *zero);
        decoder_before_step(m, &before, &dev);
        for (size_t i = 0; i < n_w && rule == 0; i++)
            assert_true(dev[i] == before[i]); /* the centre is zero */
        double penalty = caerec__l2_penalty(m);
        double reported = caerec__adam_step(m, zero, NULL);
        assert_true(fabs(reported - penalty) <= 1e-4 * penalty);
        const double lr = ts->lr;
        size_t toward = 0;
        for (size_t i = 0; i < n_w; i++) {
            float moved = m->params.W[i] - before[i];
            if (fabsf(dev[i]) < 1e-4f)
                continue;
            assert_true(fabs(fabs(moved) - lr) <= 1e-3 * lr);
            assert_true((moved < 0) == (dev[i] > 0));
            toward++;
        }
        assert_true(toward > n_w / 2);
        free(before);
        free(dev);
        free(zero);
        caerec_model_free(m);
        caerec_config_free(cfg);
    }
    caerec_dataset_free(ds);
}

/* decoder-l2-weight multiplies the pull on W: with a data gradient of
 * -f * l2 * weight * (W - centre), Adam's first step (which moves by lr
 * times the sign of the gradient) must still go toward the centre for
 * f = 0.9 and away from it for f = 1.1. Checked for an explicit weight and
 * for the default, max(1, sqrt(1500 / rows)) with 40 item rows. */
static void test_decoder_l2_weight_scales_the_pull(void **state)
{
    (void)state;
    caerec_dataset *ds = synth(60, 40, 10, 21);
    const char *weights[] = {"3", "nan"};
    for (int w = 0; w < 2; w++)
        for (int f = 0; f < 2; f++) {
            caerec_config *cfg = small_config("item");
            assert_int_equal(caerec_config_set(cfg, "l2", "0.5"), 0);
            assert_int_equal(
                caerec_config_set(cfg, "decoder-l2-weight", weights[w]), 0);
            caerec_model *m;
            assert_int_equal(caerec_model_create(&m, cfg, ds), 0);
            const double weight = m->cfg.decoder_l2_weight;
            assert_true(weight == (w ? sqrt(1500.0 / 40) : 3.0));
            const size_t n_w = m->dims.d * m->dims.n * m->dims.c2;
            float *before, *dev, *grad = calloc(m->params.size, sizeof *grad);
            decoder_before_step(m, &before, &dev);
            caerec_layout L;
            caerec__layout(&L, &m->dims);
            const double factor = f ? 1.1 : 0.9;
            for (size_t i = 0; i < n_w; i++)
                grad[L.offset[CAEREC_T_W] + i] =
                    (float)(-factor * 0.5 * weight * dev[i]);
            (void)caerec__adam_step(m, grad, NULL);
            size_t toward = 0, counted = 0;
            for (size_t i = 0; i < n_w; i++) {
                if (fabsf(dev[i]) < 1e-3f)
                    continue;
                counted++;
                toward += (m->params.W[i] < before[i]) == (dev[i] > 0);
            }
            assert_true(counted > n_w / 2);
            assert_int_equal(toward, f ? 0 : counted);
            free(before);
            free(dev);
            free(grad);
            caerec_model_free(m);
            caerec_config_free(cfg);
        }
    caerec_dataset_free(ds);
}

/* The fused validation loss (psi = identity) equals the batch path. */
static void test_validation_loss_paths_agree(void **state)
{
    (void)state;
    caerec_dataset *all = synth(150, 70, 15, 8), *train, *valid;
    assert_int_equal(caerec_dataset_split(&train, &valid, all, 0.2, 3), 0);
    for (int o = 0; o < 2; o++) {
        caerec_config *cfg = small_config(o ? "item" : "user");
        assert_int_equal(caerec_config_set(cfg, "gamma", "0.5"), 0);
        caerec_model *m;
        assert_int_equal(caerec_model_create(&m, cfg, train), 0);
        assert_int_equal(caerec_model_train_epoch(m, NULL), 0);
        caerec_valid_set vs;
        assert_int_equal(caerec__valid_set_build(&vs, m, valid), 0);
        assert_true(vs.n_cells > 0);
        double fused, batch;
        assert_int_equal(caerec__valid_loss(m, &vs, &fused), 0);
        assert_int_equal(caerec__valid_loss_batch(m, &vs, &batch), 0);
        assert_true(fabs(fused - batch) <= 1e-4 * fabs(batch));
        caerec__valid_set_free(&vs);
        caerec_model_free(m);
        caerec_config_free(cfg);
    }
    caerec_dataset_free(all);
    caerec_dataset_free(train);
    caerec_dataset_free(valid);
}

/* NDCG@k of ranking unseen items by training popularity, for comparison. */
static double popularity_ndcg(const caerec_dataset *train,
                              const caerec_dataset *test, size_t k)
{
    caerec_csr tr, te;
    assert_int_equal(caerec__csr_build(&tr, train, 0), 0);
    assert_int_equal(caerec__csr_build(&te, test, 0), 0);
    size_t n_items = caerec_dataset_n_items(train);
    double *count = calloc(n_items, sizeof *count);
    for (size_t i = 0; i < tr.nnz; i++)
        count[tr.col[i]] += 1;
    unsigned char *seen = calloc(n_items, 1), *rel = calloc(n_items, 1);
    double total = 0;
    size_t users = 0;
    for (size_t tu = 0; tu < te.n_rows; tu++) {
        size_t u;
        int64_t uid;
        assert_int_equal(caerec_dataset_user_id(test, tu, &uid), 0);
        if (caerec_dataset_user_index(train, uid, &u) != 0)
            continue;
        memset(seen, 0, n_items);
        memset(rel, 0, n_items);
        for (size_t i = tr.ptr[u]; i < tr.ptr[u + 1]; i++)
            seen[tr.col[i]] = 1;
        size_t n_rel = 0;
        for (size_t i = te.ptr[tu]; i < te.ptr[tu + 1]; i++) {
            int64_t iid;
            size_t j;
            assert_int_equal(caerec_dataset_item_id(test, te.col[i], &iid), 0);
            if (caerec_dataset_item_index(train, iid, &j) == 0 && !rel[j]) {
                rel[j] = 1;
                n_rel++;
            }
        }
        if (!n_rel)
            continue;
        double dcg = 0, idcg = 0;
        for (size_t r = 0; r < k; r++) {
            size_t best = SIZE_MAX;
            for (size_t j = 0; j < n_items; j++)
                if (!seen[j] && (best == SIZE_MAX || count[j] > count[best]))
                    best = j;
            if (best == SIZE_MAX)
                break;
            seen[best] = 1;
            if (rel[best])
                dcg += 1 / log2(r + 2.0);
            if (r < n_rel)
                idcg += 1 / log2(r + 2.0);
        }
        total += dcg / idcg;
        users++;
    }
    free(count);
    free(seen);
    free(rel);
    caerec__csr_free(&tr);
    caerec__csr_free(&te);
    return total / users;
}

static void test_beats_popularity_and_mean(void **state)
{
    (void)state;
    caerec_dataset *all = synth(600, 150, 25, 6), *train, *test;
    assert_int_equal(caerec_dataset_split(&train, &test, all, 0.2, 10), 0);
    for (int o = 0; o < 2; o++) {
        caerec_config *cfg = small_config(o ? "item" : "user");
        assert_int_equal(caerec_config_set(cfg, "epochs", "25"), 0);
        caerec_model *m;
        assert_int_equal(caerec_model_create(&m, cfg, train), 0);
        assert_int_equal(caerec_model_fit(m, NULL, NULL, NULL, NULL), 0);
        /* global-mean predictor on the held-out ratings */
        double sum = 0, sq = 0;
        for (size_t c = 0; c < train->n_cells; c++)
            sum += train->levels[train->cell_level[c]];
        double mean = sum / train->n_cells;
        for (size_t c = 0; c < test->n_cells; c++) {
            double e = test->levels[test->cell_level[c]] - mean;
            sq += e * e;
        }
        double mean_rmse = sqrt(sq / test->n_cells);
        caerec_rating_metrics rm = CAEREC_RATING_METRICS_INIT;
        assert_int_equal(caerec_evaluate_ratings(m, test, &rm), 0);
        size_t k = 10;
        caerec_topk_metrics tm = CAEREC_TOPK_METRICS_INIT;
        assert_int_equal(caerec_evaluate_topk(m, test, &k, 1, &tm), 0);
        double pop = popularity_ndcg(train, test, k);
        print_message("%s: RMSE %.4f (global mean %.4f), NDCG@10 %.4f "
                      "(popularity %.4f)\n",
                      o ? "item" : "user", rm.rmse, mean_rmse, tm.ndcg, pop);
        assert_true(rm.rmse < 0.9 * mean_rmse);
        assert_true(tm.ndcg > 1.1 * pop);
        caerec_model_free(m);
        caerec_config_free(cfg);
    }
    caerec_dataset_free(all);
    caerec_dataset_free(train);
    caerec_dataset_free(test);
}

/* Expected ratings of a model trained for a few epochs with the given
 * gamma ("" for the default) on ds: out[u * n_items + i] for the first
 * n_users x n_items of each. */
static void expected_ratings(caerec_dataset *ds, const char *gamma,
                             size_t n_users, size_t n_items, double *out)
{
    caerec_config *cfg = small_config("item");
    if (*gamma)
        assert_int_equal(caerec_config_set(cfg, "gamma", gamma), 0);
    caerec_model *m;
    assert_int_equal(caerec_model_create(&m, cfg, ds), 0);
    for (int e = 0; e < 4; e++)
        assert_int_equal(caerec_model_train_epoch(m, NULL), 0);
    caerec_scorer *sc;
    assert_int_equal(caerec_scorer_create(&sc, m), 0);
    for (size_t u = 0; u < n_users; u++) {
        assert_int_equal(caerec_scorer_set_user(sc, ds->users.ids[u]), 0);
        for (size_t i = 0; i < n_items; i++)
            assert_int_equal(caerec_scorer_get(sc, ds->items.ids[i],
                                               CAEREC_SCORE_RATING,
                                               &out[u * n_items + i]),
                             0);
    }
    caerec_scorer_free(sc);
    caerec_model_free(m);
    caerec_config_free(cfg);
}

/* The default gamma follows the rating scale: the same data on 1..5 and on
 * 10..50 trains to the same model, expected ratings 10 times larger (up to
 * rounding), while a fixed gamma weighs the squared error 100 times more
 * on the wider scale and trains a different model. */
static void test_default_gamma_is_scale_free(void **state)
{
    (void)state;
    enum { NU = 12, NI = 15 };
    caerec_dataset *narrow = synth(150, 60, 12, 9);
    caerec_dataset *wide = synth(150, 60, 12, 9);
    for (size_t k = 0; k < wide->n_levels; k++)
        wide->levels[k] *= 10.0; /* cells hold level indices */
    double a[NU * NI], b[NU * NI], worst = 0.0;
    expected_ratings(narrow, "", NU, NI, a);
    expected_ratings(wide, "", NU, NI, b);
    for (size_t c = 0; c < NU * NI; c++)
        worst = fmax(worst, fabs(b[c] / 10.0 - a[c]));
    assert_true(worst < 1e-3);
    expected_ratings(narrow, "1", NU, NI, a);
    expected_ratings(wide, "1", NU, NI, b);
    double fixed = 0.0;
    for (size_t c = 0; c < NU * NI; c++)
        fixed = fmax(fixed, fabs(b[c] / 10.0 - a[c]));
    print_message("largest difference: default gamma %g, fixed gamma %g\n",
                  worst, fixed);
    assert_true(fixed > 0.05);
    caerec_dataset_free(narrow);
    caerec_dataset_free(wide);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_losses_fall),
        cmocka_unit_test(test_step_reports_epoch_end),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_lr_decay_per_steps),
        cmocka_unit_test(test_divergence_is_caught),
        cmocka_unit_test(test_sampling_distribution_recovered),
        cmocka_unit_test(test_early_stopping_keeps_best),
        cmocka_unit_test(test_min_improvement_stops_sooner),
        cmocka_unit_test(test_rmse_stop_without_rating_loss_watches_ndcg),
        cmocka_unit_test(test_validation_loss_paths_agree),
        cmocka_unit_test(test_deferred_dW_dV_match_whole_gradient),
        cmocka_unit_test(test_l2_pulls_decoder_toward_centre),
        cmocka_unit_test(test_decoder_l2_weight_scales_the_pull),
        cmocka_unit_test(test_beats_popularity_and_mean),
        cmocka_unit_test(test_default_gamma_is_scale_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
