/* The configuration and model-query contract of caerec.h, through the
 * public API only: every option readable, settable by number and by name,
 * with its documented range enforced at both ends (open bounds included);
 * clones and model configurations independent of their source; model
 * counts, parameter count, id round trips and memory estimates consistent
 * with each other; version and error-string functions consistent with the
 * header.
 *
 * The ranges below are the ones caerec.h documents for each option. Default
 * values are compared only where the header states them (like-threshold
 * NaN, max-memory 0); for the others the test checks that the default lies
 * in the documented range and survives a set/get round trip. */
#include "caerec.h"

#include "hardening_util.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <setjmp.h>

#include <cmocka.h>

#define N_OPTIONS 29

/* The header's description of each option. */
typedef enum { INT, REAL, ENUM } kind;
typedef struct spec {
    caerec_option opt;
    const char *name;
    kind kind;
    double lo, hi; /* documented range; hi = INFINITY when open-ended */
    int open_lo, open_hi;
    const char *const *names; /* ENUM: value names in enum order */
} spec;

static const char *const orient[] = {"user", "item", NULL};
static const char *const acts[] = {"identity", "relu", "sigmoid", "tanh",
                                   "selu",     "elu",  NULL};
static const char *const metrics[] = {"loss", "rmse", "ndcg", NULL};
static const char *const decoder_l2s[] = {"zero", "column-mean", "regressed",
                                          NULL};
#define U64_MAX_D 18446744073709551615.0 /* rounds to 2^64 */

static const spec specs[N_OPTIONS] = {
    {CAEREC_OPT_ORIENTATION, "orientation", ENUM, 0, 1, 0, 0, orient},
    {CAEREC_OPT_HIDDEN, "hidden", INT, 1, 65536, 0, 0, NULL},
    {CAEREC_OPT_C1, "c1", INT, 1, 1024, 0, 0, NULL},
    {CAEREC_OPT_C2, "c2", INT, 0, 1024, 0, 0, NULL},
    {CAEREC_OPT_ACT_IN, "act-in", ENUM, 0, 5, 0, 0, acts},
    {CAEREC_OPT_ACT_HIDDEN, "act-hidden", ENUM, 0, 5, 0, 0, acts},
    {CAEREC_OPT_ACT_OUT, "act-out", ENUM, 0, 5, 0, 0, acts},
    {CAEREC_OPT_DROPOUT, "dropout", REAL, 0, 1, 0, 1, NULL},
    {CAEREC_OPT_ALPHA, "alpha", REAL, 0, INFINITY, 0, 0, NULL},
    {CAEREC_OPT_BETA, "beta", REAL, 0, INFINITY, 0, 0, NULL},
    {CAEREC_OPT_GAMMA, "gamma", REAL, 0, INFINITY, 0, 0, NULL},
    {CAEREC_OPT_L2, "l2", REAL, 0, INFINITY, 0, 0, NULL},
    {CAEREC_OPT_LR, "lr", REAL, 0, INFINITY, 1, 0, NULL},
    {CAEREC_OPT_LR_DECAY, "lr-decay", REAL, 0, 1, 1, 0, NULL},
    {CAEREC_OPT_BATCH, "batch", INT, 1, INFINITY, 0, 0, NULL},
    {CAEREC_OPT_EPOCHS, "epochs", INT, 0, INFINITY, 0, 0, NULL},
    {CAEREC_OPT_PATIENCE, "patience", INT, 0, INFINITY, 0, 0, NULL},
    {CAEREC_OPT_SEED, "seed", INT, 0, U64_MAX_D, 0, 0, NULL},
    {CAEREC_OPT_THREADS, "threads", INT, 1, 256, 0, 0, NULL},
    {CAEREC_OPT_LIKE_THRESHOLD, "like-threshold", REAL, -INFINITY, INFINITY, 1,
     1, NULL},
    {CAEREC_OPT_EARLY_STOP, "early-stop", ENUM, 0, 2, 0, 0, metrics},
    {CAEREC_OPT_MAX_MEMORY, "max-memory", INT, 0, U64_MAX_D, 0, 0, NULL},
    {CAEREC_OPT_LR_DECAY_STEPS, "lr-decay-steps", INT, 0, 1e9, 0, 0, NULL},
    {CAEREC_OPT_MIN_IMPROVEMENT, "min-improvement", REAL, 0, 1, 0, 1, NULL},
    {CAEREC_OPT_DECODER_L2, "decoder-l2", ENUM, 0, 2, 0, 0, decoder_l2s},
    {CAEREC_OPT_DECODER_L2_WEIGHT, "decoder-l2-weight", REAL, 0, INFINITY, 0, 0,
     NULL},
    {CAEREC_OPT_ENCODER_NORM, "encoder-norm", REAL, 0, 1, 0, 0, NULL},
    {CAEREC_OPT_ENCODER_NORM_REF, "encoder-norm-ref", REAL, 0, 1e12, 1, 0,
     NULL},
    {CAEREC_OPT_DECODER_L2_RIDGE, "decoder-l2-ridge", REAL, 0, 1e6, 1, 0,
     NULL},
};

/* Options whose documented default is NaN: a value chosen from the
 * training data (its rating scale or size) when the model is created. */
static int nan_is_default(const spec *s)
{
    return s->opt == CAEREC_OPT_LIKE_THRESHOLD || s->opt == CAEREC_OPT_GAMMA ||
           s->opt == CAEREC_OPT_DECODER_L2_WEIGHT ||
           s->opt == CAEREC_OPT_ENCODER_NORM_REF ||
           s->opt == CAEREC_OPT_DECODER_L2_RIDGE;
}

static caerec_config *new_config(void)
{
    caerec_config *cfg = NULL;
    assert_int_equal(caerec_config_create(&cfg), CAEREC_OK);
    assert_non_null(cfg);
    return cfg;
}

static double get_d(const caerec_config *cfg, caerec_option opt)
{
    double v = -999.25;
    assert_int_equal(caerec_config_get_double(cfg, opt, &v), CAEREC_OK);
    return v;
}

static int64_t get_i(const caerec_config *cfg, caerec_option opt)
{
    int64_t v = -999;
    assert_int_equal(caerec_config_get_int(cfg, opt, &v), CAEREC_OK);
    return v;
}

/* Same value, NaN equal to NaN. */
static int same(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

static int in_range(const spec *s, double v)
{
    if (isnan(v))
        return 0;
    if (v < s->lo || (s->open_lo && v == s->lo))
        return 0;
    if (v > s->hi || (s->open_hi && v == s->hi))
        return 0;
    return 1;
}

/* Expects a rejected set to fail with `code` and leave the value as it
 * was. */
#define REJECTED(cfg, s, call, code)                                           \
    do {                                                                       \
        double before_ = get_d(cfg, (s)->opt);                                 \
        int rc_ = (call);                                                      \
        if (rc_ != (code))                                                     \
            fail_msg("option %s: %s returned %d (%s), expected %s", (s)->name, \
                     #call, rc_, caerec_strerror(rc_), caerec_strerror(code)); \
        assert_true(caerec_last_error()[0] != '\0');                           \
        assert_true(same(get_d(cfg, (s)->opt), before_));                      \
    } while (0)

/* ---- options ---- */

static void test_option_names(void **state)
{
    (void)state;
    for (int o = 0; o < N_OPTIONS; o++) {
        assert_int_equal(specs[o].opt, o);
        const char *name = caerec_option_name((caerec_option)o);
        assert_non_null(name);
        assert_string_equal(name, specs[o].name);
    }
    assert_null(caerec_option_name((caerec_option)N_OPTIONS));
}

static void test_defaults(void **state)
{
    (void)state;
    caerec_config *cfg = new_config();
    for (int o = 0; o < N_OPTIONS; o++) {
        const spec *s = &specs[o];
        double v = get_d(cfg, s->opt);
        if (nan_is_default(s)) {
            assert_true(isnan(v)); /* documented default */
        } else if (!in_range(s, v)) {
            fail_msg("option %s: default %g outside its documented range",
                     s->name, v);
        }
        if (s->kind == REAL) {
            int64_t i = 77;
            assert_int_equal(caerec_config_get_int(cfg, s->opt, &i),
                             CAEREC_EINVAL);
            assert_int_equal(i, 77);
            /* The default is accepted by its own setter. */
            assert_int_equal(caerec_config_set_double(cfg, s->opt, v),
                             CAEREC_OK);
        } else {
            /* Integer options read the same through both getters. */
            int64_t i = get_i(cfg, s->opt);
            assert_true(v == (double)i);
            assert_int_equal(caerec_config_set_int(cfg, s->opt, i), CAEREC_OK);
            assert_int_equal(get_i(cfg, s->opt), i);
            assert_int_equal(caerec_config_set_double(cfg, s->opt, v),
                             CAEREC_OK);
        }
        assert_true(same(get_d(cfg, s->opt), v));
        if (s->kind == ENUM) {
            int64_t i = get_i(cfg, s->opt);
            assert_true(i >= 0 && s->names[i] != NULL);
        }
    }
    assert_int_equal(get_i(cfg, CAEREC_OPT_MAX_MEMORY), 0); /* documented */
    caerec_config_free(cfg);
}

/* A valid value different from `cur`, and its text. */
static double other_value(const spec *s, double cur, char *text, size_t cap)
{
    double v;
    switch (s->kind) {
    case ENUM:
        v = cur == s->lo ? s->hi : s->lo;
        snprintf(text, cap, "%s", s->names[(int)v]);
        return v;
    case INT:
        v = cur == s->lo + 3 ? s->lo + 4 : s->lo + 3;
        snprintf(text, cap, "%.0f", v);
        return v;
    case REAL:
    default:
        v = cur == 0.625 ? 0.375 : 0.625; /* exact in binary and decimal */
        snprintf(text, cap, "%.17g", v);
        return v;
    }
}

static void test_set_by_name(void **state)
{
    (void)state;
    caerec_config *cfg = new_config();
    for (int o = 0; o < N_OPTIONS; o++) {
        const spec *s = &specs[o];
        const char *name = caerec_option_name(s->opt);
        char text[64];
        double v = other_value(s, get_d(cfg, s->opt), text, sizeof text);
        if (caerec_config_set(cfg, name, text) != CAEREC_OK)
            fail_msg("caerec_config_set(%s, %s): %s", name, text,
                     caerec_last_error());
        assert_true(get_d(cfg, s->opt) == v);
        /* Every other option kept its value. */
        caerec_config *ref = new_config();
        for (int p = 0; p <= o; p++) {
            char t2[64];
            double w =
                other_value(&specs[p], get_d(ref, specs[p].opt), t2, sizeof t2);
            (void)w;
            assert_int_equal(caerec_config_set(ref, specs[p].name, t2), 0);
        }
        for (int p = 0; p < N_OPTIONS; p++)
            assert_true(
                same(get_d(cfg, specs[p].opt), get_d(ref, specs[p].opt)));
        caerec_config_free(ref);
        if (s->kind == ENUM)
            for (int e = 0; s->names[e]; e++) {
                assert_int_equal(caerec_config_set(cfg, name, s->names[e]),
                                 CAEREC_OK);
                assert_int_equal(get_i(cfg, s->opt), e);
            }
        assert_int_equal(caerec_config_set_double(cfg, s->opt, v), 0);
    }
    /* Reals by name: exponent notation, and NaN for like-threshold. */
    assert_int_equal(caerec_config_set(cfg, "lr", "2.5e-4"), CAEREC_OK);
    assert_true(get_d(cfg, CAEREC_OPT_LR) == 2.5e-4);
    assert_int_equal(caerec_config_set(cfg, "like-threshold", "3.5"), 0);
    assert_true(get_d(cfg, CAEREC_OPT_LIKE_THRESHOLD) == 3.5);
    assert_int_equal(caerec_config_set(cfg, "like-threshold", "nan"), 0);
    assert_true(isnan(get_d(cfg, CAEREC_OPT_LIKE_THRESHOLD)));
    assert_int_equal(caerec_config_set(cfg, "gamma", "2"), 0);
    assert_int_equal(caerec_config_set(cfg, "gamma", "nan"), 0);
    assert_true(isnan(get_d(cfg, CAEREC_OPT_GAMMA)));
    /* The whole uint64 range of seed and max-memory by name. */
    assert_int_equal(caerec_config_set(cfg, "seed", "18446744073709551615"), 0);
    assert_true(get_i(cfg, CAEREC_OPT_SEED) == -1); /* the same 64 bits */
    assert_int_equal(
        caerec_config_set(cfg, "max-memory", "18446744073709551615"), 0);
    assert_true(get_d(cfg, CAEREC_OPT_MAX_MEMORY) == U64_MAX_D);
    caerec_config_free(cfg);
}

/* Both ends of every range: the bound itself (accepted when closed,
 * rejected when open) and just beyond it (rejected). */
static void test_range_boundaries(void **state)
{
    (void)state;
    caerec_config *cfg = new_config();
    for (int o = 0; o < N_OPTIONS; o++) {
        const spec *s = &specs[o];
        if (s->opt == CAEREC_OPT_LIKE_THRESHOLD) {
            REJECTED(cfg, s, caerec_config_set_double(cfg, s->opt, INFINITY),
                     CAEREC_ERANGE);
            REJECTED(cfg, s, caerec_config_set_double(cfg, s->opt, -INFINITY),
                     CAEREC_ERANGE);
            assert_int_equal(caerec_config_set_double(cfg, s->opt, -2.5), 0);
            assert_true(get_d(cfg, s->opt) == -2.5);
            continue;
        }
        if (s->kind == REAL) {
            double below = s->open_lo ? s->lo : nextafter(s->lo, -INFINITY);
            REJECTED(cfg, s, caerec_config_set_double(cfg, s->opt, below),
                     CAEREC_ERANGE);
            if (nan_is_default(s)) {
                assert_int_equal(caerec_config_set_double(cfg, s->opt, NAN),
                                 CAEREC_OK);
                assert_true(isnan(get_d(cfg, s->opt)));
            } else {
                REJECTED(cfg, s, caerec_config_set_double(cfg, s->opt, NAN),
                         CAEREC_ERANGE);
            }
            /* The smallest accepted value. */
            double low = s->open_lo ? nextafter(s->lo, INFINITY) : s->lo;
            assert_int_equal(caerec_config_set_double(cfg, s->opt, low), 0);
            assert_true(get_d(cfg, s->opt) == low);
            if (isinf(s->hi)) {
                REJECTED(cfg, s, caerec_config_set_double(cfg, s->opt, s->hi),
                         CAEREC_ERANGE);
                assert_int_equal(caerec_config_set_double(cfg, s->opt, 1000.0),
                                 CAEREC_OK);
            } else {
                double above = s->open_hi ? s->hi : nextafter(s->hi, INFINITY);
                REJECTED(cfg, s, caerec_config_set_double(cfg, s->opt, above),
                         CAEREC_ERANGE);
                double high = s->open_hi ? nextafter(s->hi, -INFINITY) : s->hi;
                assert_int_equal(caerec_config_set_double(cfg, s->opt, high),
                                 CAEREC_OK);
                assert_true(get_d(cfg, s->opt) == high);
            }
            /* A real option is not an integer option. */
            REJECTED(cfg, s, caerec_config_set_int(cfg, s->opt, 1),
                     CAEREC_EINVAL);
            continue;
        }
        /* Integer and enum options. */
        int64_t lo = (int64_t)s->lo;
        assert_int_equal(caerec_config_set_int(cfg, s->opt, lo), CAEREC_OK);
        assert_int_equal(get_i(cfg, s->opt), lo);
        if (s->opt != CAEREC_OPT_SEED) /* seed takes any 64 bits */
            REJECTED(cfg, s, caerec_config_set_int(cfg, s->opt, lo - 1),
                     CAEREC_ERANGE);
        REJECTED(cfg, s, caerec_config_set_double(cfg, s->opt, s->lo - 1),
                 CAEREC_ERANGE);
        REJECTED(cfg, s, caerec_config_set_double(cfg, s->opt, s->lo + 0.5),
                 CAEREC_ERANGE);
        REJECTED(cfg, s, caerec_config_set_double(cfg, s->opt, NAN),
                 CAEREC_ERANGE);
        /* Integral reals are accepted for integer options. */
        assert_int_equal(caerec_config_set_double(cfg, s->opt, s->lo + 1),
                         CAEREC_OK);
        assert_int_equal(get_i(cfg, s->opt), lo + 1);
        if (s->hi <= 1e6) {
            int64_t hi = (int64_t)s->hi;
            assert_int_equal(caerec_config_set_int(cfg, s->opt, hi), 0);
            assert_int_equal(get_i(cfg, s->opt), hi);
            REJECTED(cfg, s, caerec_config_set_int(cfg, s->opt, hi + 1),
                     CAEREC_ERANGE);
            REJECTED(cfg, s, caerec_config_set_double(cfg, s->opt, s->hi + 1),
                     CAEREC_ERANGE);
            char text[32];
            snprintf(text, sizeof text, "%lld", (long long)hi + 1);
            if (s->kind == INT)
                REJECTED(cfg, s, caerec_config_set(cfg, s->name, text),
                         CAEREC_ERANGE);
        } else {
            REJECTED(cfg, s, caerec_config_set_double(cfg, s->opt, INFINITY),
                     CAEREC_ERANGE);
        }
        if (s->kind == ENUM)
            REJECTED(cfg, s, caerec_config_set(cfg, s->name, "no-such-value"),
                     CAEREC_EINVAL);
        else
            REJECTED(cfg, s, caerec_config_set(cfg, s->name, "12.5"),
                     CAEREC_EINVAL);
    }
    caerec_config_free(cfg);
}

/* The bounds the brief singles out, spelled out. */
static void test_named_boundaries(void **state)
{
    (void)state;
    caerec_config *cfg = new_config();
    const spec *dropout = &specs[CAEREC_OPT_DROPOUT];
    REJECTED(cfg, dropout, caerec_config_set_double(cfg, CAEREC_OPT_DROPOUT, 1),
             CAEREC_ERANGE);
    assert_int_equal(caerec_config_set_double(cfg, CAEREC_OPT_DROPOUT, 0), 0);
    const spec *lr = &specs[CAEREC_OPT_LR];
    REJECTED(cfg, lr, caerec_config_set_double(cfg, CAEREC_OPT_LR, 0),
             CAEREC_ERANGE);
    REJECTED(cfg, lr, caerec_config_set(cfg, "lr", "0"), CAEREC_ERANGE);
    const spec *decay = &specs[CAEREC_OPT_LR_DECAY];
    REJECTED(cfg, decay, caerec_config_set_double(cfg, CAEREC_OPT_LR_DECAY, 0),
             CAEREC_ERANGE);
    assert_int_equal(caerec_config_set_double(cfg, CAEREC_OPT_LR_DECAY, 1), 0);
    const spec *threads = &specs[CAEREC_OPT_THREADS];
    REJECTED(cfg, threads, caerec_config_set_int(cfg, CAEREC_OPT_THREADS, 0),
             CAEREC_ERANGE);
    REJECTED(cfg, threads, caerec_config_set_int(cfg, CAEREC_OPT_THREADS, 257),
             CAEREC_ERANGE);
    assert_int_equal(caerec_config_set_int(cfg, CAEREC_OPT_THREADS, 256), 0);
    const spec *c1 = &specs[CAEREC_OPT_C1];
    REJECTED(cfg, c1, caerec_config_set_int(cfg, CAEREC_OPT_C1, 1025),
             CAEREC_ERANGE);
    assert_int_equal(caerec_config_set_int(cfg, CAEREC_OPT_C1, 1024), 0);
    const spec *hidden = &specs[CAEREC_OPT_HIDDEN];
    assert_int_equal(caerec_config_set_double(cfg, CAEREC_OPT_HIDDEN, 12.0), 0);
    assert_int_equal(get_i(cfg, CAEREC_OPT_HIDDEN), 12);
    REJECTED(cfg, hidden,
             caerec_config_set_double(cfg, CAEREC_OPT_HIDDEN, 12.5),
             CAEREC_ERANGE);
    assert_int_equal(get_i(cfg, CAEREC_OPT_HIDDEN), 12);
    caerec_config_free(cfg);
}

static void test_clone_independent(void **state)
{
    (void)state;
    caerec_config *a = new_config();
    assert_int_equal(caerec_config_set(a, "hidden", "77"), 0);
    assert_int_equal(caerec_config_set(a, "act-out", "tanh"), 0);
    assert_int_equal(caerec_config_set(a, "seed", "18446744073709551615"), 0);
    caerec_config *b = NULL;
    assert_int_equal(caerec_config_clone(&b, a), CAEREC_OK);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    for (int o = 0; o < N_OPTIONS; o++)
        assert_true(
            same(get_d(a, (caerec_option)o), get_d(b, (caerec_option)o)));
    assert_int_equal(get_i(b, CAEREC_OPT_SEED), -1);
    assert_int_equal(caerec_config_set(b, "hidden", "5"), 0);
    assert_int_equal(caerec_config_set_double(a, CAEREC_OPT_DROPOUT, 0.125), 0);
    assert_int_equal(get_i(a, CAEREC_OPT_HIDDEN), 77);
    assert_int_equal(get_i(b, CAEREC_OPT_HIDDEN), 5);
    assert_true(get_d(b, CAEREC_OPT_DROPOUT) != 0.125);
    caerec_config_free(a); /* b outlives its source */
    assert_int_equal(get_i(b, CAEREC_OPT_ACT_OUT), CAEREC_ACT_TANH);
    caerec_config_free(b);
}

/* ---- models ---- */

static caerec_model *make_model(caerec_config *cfg, caerec_dataset *ds)
{
    caerec_model *m = NULL;
    int rc = caerec_model_create(&m, cfg, ds);
    if (rc)
        fail_msg("caerec_model_create: %s", caerec_last_error());
    return m;
}

static void test_model_config_copy(void **state)
{
    (void)state;
    caerec_dataset *ds = hard_dataset(5);
    caerec_config *cfg = hard_config(CAEREC_ORIENT_ITEM);
    assert_int_equal(caerec_config_set(cfg, "like-threshold", "3"), 0);
    assert_int_equal(caerec_config_set(cfg, "early-stop", "ndcg"), 0);
    caerec_model *m = make_model(cfg, ds);
    caerec_config *got = NULL, *again = NULL;
    assert_int_equal(caerec_model_config(&got, m), CAEREC_OK);
    assert_non_null(got);
    assert_ptr_not_equal(got, cfg);
    /* The model's options are the caller's, except that a NaN gamma is
     * resolved for the training scale: 12 / (5 - 1)^2 = 0.75 on 1..5, and
     * a NaN decoder-l2-weight for the row count (items here):
     * sqrt(1500 / rows) below 1500 rows, a NaN encoder-norm-ref to the
     * mean row length, and a NaN decoder-l2-ridge from the rows' columns
     * (its value: tests/model/test_prior.c). */
    for (int o = 0; o < N_OPTIONS; o++)
        if (o != CAEREC_OPT_GAMMA && o != CAEREC_OPT_DECODER_L2_WEIGHT &&
            o != CAEREC_OPT_ENCODER_NORM_REF &&
            o != CAEREC_OPT_DECODER_L2_RIDGE)
            assert_true(same(get_d(got, (caerec_option)o),
                             get_d(cfg, (caerec_option)o)));
    assert_true(isnan(get_d(cfg, CAEREC_OPT_GAMMA)));
    assert_true(get_d(got, CAEREC_OPT_GAMMA) == 0.75);
    assert_true(isnan(get_d(cfg, CAEREC_OPT_DECODER_L2_WEIGHT)));
    double rows = (double)caerec_model_n_items(m);
    assert_true(rows > 0 && rows < 1500);
    assert_true(get_d(got, CAEREC_OPT_DECODER_L2_WEIGHT) ==
                sqrt(1500.0 / rows));
    assert_true(isnan(get_d(cfg, CAEREC_OPT_DECODER_L2_RIDGE)));
    assert_true(isfinite(get_d(got, CAEREC_OPT_DECODER_L2_RIDGE)) &&
                get_d(got, CAEREC_OPT_DECODER_L2_RIDGE) > 0);
    assert_true(isnan(get_d(cfg, CAEREC_OPT_ENCODER_NORM_REF)));
    assert_true(get_d(got, CAEREC_OPT_ENCODER_NORM_REF) ==
                (double)caerec_dataset_n_cells(ds) / rows);
    /* Neither the caller's config nor the copy reaches into the model. */
    assert_int_equal(caerec_config_set(cfg, "hidden", "9"), 0);
    assert_int_equal(caerec_config_set(got, "c1", "11"), 0);
    assert_int_equal(caerec_model_config(&again, m), CAEREC_OK);
    assert_ptr_not_equal(again, got);
    assert_int_equal(get_i(again, CAEREC_OPT_HIDDEN), 6);
    assert_int_equal(get_i(again, CAEREC_OPT_C1), 3);
    assert_int_equal(get_i(again, CAEREC_OPT_ORIENTATION), CAEREC_ORIENT_ITEM);
    caerec_config_free(got);
    caerec_config_free(again);
    caerec_config_free(cfg);
    caerec_model_free(m);
    caerec_dataset_free(ds);
}

/* n_params: C*C1 + C1 + n*C1*d + d + d*n*C2 + n*C2 + C2*(K+1) + K+1, n the
 * column count in the model's orientation. */
static size_t expected_params(size_t K, size_t T, size_t n, size_t d, size_t c1,
                              size_t c2)
{
    size_t C = K + T;
    return C * c1 + c1 + n * c1 * d + d + d * n * c2 + n * c2 + c2 * (K + 1) +
           K + 1;
}

/* c2 0 (the default) becomes K + 1 clamped to 8..32 when the model is
 * created: the model's config reports the number and its parameter count
 * is that of a model built with it. An explicit c2 is kept on any scale. */
static void test_default_c2_follows_scale(void **state)
{
    (void)state;
    static const struct {
        size_t K;
        int64_t set, want;
    } cases[] = {{0, 0, 8},   {5, 0, 8},  {10, 0, 11},
                 {40, 0, 32}, {10, 3, 3}, {40, 50, 50}};
    static const char *const names[] = {"view"};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t K = cases[c].K;
        double levels[40];
        for (size_t k = 0; k < K; k++)
            levels[k] = 0.5 * (double)(k + 1);
        caerec_dataset *ds;
        assert_int_equal(caerec_dataset_create(&ds, levels, K, names, 1), 0);
        for (int64_t u = 1; u <= 6; u++)
            for (int64_t i = 1; i <= 5; i++) {
                if (K)
                    assert_int_equal(caerec_dataset_add_rating(
                                         ds, u, i, levels[(u * i) % K]),
                                     0);
                else
                    assert_int_equal(
                        caerec_dataset_add_interaction(ds, u, i, 0), 0);
            }
        caerec_config *cfg = hard_config(CAEREC_ORIENT_ITEM);
        assert_int_equal(
            caerec_config_set_int(cfg, CAEREC_OPT_C2, cases[c].set), 0);
        caerec_model *m = make_model(cfg, ds);
        caerec_config *got = NULL;
        assert_int_equal(caerec_model_config(&got, m), CAEREC_OK);
        assert_int_equal(get_i(got, CAEREC_OPT_C2), cases[c].want);
        assert_int_equal(get_i(cfg, CAEREC_OPT_C2), cases[c].set);
        assert_int_equal(caerec_model_n_params(m),
                         expected_params(K, 1, 6, 6, 3, (size_t)cases[c].want));
        caerec_config_free(got);
        caerec_config_free(cfg);
        caerec_model_free(m);
        caerec_dataset_free(ds);
    }
}

static void check_model(caerec_dataset *ds, caerec_orientation orient, size_t d,
                        size_t c1, size_t c2)
{
    caerec_config *cfg = hard_config(orient);
    assert_int_equal(caerec_config_set_int(cfg, CAEREC_OPT_HIDDEN, (int64_t)d),
                     0);
    assert_int_equal(caerec_config_set_int(cfg, CAEREC_OPT_C1, (int64_t)c1), 0);
    assert_int_equal(caerec_config_set_int(cfg, CAEREC_OPT_C2, (int64_t)c2), 0);
    size_t training = 0, serving = 0;
    assert_int_equal(caerec_estimate_memory(cfg, ds, &training, &serving), 0);
    caerec_model *m = make_model(cfg, ds);
    size_t nu = caerec_dataset_n_users(ds), ni = caerec_dataset_n_items(ds);
    size_t K = caerec_dataset_n_levels(ds), T = caerec_dataset_n_types(ds);
    assert_int_equal(caerec_model_n_users(m), nu);
    assert_int_equal(caerec_model_n_items(m), ni);
    assert_int_equal(caerec_model_n_levels(m), K);
    assert_int_equal(caerec_model_n_types(m), T);
    size_t n = orient == CAEREC_ORIENT_USER ? ni : nu;
    size_t params = caerec_model_n_params(m);
    assert_int_equal(params, expected_params(K, T, n, d, c1, c2));
    /* The model's own parameter bytes fit in the serving estimate, which
     * is below the training peak. */
    assert_true(params * sizeof(float) <= serving);
    assert_true(serving < training);
    /* Scale and types are the dataset's. */
    double lv[CAEREC_MAX_LEVELS], dlv[CAEREC_MAX_LEVELS];
    assert_int_equal(caerec_model_levels(m, lv, CAEREC_MAX_LEVELS), K);
    assert_int_equal(caerec_dataset_levels(ds, dlv, CAEREC_MAX_LEVELS), K);
    for (size_t k = 0; k < K; k++)
        assert_true(lv[k] == dlv[k]);
    for (uint32_t t = 0; t < T; t++)
        assert_string_equal(caerec_model_type_name(m, t),
                            caerec_dataset_type_name(ds, t));
    assert_null(caerec_model_type_name(m, (uint32_t)T));
    /* Id round trips: every index maps to a dataset id and back. */
    for (size_t i = 0; i < ni; i++) {
        int64_t id = 0;
        size_t back = SIZE_MAX, dsi = SIZE_MAX;
        assert_int_equal(caerec_model_item_id(m, i, &id), CAEREC_OK);
        assert_int_equal(caerec_model_item_index(m, id, &back), CAEREC_OK);
        assert_int_equal(back, i);
        assert_int_equal(caerec_dataset_item_index(ds, id, &dsi), CAEREC_OK);
    }
    for (size_t u = 0; u < nu; u++) {
        int64_t id = 0;
        size_t dsi = SIZE_MAX;
        assert_int_equal(caerec_model_user_id(m, u, &id), CAEREC_OK);
        assert_int_equal(caerec_dataset_user_index(ds, id, &dsi), CAEREC_OK);
        for (size_t v = 0; v < u; v++) { /* distinct */
            int64_t other;
            assert_int_equal(caerec_model_user_id(m, v, &other), 0);
            assert_true(other != id);
        }
    }
    caerec_model_free(m);
    caerec_config_free(cfg);
}

static void test_model_queries(void **state)
{
    (void)state;
    caerec_dataset *ds = hard_dataset(5), *implicit = hard_dataset(0);
    check_model(ds, CAEREC_ORIENT_USER, 6, 3, 4);
    check_model(ds, CAEREC_ORIENT_ITEM, 6, 3, 4);
    check_model(ds, CAEREC_ORIENT_USER, 17, 1, 5);
    check_model(implicit, CAEREC_ORIENT_USER, 5, 2, 2);
    check_model(implicit, CAEREC_ORIENT_ITEM, 9, 4, 1);
    caerec_dataset_free(ds);
    caerec_dataset_free(implicit);
}

static void test_estimate_memory(void **state)
{
    (void)state;
    caerec_dataset *ds = hard_dataset(5);
    for (int orient = 0; orient < 2; orient++) {
        caerec_config *cfg = hard_config((caerec_orientation)orient);
        size_t prev_t = 0, prev_s = 0;
        for (int64_t d = 1; d <= 65536; d *= 4) {
            assert_int_equal(caerec_config_set_int(cfg, CAEREC_OPT_HIDDEN, d),
                             0);
            size_t t = 0, s = 0, t_only = 0, s_only = 0;
            assert_int_equal(caerec_estimate_memory(cfg, ds, &t, &s), 0);
            assert_true(s < t);
            assert_true(t > prev_t); /* strictly growing with hidden */
            assert_true(s > prev_s);
            /* Either output may be NULL; the other is the same. */
            assert_int_equal(caerec_estimate_memory(cfg, ds, &t_only, NULL), 0);
            assert_int_equal(caerec_estimate_memory(cfg, ds, NULL, &s_only), 0);
            assert_int_equal(caerec_estimate_memory(cfg, ds, NULL, NULL), 0);
            assert_int_equal(t_only, t);
            assert_int_equal(s_only, s);
            prev_t = t;
            prev_s = s;
        }
        caerec_config_free(cfg);
    }
    caerec_dataset_free(ds);
}

/* ---- version and errors ---- */

static void test_version(void **state)
{
    (void)state;
    assert_int_equal(caerec_version_number(), CAEREC_VERSION_NUMBER);
    assert_int_equal(CAEREC_VERSION_NUMBER, CAEREC_VERSION_MAJOR * 10000 +
                                                CAEREC_VERSION_MINOR * 100 +
                                                CAEREC_VERSION_PATCH);
    char text[32];
    snprintf(text, sizeof text, "%d.%d.%d", CAEREC_VERSION_MAJOR,
             CAEREC_VERSION_MINOR, CAEREC_VERSION_PATCH);
    assert_string_equal(CAEREC_VERSION_STRING, text);
    assert_string_equal(caerec_version_string(), text);
    assert_ptr_equal(caerec_version_string(), caerec_version_string());
}

static void test_strerror(void **state)
{
    (void)state;
    const char *seen[15];
    for (int code = 0; code >= CAEREC_EUNSUPPORTED; code--) {
        const char *s = caerec_strerror(code);
        assert_non_null(s);
        assert_true(s[0] != '\0');
        if (strcmp(s, "unknown error") == 0)
            fail_msg("status %d has no description", code);
        for (int prev = 0; prev > code; prev--)
            if (strcmp(seen[-prev], s) == 0)
                fail_msg("statuses %d and %d share the description '%s'", prev,
                         code, s);
        seen[-code] = s;
    }
    assert_string_equal(caerec_strerror(CAEREC_EUNSUPPORTED - 1),
                        "unknown error");
    assert_string_equal(caerec_strerror(1), "unknown error");
    assert_string_equal(caerec_strerror(INT32_MIN), "unknown error");
    assert_string_equal(caerec_strerror(INT32_MAX), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_option_names),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_set_by_name),
        cmocka_unit_test(test_range_boundaries),
        cmocka_unit_test(test_named_boundaries),
        cmocka_unit_test(test_clone_independent),
        cmocka_unit_test(test_model_config_copy),
        cmocka_unit_test(test_model_queries),
        cmocka_unit_test(test_default_c2_follows_scale),
        cmocka_unit_test(test_estimate_memory),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
