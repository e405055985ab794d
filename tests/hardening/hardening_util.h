/* Shared by the hardening tests: a small deterministic dataset and model
 * built in code, and a helper that aborts with the library's message when a
 * setup call fails (setup is not what these tests check). */
#ifndef CAEREC_TESTS_HARDENING_UTIL_H
#define CAEREC_TESTS_HARDENING_UTIL_H

#include "caerec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static inline void hard_check(int rc, const char *what)
{
    if (rc != CAEREC_OK) {
        fprintf(stderr, "setup: %s failed: %s (%s)\n", what,
                caerec_strerror(rc), caerec_last_error());
        abort();
    }
}

#define HARD_USERS 12
#define HARD_ITEMS 10

/* User u has id 100 + u, item j id 1000 + 7j. A cell exists when
 * (3u + j) % 4 != 0; it is rated 1 + (u + j) % 5 when (u + j) % 3 != 0 and
 * carries type 0 ("view") when (u + j) % 2 == 0 or it is unrated, type 1
 * ("click") when (u * j) % 3 == 0. With K = 0 every cell carries type 0. */
static inline int64_t hard_user(size_t u) { return 100 + (int64_t)u; }
static inline int64_t hard_item(size_t j) { return 1000 + 7 * (int64_t)j; }

static inline caerec_dataset *hard_dataset(size_t n_levels)
{
    static const double levels[] = {1, 2, 3, 4, 5};
    static const char *const names[] = {"view", "click"};
    caerec_dataset *ds;
    hard_check(
        caerec_dataset_create(&ds, levels, n_levels, names, n_levels ? 2 : 1),
        "caerec_dataset_create");
    for (size_t u = 0; u < HARD_USERS; u++) {
        for (size_t j = 0; j < HARD_ITEMS; j++) {
            if ((3 * u + j) % 4 == 0)
                continue;
            int64_t user = hard_user(u), item = hard_item(j);
            int rated = n_levels && (u + j) % 3 != 0;
            if (rated)
                hard_check(caerec_dataset_add_rating(ds, user, item,
                                                     (double)(1 + (u + j) % 5)),
                           "caerec_dataset_add_rating");
            if (!rated || (u + j) % 2 == 0)
                hard_check(caerec_dataset_add_interaction(ds, user, item, 0),
                           "caerec_dataset_add_interaction");
            if (n_levels && (u * j) % 3 == 0)
                hard_check(caerec_dataset_add_interaction(ds, user, item, 1),
                           "caerec_dataset_add_interaction");
        }
    }
    return ds;
}

/* A small configuration: hidden 6, c1 3, c2 4, batch 4, one thread. */
static inline caerec_config *hard_config(caerec_orientation orientation)
{
    caerec_config *cfg;
    hard_check(caerec_config_create(&cfg), "caerec_config_create");
    hard_check(caerec_config_set_int(cfg, CAEREC_OPT_ORIENTATION, orientation),
               "orientation");
    hard_check(caerec_config_set_int(cfg, CAEREC_OPT_HIDDEN, 6), "hidden");
    hard_check(caerec_config_set_int(cfg, CAEREC_OPT_C1, 3), "c1");
    hard_check(caerec_config_set_int(cfg, CAEREC_OPT_C2, 4), "c2");
    hard_check(caerec_config_set_int(cfg, CAEREC_OPT_BATCH, 4), "batch");
    hard_check(caerec_config_set_int(cfg, CAEREC_OPT_EPOCHS, 1), "epochs");
    hard_check(caerec_config_set_int(cfg, CAEREC_OPT_THREADS, 1), "threads");
    return cfg;
}

#endif
