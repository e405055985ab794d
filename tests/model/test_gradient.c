/* Finite-difference checks of the library's gradients: the float
 * forward/backward of lib/model/batch.c against central differences of the
 * double-precision reference loss in reference.c, for every parameter of
 * every tensor, across activations, channel layouts, loss weights, dropout
 * and both orientations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/batch.h"
#include "reference.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct spec {
    size_t K, T;
    int act_in, act_hidden, act_out;
    double alpha, beta, gamma, l2, dropout;
    int decoder_l2;           /* caerec_decoder_l2 */
    double decoder_l2_weight; /* NaN: the default for M_ROWS rows */
    double encoder_norm, encoder_norm_ref;
} spec;

enum { M_ROWS = 3, N_COLS = 7, D = 5, C1 = 3, C2 = 4 };

typedef struct fixture {
    caerec_model *m;
    caerec_row rows[M_ROWS];
    uint32_t col[M_ROWS][N_COLS];
    int8_t level[M_ROWS][N_COLS];
    uint32_t types[M_ROWS][N_COLS];
} fixture;

/* A model shell with random parameters (biases too, so their gradients
 * are not checked only at zero) and random rows. */
static void build(fixture *f, const spec *sp, uint64_t seed)
{
    caerec_cfg cfg;
    caerec__cfg_defaults(&cfg);
    cfg.act_in = sp->act_in;
    cfg.act_hidden = sp->act_hidden;
    cfg.act_out = sp->act_out;
    cfg.alpha = sp->alpha;
    cfg.beta = sp->beta;
    cfg.gamma = sp->gamma;
    cfg.l2 = sp->l2;
    cfg.dropout = sp->dropout;
    cfg.decoder_l2 = sp->decoder_l2;
    cfg.decoder_l2_weight = sp->decoder_l2_weight;
    cfg.encoder_norm = sp->encoder_norm;
    cfg.encoder_norm_ref = sp->encoder_norm_ref;
    caerec_dims dm = {M_ROWS, N_COLS, sp->K, sp->T, sp->K + sp->T, D, C1, C2};
    assert_int_equal(caerec__model_alloc(&f->m, &cfg, &dm), 0);
    f->m->levels = calloc(sp->K ? sp->K : 1, sizeof(double));
    for (size_t k = 0; k < sp->K; k++)
        f->m->levels[k] = 1.0 + 0.5 * (double)k;
    caerec_rng rng;
    caerec__rng_seed(&rng, seed);
    caerec__params_init(&f->m->params, &dm, &rng);
    caerec_layout L;
    caerec__layout(&L, &dm);
    for (int t = 0; t < CAEREC_N_TENSORS; t++)
        if (!caerec__tensor_decayed(t))
            for (size_t i = 0; i < L.count[t]; i++)
                f->m->params.data[L.offset[t] + i] =
                    (float)(0.4 * (caerec__rng_uniform(&rng) - 0.5));
    for (size_t b = 0; b < M_ROWS; b++) {
        size_t nnz = 0;
        for (uint32_t j = 0; j < N_COLS; j++) {
            if (caerec__rng_uniform(&rng) < 0.45 && !(j == b))
                continue;
            f->col[b][nnz] = j;
            int rated =
                sp->K > 0 && (sp->T == 0 || caerec__rng_uniform(&rng) < 0.7);
            f->level[b][nnz] = rated ? (int8_t)caerec__rng_below(&rng, sp->K)
                                     : CAEREC_NO_LEVEL;
            uint32_t ty =
                sp->T ? (uint32_t)caerec__rng_below(&rng, 1u << sp->T) : 0;
            if (!rated && sp->T && ty == 0)
                ty = 1;
            f->types[b][nnz] = ty;
            nnz++;
        }
        f->rows[b] = (caerec_row){f->col[b], f->level[b], f->types[b], nnz};
    }
}

static void destroy(fixture *f) { caerec_model_free(f->m); }

/* Library gradient (with the L2's lambda (theta - centre) added for decayed
 * tensors, the centre zero but for W with decoder-l2 column-mean) against
 * central differences of the reference; also the loss values. The W_j's
 * mean depends on W, but sum_j (W_j - mean) = 0, so lambda (W_j - mean) is
 * the whole derivative: the finite differences check that too. */
static void check_rows(caerec_model *m, const caerec_row *rows, size_t B,
                       const char *label)
{
    const caerec_dims *dm = &m->dims;
    size_t cells = 0;
    for (size_t b = 0; b < B; b++)
        cells += rows[b].nnz;
    caerec_batch_ws ws;
    assert_int_equal(caerec__batch_ws_alloc(&ws, dm, B, cells + 1), 0);
    float *grad = calloc(m->params.size, sizeof *grad);
    caerec_rng rng, rng_copy;
    caerec__rng_seed(&rng, 99);
    rng_copy = rng;

    /* The dropout mask the library will draw, replayed from the same rng. */
    unsigned char *keep[64] = {0};
    int use_mask = m->cfg.dropout > 0.0;
    for (size_t b = 0; b < B; b++) {
        keep[b] = calloc(rows[b].nnz + 1, 1);
        for (size_t i = 0; i < rows[b].nnz; i++)
            keep[b][i] =
                !(use_mask && caerec__rng_uniform(&rng_copy) < m->cfg.dropout);
    }
    caerec_losses loss;
    caerec__batch_run(m, rows, rows, B, use_mask ? &rng : NULL, &ws, grad,
                      &loss, 1);

    double *theta = malloc(m->params.size * sizeof *theta);
    for (size_t i = 0; i < m->params.size; i++)
        theta[i] = m->params.data[i];
    const unsigned char *const *mask =
        use_mask ? (const unsigned char *const *)keep : NULL;
    double ref = ref_loss(m, theta, rows, rows, B, mask);
    double lib = loss.total + caerec__l2_penalty(m);
    if (fabs(ref - lib) > 1e-4 * (1 + fabs(ref)))
        fail_msg("%s: loss %.9g, reference %.9g", label, lib, ref);

    caerec_layout L;
    caerec__layout(&L, dm);
    const char *names[] = {"E", "bE", "V", "bh", "W", "c", "U", "bU"};
    for (int t = 0; t < CAEREC_N_TENSORS; t++) {
        double worst = 0;
        for (size_t i = 0; i < L.count[t]; i++) {
            size_t at = L.offset[t] + i;
            const double h = 1e-5, x = theta[at];
            theta[at] = x + h;
            double lp = ref_loss(m, theta, rows, rows, B, mask);
            theta[at] = x - h;
            double lm = ref_loss(m, theta, rows, rows, B, mask);
            theta[at] = x;
            double fd = (lp - lm) / (2 * h);
            double centre = 0.0;
            if (t == CAEREC_T_W) {
                size_t row = dm->n * dm->c2;
                centre = ref_decoder_centre(m, theta, i / row, i % dm->c2);
            }
            double g =
                grad[at] +
                (caerec__tensor_decayed(t)
                     ? m->cfg.l2 * (x - centre) *
                           (t == CAEREC_T_W ? m->cfg.decoder_l2_weight : 1.0)
                     : 0.0);
            double err = fabs(g - fd) / (1e-3 + fabs(fd));
            if (err > worst)
                worst = err;
            if (fabs(g - fd) > 2e-4 + 2e-3 * fabs(fd))
                fail_msg("%s: d/d%s[%zu] = %.7g, finite difference %.7g", label,
                         names[t], i, g, fd);
        }
        (void)worst;
    }
    for (size_t b = 0; b < B; b++)
        free(keep[b]);
    free(theta);
    free(grad);
    caerec__batch_ws_free(&ws);
}

static void check(const spec *sp, const char *label)
{
    fixture f;
    build(&f, sp, 7);
    check_rows(f.m, f.rows, M_ROWS, label);
    destroy(&f);
}

static const spec base = {5,
                          0,
                          CAEREC_ACT_TANH,
                          CAEREC_ACT_SIGMOID,
                          CAEREC_ACT_IDENTITY,
                          1.0,
                          1.0,
                          0.0,
                          0.01,
                          0.0,
                          CAEREC_DECODER_L2_COLUMN_MEAN,
                          1.0,
                          0.5, /* the rows differ in length, so in scale */
                          2.5};

static void test_base(void **state)
{
    (void)state;
    check(&base, "base");
}

static void test_every_activation(void **state)
{
    (void)state;
    const char *names[] = {"identity", "relu", "sigmoid",
                           "tanh",     "selu", "elu"};
    for (int a = 0; a < 6; a++) {
        char label[64];
        spec sp = base;
        sp.act_in = a;
        snprintf(label, sizeof label, "phi=%s", names[a]);
        check(&sp, label);
        sp = base;
        sp.act_hidden = a;
        snprintf(label, sizeof label, "g=%s", names[a]);
        check(&sp, label);
        sp = base;
        sp.act_out = a;
        snprintf(label, sizeof label, "psi=%s", names[a]);
        check(&sp, label);
    }
}

static void test_implicit_only(void **state)
{
    (void)state;
    spec sp = base;
    sp.K = 0;
    sp.T = 2;
    check(&sp, "K=0,T=2");
}

static void test_extra_types(void **state)
{
    (void)state;
    spec sp = base;
    sp.K = 3;
    sp.T = 2;
    check(&sp, "K=3,T=2");
}

static void test_loss_weights(void **state)
{
    (void)state;
    spec sp = base;
    sp.alpha = 0.0;
    check(&sp, "alpha=0");
    sp = base;
    sp.beta = 0.0;
    check(&sp, "beta=0");
    sp = base;
    sp.gamma = 0.7;
    check(&sp, "gamma=0.7");
    sp.K = 4;
    sp.T = 1;
    sp.alpha = 0.3;
    sp.beta = 2.0;
    check(&sp, "gamma,T=1,alpha=0.3,beta=2");
}

/* A strong L2 so its pull, toward zero or toward the decoder's column
 * mean, weighs in the gradient as much as the data. */
static void test_l2_pull(void **state)
{
    (void)state;
    spec sp = base;
    sp.l2 = 0.5;
    check(&sp, "l2=0.5,decoder-l2=column-mean");
    /* The decoder's weight as the default resolves it (sqrt(1500 / 3)). */
    sp.decoder_l2_weight = NAN;
    check(&sp, "l2=0.5,decoder-l2=column-mean,decoder-l2-weight default");
    sp.decoder_l2 = CAEREC_DECODER_L2_ZERO;
    sp.decoder_l2_weight = 2.5;
    check(&sp, "l2=0.5,decoder-l2=zero,decoder-l2-weight=2.5");
}

static void test_dropout(void **state)
{
    (void)state;
    spec sp = base;
    sp.dropout = 0.4;
    check(&sp, "dropout=0.4");
}

/* The encoder's per-row scale (ref / cells)^e: the plain sum of the spec,
 * the mean, and a reference that scales every row up. */
static void test_encoder_norm(void **state)
{
    (void)state;
    spec sp = base;
    sp.encoder_norm = 0.0;
    check(&sp, "encoder-norm=0");
    sp.encoder_norm = 1.0;
    check(&sp, "encoder-norm=1");
    sp.encoder_norm = 0.3;
    sp.encoder_norm_ref = 40.0;
    sp.dropout = 0.4;
    check(&sp, "encoder-norm=0.3,encoder-norm-ref=40,dropout=0.4");
}

/* Through the public API: a model created from a dataset in each
 * orientation; rows are then items over users or users over items. */
static void test_orientations(void **state)
{
    (void)state;
    const double levels[] = {1, 2, 3, 4, 5};
    const char *types[] = {"view"};
    for (int o = 0; o < 2; o++) {
        caerec_dataset *ds;
        assert_int_equal(caerec_dataset_create(&ds, levels, 5, types, 1), 0);
        caerec_rng rng;
        caerec__rng_seed(&rng, 3);
        for (int u = 0; u < 6; u++)
            for (int i = 0; i < 5; i++) {
                double r = caerec__rng_uniform(&rng);
                if (r < 0.4)
                    assert_int_equal(
                        caerec_dataset_add_rating(
                            ds, 100 + u, 200 + i,
                            1 + (double)caerec__rng_below(&rng, 5)),
                        0);
                else if (r < 0.6)
                    assert_int_equal(
                        caerec_dataset_add_interaction(ds, 100 + u, 200 + i, 0),
                        0);
            }
        caerec_config *cfg;
        assert_int_equal(caerec_config_create(&cfg), 0);
        assert_int_equal(
            caerec_config_set(cfg, "orientation", o ? "item" : "user"), 0);
        assert_int_equal(caerec_config_set(cfg, "hidden", "4"), 0);
        assert_int_equal(caerec_config_set(cfg, "c1", "3"), 0);
        assert_int_equal(caerec_config_set(cfg, "c2", "6"), 0);
        assert_int_equal(caerec_config_set(cfg, "gamma", "0.5"), 0);
        assert_int_equal(caerec_config_set(cfg, "act-out", "tanh"), 0);
        caerec_model *m;
        assert_int_equal(caerec_model_create(&m, cfg, ds), 0);
        assert_int_equal(m->dims.m, o ? caerec_dataset_n_items(ds)
                                      : caerec_dataset_n_users(ds));
        caerec_row rows[8];
        size_t B = m->dims.m < 8 ? m->dims.m : 8;
        for (size_t b = 0; b < B; b++)
            rows[b] = caerec__csr_row(&m->rows, b);
        check_rows(m, rows, B, o ? "item orientation" : "user orientation");
        caerec_model_free(m);
        caerec_config_free(cfg);
        caerec_dataset_free(ds);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base),
        cmocka_unit_test(test_every_activation),
        cmocka_unit_test(test_implicit_only),
        cmocka_unit_test(test_extra_types),
        cmocka_unit_test(test_loss_weights),
        cmocka_unit_test(test_l2_pull),
        cmocka_unit_test(test_dropout),
        cmocka_unit_test(test_encoder_norm),
        cmocka_unit_test(test_orientations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
