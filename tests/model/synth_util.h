/* Planted synthetic data for the model tests (cmocka; include after
 * cmocka.h): 4 groups of users and items, the generator's defaults
 * otherwise. */
#ifndef CAEREC_TESTS_MODEL_SYNTH_UTIL_H
#define CAEREC_TESTS_MODEL_SYNTH_UTIL_H

#include "data/synthetic.h"

static inline caerec_dataset *synth(size_t users, size_t items, double per_user,
                                    uint64_t seed)
{
    caerec_synthetic_options so = CAEREC_SYNTHETIC_OPTIONS_INIT;
    so.n_users = users;
    so.n_items = items;
    so.n_groups = 4;
    so.mean_per_user = per_user;
    so.seed = seed;
    caerec_dataset *ds;
    assert_int_equal(caerec_dataset_synthetic(&ds, &so), 0);
    return ds;
}

#endif
