/* decoder-l2 regressed (lib/model/prior.c): the refit solves the ridge
 * problem it states, checked by a separate plain implementation of its
 * gradient; its centres are Wbar plus each column's mean shift, the same
 * fold-in computes for the same rows; the first epoch trains exactly as
 * column-mean; and the refit does not depend on the thread count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/dataset.h"
#include "data/synthetic.h"
#include "synth_util.h"
#include "model/model.h"
#include "model/prior.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static caerec_model *trained(const caerec_dataset *ds, const char *orientation,
                             const char *decoder_l2, int epochs)
{
    caerec_config *cfg;
    assert_int_equal(caerec_config_create(&cfg), 0);
    assert_int_equal(caerec_config_set(cfg, "orientation", orientation), 0);
    assert_int_equal(caerec_config_set(cfg, "hidden", "12"), 0);
    assert_int_equal(caerec_config_set(cfg, "c1", "3"), 0);
    assert_int_equal(caerec_config_set(cfg, "c2", "4"), 0);
    assert_int_equal(caerec_config_set(cfg, "batch", "16"), 0);
    assert_int_equal(caerec_config_set(cfg, "lr", "0.01"), 0);
    assert_int_equal(caerec_config_set(cfg, "decoder-l2", decoder_l2), 0);
    caerec_model *m;
    assert_int_equal(caerec_model_create(&m, cfg, ds), 0);
    for (int e = 0; e < epochs; e++)
        assert_int_equal(caerec_model_train_epoch(m, NULL), 0);
    caerec_config_free(cfg);
    return m;
}

/* Column j's value k (k = h * c2 + c) of W, in double. */
static double w_at(const caerec_model *m, const float *W, size_t j, size_t k)
{
    const size_t c2 = m->dims.c2, nc2 = m->dims.n * c2;
    return W[k / c2 * nc2 + j * c2 + k % c2];
}

/* Plain reference: e_j = W_j - Wbar - mean_{r in R_j} dQ_r, and the ridge
 * gradient g_r = mu dQ_r - sum_{j in row r} e_j / |R_j|. Returns |g| /
 * |X^T (W - Wbar)|, the residual relative to the problem's scale, and
 * the share of |W - Wbar|^2 the centres leave unexplained in *unexplained. */
static double ridge_gradient_ratio(const caerec_model *m, double *unexplained)
{
    const caerec_csr *rows = &m->rows;
    const size_t M = m->dims.m, n = m->dims.n, w = m->prior.width;
    const float *wbar = m->prior.state, *dQ = m->prior.state + w;
    const double mu = m->cfg.decoder_l2_ridge;
    size_t *count = calloc(n, sizeof *count);
    double *e = calloc(n * w, sizeof *e), *t = calloc(n * w, sizeof *t);
    assert_true(count && e && t);
    for (size_t i = 0; i < rows->nnz; i++)
        count[rows->col[i]]++;
    for (size_t r = 0; r < M; r++)
        for (size_t i = rows->ptr[r]; i < rows->ptr[r + 1]; i++)
            for (size_t k = 0; k < w; k++)
                e[rows->col[i] * w + k] += dQ[r * w + k];
    double tt = 0, ee = 0;
    for (size_t j = 0; j < n; j++)
        for (size_t k = 0; k < w; k++) {
            double dev = w_at(m, m->params.W, j, k) - wbar[k];
            t[j * w + k] = dev;
            e[j * w + k] = dev - e[j * w + k] / (double)count[j];
            tt += dev * dev;
            ee += e[j * w + k] * e[j * w + k];
        }
    double gg = 0, bb = 0;
    for (size_t r = 0; r < M; r++)
        for (size_t k = 0; k < w; k++) {
            double g = mu * dQ[r * w + k], b = 0;
            for (size_t i = rows->ptr[r]; i < rows->ptr[r + 1]; i++) {
                size_t j = rows->col[i];
                g -= e[j * w + k] / (double)count[j];
                b += t[j * w + k] / (double)count[j];
            }
            gg += g * g;
            bb += b * b;
        }
    free(count);
    free(e);
    free(t);
    *unexplained = ee / tt;
    return sqrt(gg / bb);
}

/* One refit (CAEREC_PRIOR_CG_STEPS steps) leaves a small ridge gradient;
 * repeated refits on fixed W continue the warm-started solve and must take
 * it to rounding, and the fit must explain part of the
 * columns' spread (the planted groups make them predictable from their
 * rows). Wbar must be the column mean and the centres Wbar + X dQ. */
static void test_refit_solves_the_ridge_problem(void **state)
{
    (void)state;
    caerec_dataset *ds = synth(80, 50, 12, 5);
    const char *orient[] = {"user", "item"};
    for (int o = 0; o < 2; o++) {
        caerec_model *m = trained(ds, orient[o], "regressed", 2);
        assert_int_equal(m->prior.fitted, 1);
        double unexplained, first = ridge_gradient_ratio(m, &unexplained);
        for (int i = 0; i < 20; i++)
            caerec__prior_refit(m);
        double last = ridge_gradient_ratio(m, &unexplained);
        assert_true(first < 1e-2); /* 10 steps: close (measured ~1e-3) */
        assert_true(last < 1e-5);  /* to rounding (measured ~2e-7) */
        assert_true(unexplained > 0.05 && unexplained < 0.9);

        const size_t w = m->prior.width, n = m->dims.n;
        float *mean = malloc(w * sizeof *mean);
        assert_non_null(mean);
        caerec__decoder_column_mean(m, mean);
        assert_memory_equal(mean, m->prior.state, w * sizeof *mean);
        const caerec_csr *rows = &m->rows;
        for (size_t j = 0; j < n; j++)
            for (size_t k = 0; k < w; k++) {
                double sum = 0;
                size_t cnt = 0;
                for (size_t r = 0; r < m->dims.m; r++)
                    for (size_t i = rows->ptr[r]; i < rows->ptr[r + 1]; i++)
                        if (rows->col[i] == j) {
                            sum += m->prior.state[w + r * w + k];
                            cnt++;
                        }
                double want = m->prior.state[k] + sum / (double)cnt;
                double got = w_at(m, caerec__prior_centres(m), j, k);
                assert_true(fabs(got - want) <= 1e-5 * (1 + fabs(want)));
            }
        free(mean);
        caerec_model_free(m);
    }
    caerec_dataset_free(ds);
}

/* Before the first epoch ends there is no fit and the pull is the column
 * mean's: the first epoch is bit-identical to column-mean, the second
 * is not. */
static void test_first_epoch_is_column_mean(void **state)
{
    (void)state;
    caerec_dataset *ds = synth(60, 40, 10, 9);
    caerec_model *a = trained(ds, "item", "column-mean", 1);
    caerec_model *b = trained(ds, "item", "regressed", 1);
    assert_null(caerec__prior_centres(a));
    assert_non_null(caerec__prior_centres(b));
    assert_memory_equal(a->params.data, b->params.data,
                        a->params.size * sizeof(float));
    assert_int_equal(caerec_model_train_epoch(a, NULL), 0);
    assert_int_equal(caerec_model_train_epoch(b, NULL), 0);
    assert_memory_not_equal(a->params.W, b->params.W,
                            a->dims.d * a->dims.n * a->dims.c2 * sizeof(float));
    caerec_model_free(a);
    caerec_model_free(b);
    caerec_dataset_free(ds);
}

/* Fold-in gives a new column with the rows of training column j exactly
 * the centre training pulls column j toward. */
static void test_fold_in_centre_is_the_training_centre(void **state)
{
    (void)state;
    caerec_dataset *ds = synth(60, 40, 10, 13);
    caerec_model *m = trained(ds, "item", "regressed", 2);
    const caerec_csr *cols = caerec__user_rows(m);
    const size_t w = m->prior.width;
    float *got = malloc(w * sizeof *got);
    assert_non_null(got);
    for (size_t j = 0; j < m->dims.n; j++) {
        caerec__prior_column_centre(m, cols->col + cols->ptr[j],
                                    cols->ptr[j + 1] - cols->ptr[j], got);
        for (size_t k = 0; k < w; k++)
            assert_true(got[k] ==
                        (float)w_at(m, caerec__prior_centres(m), j, k));
    }
    free(got);
    caerec_model_free(m);
    caerec_dataset_free(ds);
}

/* The default mu is CAEREC_PRIOR_RIDGE_SCALE times the mean diagonal of
 * X^T X, computed here from the dataset's cells: (1/m) sum over columns of
 * 1/|R_j|. A configured mu is kept. */
static void test_default_ridge_from_the_data(void **state)
{
    (void)state;
    caerec_dataset *ds = synth(70, 30, 8, 23);
    const char *orient[] = {"user", "item"};
    for (int o = 0; o < 2; o++) {
        caerec_model *m = trained(ds, orient[o], "regressed", 0);
        size_t n_cols = o ? ds->users.n : ds->items.n;
        size_t n_rows = o ? ds->items.n : ds->users.n;
        size_t *count = calloc(n_cols, sizeof *count);
        assert_non_null(count);
        for (size_t c = 0; c < ds->n_cells; c++)
            count[o ? ds->cell_user[c] : ds->cell_item[c]]++;
        double diag = 0;
        for (size_t j = 0; j < n_cols; j++)
            diag += count[j] ? 1.0 / (double)count[j] : 0.0;
        double want = CAEREC_PRIOR_RIDGE_SCALE * diag / (double)n_rows;
        assert_true(fabs(m->cfg.decoder_l2_ridge - want) <= 1e-12 * want);
        free(count);
        caerec_model_free(m);
    }
    caerec_config *cfg;
    assert_int_equal(caerec_config_create(&cfg), 0);
    assert_int_equal(caerec_config_set(cfg, "decoder-l2-ridge", "0.25"), 0);
    caerec_model *m;
    assert_int_equal(caerec_model_create(&m, cfg, ds), 0);
    assert_true(m->cfg.decoder_l2_ridge == 0.25);
    caerec_model_free(m);
    caerec_config_free(cfg);
    caerec_dataset_free(ds);
}

/* Early stopping restores the prior of the epoch it keeps with that
 * epoch's weights (fold-in and a resumed run use it): the callback copies
 * the state after each improving epoch. */
typedef struct {
    const caerec_model *m;
    float *kept;
    unsigned kept_epoch, epochs;
} kept_prior;

static int copy_improved(const caerec_epoch_report *r, void *user)
{
    kept_prior *k = user;
    k->epochs = r->epoch;
    if (r->improved) {
        memcpy(k->kept, k->m->prior.state,
               caerec__prior_state_floats(k->m) * sizeof(float));
        k->kept_epoch = r->epoch;
    }
    return 0;
}

static void test_early_stopping_keeps_the_prior(void **state)
{
    (void)state;
    caerec_dataset *all = synth(120, 60, 14, 29), *train, *valid;
    assert_int_equal(caerec_dataset_split(&train, &valid, all, 0.2, 4), 0);
    caerec_model *m = trained(train, "item", "regressed", 0);
    m->cfg.epochs = 30;
    m->cfg.patience = 3;
    m->cfg.lr = 0.05; /* overfits fast, so the kept epoch is not the last */
    kept_prior k = {m, malloc(caerec__prior_state_floats(m) * sizeof(float)),
                    0, 0};
    assert_non_null(k.kept);
    caerec_epoch_report best = CAEREC_EPOCH_REPORT_INIT;
    assert_int_equal(caerec_model_fit(m, valid, copy_improved, &k, &best), 0);
    assert_true(k.kept_epoch < k.epochs);
    assert_int_equal(best.epoch, k.kept_epoch);
    assert_memory_equal(k.kept, m->prior.state,
                        caerec__prior_state_floats(m) * sizeof(float));
    free(k.kept);
    caerec_model_free(m);
    caerec_dataset_free(train);
    caerec_dataset_free(valid);
    caerec_dataset_free(all);
}

/* The refit from the same state gives the same bits with 1 and 2
 * threads. */
static void test_refit_thread_independent(void **state)
{
    (void)state;
    caerec_dataset *ds = synth(80, 50, 12, 17);
    caerec_model *m = trained(ds, "user", "regressed", 1);
    const size_t n = caerec__prior_state_floats(m),
                 nc = m->dims.d * m->dims.n * m->dims.c2;
    float *start = malloc(n * sizeof *start), *one = malloc(n * sizeof *one);
    float *centres = malloc(nc * sizeof *centres);
    assert_true(start && one && centres);
    memcpy(start, m->prior.state, n * sizeof *start);
    m->cfg.threads = 1;
    caerec__prior_refit(m);
    memcpy(one, m->prior.state, n * sizeof *one);
    memcpy(centres, m->prior.centre, nc * sizeof *centres);
    memcpy(m->prior.state, start, n * sizeof *start);
    m->cfg.threads = 2;
    caerec__prior_refit(m);
    assert_memory_equal(one, m->prior.state, n * sizeof *one);
    assert_memory_equal(centres, m->prior.centre, nc * sizeof *centres);
    free(start);
    free(one);
    free(centres);
    caerec_model_free(m);
    caerec_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refit_solves_the_ridge_problem),
        cmocka_unit_test(test_first_epoch_is_column_mean),
        cmocka_unit_test(test_fold_in_centre_is_the_training_centre),
        cmocka_unit_test(test_refit_thread_independent),
        cmocka_unit_test(test_default_ridge_from_the_data),
        cmocka_unit_test(test_early_stopping_keeps_the_prior),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
