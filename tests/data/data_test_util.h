/* Helpers shared by the dataset tests: temporary files and a deep
 * comparison of two datasets (for the all-or-nothing checks). */
#ifndef CAEREC_TESTS_DATA_UTIL_H
#define CAEREC_TESTS_DATA_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "caerec.h"
#include "data/dataset.h"

/* A temporary directory, made once per test program. */
static char tmp_dir[256];

static inline void tmp_setup(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmp_dir, sizeof tmp_dir, "%s/caerec-data-XXXXXX",
             base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(tmp_dir));
}

/* Writes len bytes to tmp_dir/name; returns the path (static buffer per
 * call site is not needed: the caller copies or uses it immediately). */
static inline const char *tmp_write(const char *name, const void *data,
                                    size_t len)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static inline const char *tmp_write_str(const char *name, const char *text)
{
    return tmp_write(name, text, strlen(text));
}

/* Removes tmp_dir and the files the tests wrote into it. */
static inline void tmp_teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp_dir);
}

/* Asserts that a and b hold the same scale, ids (same indices) and cells. */
static inline void assert_same_dataset(const caerec_dataset *a,
                                       const caerec_dataset *b)
{
    assert_int_equal(caerec_dataset_n_users(a), caerec_dataset_n_users(b));
    assert_int_equal(caerec_dataset_n_items(a), caerec_dataset_n_items(b));
    assert_int_equal(caerec_dataset_n_cells(a), caerec_dataset_n_cells(b));
    assert_int_equal(caerec_dataset_n_ratings(a), caerec_dataset_n_ratings(b));
    assert_int_equal(caerec_dataset_n_levels(a), caerec_dataset_n_levels(b));
    assert_int_equal(caerec_dataset_n_types(a), caerec_dataset_n_types(b));
    for (uint32_t t = 0; t < caerec_dataset_n_types(a); t++) {
        assert_int_equal(caerec_dataset_n_typed(a, t),
                         caerec_dataset_n_typed(b, t));
        assert_string_equal(caerec_dataset_type_name(a, t),
                            caerec_dataset_type_name(b, t));
    }
    for (size_t i = 0; i < caerec_dataset_n_users(a); i++) {
        int64_t ia, ib;
        size_t back;
        assert_int_equal(caerec_dataset_user_id(a, i, &ia), 0);
        assert_int_equal(caerec_dataset_user_id(b, i, &ib), 0);
        assert_true(ia == ib);
        assert_int_equal(caerec_dataset_user_index(b, ia, &back), 0);
        assert_int_equal(back, i);
    }
    for (size_t i = 0; i < caerec_dataset_n_items(a); i++) {
        int64_t ia, ib;
        size_t back;
        assert_int_equal(caerec_dataset_item_id(a, i, &ia), 0);
        assert_int_equal(caerec_dataset_item_id(b, i, &ib), 0);
        assert_true(ia == ib);
        assert_int_equal(caerec_dataset_item_index(b, ia, &back), 0);
        assert_int_equal(back, i);
    }
    size_t n = a->n_cells;
    if (n) {
        assert_memory_equal(a->cell_user, b->cell_user, n * 4);
        assert_memory_equal(a->cell_item, b->cell_item, n * 4);
        assert_memory_equal(a->cell_level, b->cell_level, n);
        assert_memory_equal(a->cell_types, b->cell_types, n * 4);
    }
}

/* The cell of (user id, item id): its level index (CAEREC_NO_LEVEL if
 * unrated) and type mask; returns 0 when the cell does not exist. */
static inline int find_cell(const caerec_dataset *ds, int64_t user,
                            int64_t item, int *level, uint32_t *types)
{
    size_t u, i;
    if (caerec_dataset_user_index(ds, user, &u) ||
        caerec_dataset_item_index(ds, item, &i))
        return 0;
    for (size_t c = 0; c < ds->n_cells; c++)
        if (ds->cell_user[c] == u && ds->cell_item[c] == i) {
            *level = ds->cell_level[c];
            *types = ds->cell_types[c];
            return 1;
        }
    return 0;
}

#endif
