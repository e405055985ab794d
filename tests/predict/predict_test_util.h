/* Small models for the prediction tests, built in code: a dataset with a
 * planted pattern, a configuration with a small hidden layer, and
 * optionally a couple of training epochs. */
#ifndef CAEREC_TESTS_PREDICT_UTIL_H
#define CAEREC_TESTS_PREDICT_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "caerec.h"

typedef struct model_spec {
    int orientation; /* caerec_orientation */
    size_t K;        /* rating levels 1..K (0: implicit only) */
    size_t T;        /* interaction types */
    size_t users, items;
    int epochs; /* training epochs (0: random weights) */
    int threads;
} model_spec;

static const char *const test_type_names[] = {"view", "click", "cart"};

/* User ids 100 + 3u, item ids 5000 + 7i (not dense, not in order of
 * index), so tests catch index/id mix-ups. */
static inline int64_t uid(size_t u) { return 100 + 3 * (int64_t)u; }
static inline int64_t iid(size_t i) { return 5000 + 7 * (int64_t)i; }

/* Deterministic pseudo-random numbers for building data. */
static inline uint32_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*s >> 33);
}

/* Users consume items of their own group (u % 3 == i % 3) more often and
 * rate them higher. Every user has >= 2 cells, every item >= 1. */
static inline caerec_dataset *make_data(const model_spec *sp)
{
    double levels[16];
    for (size_t k = 0; k < sp->K; k++)
        levels[k] = (double)(k + 1);
    caerec_dataset *ds = NULL;
    assert_int_equal(caerec_dataset_create(&ds, sp->K ? levels : NULL, sp->K,
                                           sp->T ? test_type_names : NULL,
                                           sp->T),
                     CAEREC_OK);
    uint64_t seed = 12345;
    for (size_t u = 0; u < sp->users; u++)
        for (size_t i = 0; i < sp->items; i++) {
            int same = u % 3 == i % 3;
            int take = (i == u % sp->items) || (i == (u + 1) % sp->items) ||
                       lcg(&seed) % 100 < (same ? 45u : 10u);
            if (!take)
                continue;
            if (sp->K && lcg(&seed) % 5 != 0) {
                size_t k = same ? sp->K - 1 - lcg(&seed) % 2
                                : lcg(&seed) % (sp->K > 1 ? sp->K - 1 : 1);
                assert_int_equal(
                    caerec_dataset_add_rating(ds, uid(u), iid(i), levels[k]),
                    CAEREC_OK);
            } else if (sp->T) {
                assert_int_equal(caerec_dataset_add_interaction(
                                     ds, uid(u), iid(i), lcg(&seed) % sp->T),
                                 CAEREC_OK);
            } else {
                assert_int_equal(
                    caerec_dataset_add_rating(ds, uid(u), iid(i), levels[0]),
                    CAEREC_OK);
            }
            if (sp->T && lcg(&seed) % 3 == 0)
                assert_int_equal(caerec_dataset_add_interaction(
                                     ds, uid(u), iid(i), lcg(&seed) % sp->T),
                                 CAEREC_OK);
        }
    return ds;
}

static inline caerec_model *make_model_from(const model_spec *sp,
                                            const caerec_dataset *ds)
{
    caerec_config *cfg = NULL;
    assert_int_equal(caerec_config_create(&cfg), CAEREC_OK);
    assert_int_equal(
        caerec_config_set_int(cfg, CAEREC_OPT_ORIENTATION, sp->orientation),
        CAEREC_OK);
    assert_int_equal(caerec_config_set_int(cfg, CAEREC_OPT_HIDDEN, 12), 0);
    assert_int_equal(caerec_config_set_int(cfg, CAEREC_OPT_C1, 4), 0);
    assert_int_equal(caerec_config_set_int(cfg, CAEREC_OPT_C2, 8), 0);
    assert_int_equal(caerec_config_set_int(cfg, CAEREC_OPT_BATCH, 8), 0);
    assert_int_equal(caerec_config_set_int(cfg, CAEREC_OPT_THREADS,
                                           sp->threads ? sp->threads : 1),
                     0);
    assert_int_equal(caerec_config_set_double(cfg, CAEREC_OPT_LR, 0.01), 0);
    caerec_model *m = NULL;
    int rc = caerec_model_create(&m, cfg, ds);
    if (rc)
        fprintf(stderr, "caerec_model_create: %s\n", caerec_last_error());
    assert_int_equal(rc, CAEREC_OK);
    caerec_config_free(cfg);
    for (int e = 0; e < sp->epochs; e++) {
        rc = caerec_model_train_epoch(m, NULL);
        if (rc < 0)
            fprintf(stderr, "train_epoch: %s\n", caerec_last_error());
        assert_true(rc >= 0);
    }
    return m;
}

static inline caerec_model *make_model(const model_spec *sp)
{
    caerec_dataset *ds = make_data(sp);
    caerec_model *m = make_model_from(sp, ds);
    caerec_dataset_free(ds);
    return m;
}

#endif
