/* Small deterministic models for the persistence tests, the golden-file
 * generator (make_v1_small.c) and its test. Everything is built in code
 * from fixed ids, so the same call always gives the same model. */
#ifndef CAEREC_TESTS_IO_UTIL_H
#define CAEREC_TESTS_IO_UTIL_H

#include "caerec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* What a test model looks like. */
typedef struct small_spec {
    int orientation; /* CAEREC_ORIENT_* */
    size_t n_levels; /* K: 0 (implicit only) or 5 (1..5) */
    size_t n_types;  /* T: 0..2 ("view", "cart") */
    size_t n_users, n_items;
    uint64_t seed;
    double dropout;
    int regressed; /* decoder-l2 regressed (0: the default) */
} small_spec;

#define SMALL_SPEC_INIT                                                        \
    {                                                                          \
        CAEREC_ORIENT_USER, 5, 2, 9, 7, 7, 0.25, 0                             \
    }

static inline void io_check(int rc, const char *what)
{
    if (rc != CAEREC_OK) {
        fprintf(stderr, "%s failed: %s (%s)\n", what, caerec_strerror(rc),
                caerec_last_error());
        abort();
    }
}

/* The dataset: user u (id 1000 + 7u) and item j (id 50 - 3j, so ids are
 * neither dense nor sorted) meet when (u * 3 + j * 5) % 4 != 0; the rating is
 * 1 + (u + 2j) % K when (u + j) % 3 != 0, type 0 when (u * j) % 3 != 1 and
 * type 1 when u + j is odd; a cell left empty gets the last type (or the
 * rating 1 without types), as a dataset has no empty cells. */
static inline caerec_dataset *small_dataset(const small_spec *s)
{
    static const double levels[] = {1, 2, 3, 4, 5};
    static const char *const names[] = {"view", "cart"};
    caerec_dataset *ds;
    io_check(caerec_dataset_create(&ds, levels, s->n_levels, names, s->n_types),
             "caerec_dataset_create");
    for (size_t u = 0; u < s->n_users; u++) {
        for (size_t j = 0; j < s->n_items; j++) {
            if ((u * 3 + j * 5) % 4 == 0)
                continue;
            int64_t user = 1000 + 7 * (int64_t)u, item = 50 - 3 * (int64_t)j;
            int any = 0;
            if (s->n_levels && (u + j) % 3 != 0) {
                double v = (double)(1 + (u + 2 * j) % s->n_levels);
                io_check(caerec_dataset_add_rating(ds, user, item, v),
                         "add_rating");
                any = 1;
            }
            for (uint32_t t = 0; t < s->n_types; t++) {
                if ((t == 0 && (u * j) % 3 != 1) || (t == 1 && (u + j) % 2)) {
                    io_check(caerec_dataset_add_interaction(ds, user, item, t),
                             "add_interaction");
                    any = 1;
                }
            }
            if (!any && s->n_types)
                io_check(caerec_dataset_add_interaction(
                             ds, user, item, (uint32_t)(s->n_types - 1)),
                         "add_interaction");
            else if (!any)
                io_check(caerec_dataset_add_rating(ds, user, item, 1.0),
                         "add_rating");
        }
    }
    return ds;
}

static inline caerec_config *small_config(const small_spec *s)
{
    caerec_config *cfg;
    io_check(caerec_config_create(&cfg), "caerec_config_create");
    io_check(caerec_config_set_int(cfg, CAEREC_OPT_ORIENTATION, s->orientation),
             "orientation");
    io_check(caerec_config_set(cfg, "hidden", "8"), "hidden");
    io_check(caerec_config_set(cfg, "c1", "3"), "c1");
    io_check(caerec_config_set(cfg, "c2", "2"), "c2");
    io_check(caerec_config_set(cfg, "batch", "4"), "batch");
    io_check(caerec_config_set(cfg, "threads", "1"), "threads");
    io_check(caerec_config_set(cfg, "lr", "0.01"), "lr");
    io_check(caerec_config_set_double(cfg, CAEREC_OPT_DROPOUT, s->dropout),
             "dropout");
    io_check(caerec_config_set_int(cfg, CAEREC_OPT_SEED, (int64_t)s->seed),
             "seed");
    if (s->regressed)
        io_check(caerec_config_set(cfg, "decoder-l2", "regressed"),
                 "decoder-l2");
    return cfg;
}

/* A freshly created (untrained) model: its weights are the seeded Glorot
 * initialisation. */
static inline caerec_model *small_model(const small_spec *s)
{
    caerec_dataset *ds = small_dataset(s);
    caerec_config *cfg = small_config(s);
    caerec_model *m;
    io_check(caerec_model_create(&m, cfg, ds), "caerec_model_create");
    caerec_config_free(cfg);
    caerec_dataset_free(ds);
    return m;
}

#endif
