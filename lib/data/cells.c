/* Cells: the (user, item) hash, merge rules (last rating wins, types
 * accumulate) and the all-or-nothing inserts behind every public add
 * function. */
#include "data/cells.h"

#include "common/alloc.h"
#include "common/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MurmurHash3's 64-bit finaliser: every key bit reaches the low bits the
 * mask keeps (a bare multiply would leave them depending on the item). */
static inline size_t hash_cell(uint32_t user, uint32_t item, size_t mask)
{
    uint64_t x = (uint64_t)user << 32 | item;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return (size_t)x & mask;
}

void caerec__cells_rehash(caerec_dataset *ds)
{
    if (!ds->n_cell_slots)
        return;
    size_t mask = ds->n_cell_slots - 1;
    memset(ds->cell_slots, 0, ds->n_cell_slots * sizeof *ds->cell_slots);
    for (size_t c = 0; c < ds->n_cells; c++) {
        size_t s = hash_cell(ds->cell_user[c], ds->cell_item[c], mask);
        while (ds->cell_slots[s])
            s = (s + 1) & mask;
        ds->cell_slots[s] = (uint32_t)(c + 1);
    }
}

int caerec__cells_reserve(caerec_dataset *ds, size_t extra)
{
    size_t need;
    /* Slots hold cell + 1 in a uint32 and the table is kept at most half
     * full, so the count is bounded well below UINT32_MAX. */
    if (!caerec__add(ds->n_cells, extra, &need) || need > UINT32_MAX / 4)
        return CAEREC_ETOOBIG;
    if (need <= ds->cap_cells)
        return 0;
    size_t cap = ds->cap_cells ? ds->cap_cells : 64;
    while (cap < need)
        cap *= 2;
    size_t n_slots = 128;
    while (n_slots < 2 * cap)
        n_slots *= 2;
    /* Each array is grown in place; until every one succeeded cap_cells
     * keeps its old value, so a failure leaves a consistent dataset. */
    uint32_t *u = caerec__realloc_array(ds->cell_user, cap, sizeof *u);
    if (!u)
        return CAEREC_ENOMEM;
    ds->cell_user = u;
    uint32_t *i = caerec__realloc_array(ds->cell_item, cap, sizeof *i);
    if (!i)
        return CAEREC_ENOMEM;
    ds->cell_item = i;
    int8_t *l = caerec__realloc_array(ds->cell_level, cap, sizeof *l);
    if (!l)
        return CAEREC_ENOMEM;
    ds->cell_level = l;
    uint32_t *t = caerec__realloc_array(ds->cell_types, cap, sizeof *t);
    if (!t)
        return CAEREC_ENOMEM;
    ds->cell_types = t;
    uint32_t *slots = caerec__malloc_array(n_slots, sizeof *slots);
    if (!slots)
        return CAEREC_ENOMEM;
    free(ds->cell_slots);
    ds->cell_slots = slots;
    ds->n_cell_slots = n_slots;
    ds->cap_cells = cap;
    caerec__cells_rehash(ds);
    return 0;
}

size_t caerec__cells_find(const caerec_dataset *ds, uint32_t user,
                          uint32_t item)
{
    if (!ds->n_cell_slots)
        return SIZE_MAX;
    size_t mask = ds->n_cell_slots - 1;
    for (size_t s = hash_cell(user, item, mask);; s = (s + 1) & mask) {
        uint32_t v = ds->cell_slots[s];
        if (!v)
            return SIZE_MAX;
        if (ds->cell_user[v - 1] == user && ds->cell_item[v - 1] == item)
            return v - 1;
    }
}

/* Finds or creates the cell and merges into it. Needs reserved room. */
static void merge(caerec_dataset *ds, uint32_t user, uint32_t item,
                  int8_t level, uint32_t types)
{
    size_t mask = ds->n_cell_slots - 1;
    size_t s = hash_cell(user, item, mask);
    size_t c;
    for (;; s = (s + 1) & mask) {
        uint32_t v = ds->cell_slots[s];
        if (!v) {
            c = ds->n_cells++;
            ds->cell_slots[s] = (uint32_t)(c + 1);
            ds->cell_user[c] = user;
            ds->cell_item[c] = item;
            ds->cell_level[c] = CAEREC_NO_LEVEL;
            ds->cell_types[c] = 0;
            break;
        }
        if (ds->cell_user[v - 1] == user && ds->cell_item[v - 1] == item) {
            c = v - 1;
            break;
        }
    }
    if (level != CAEREC_NO_LEVEL) {
        if (ds->cell_level[c] == CAEREC_NO_LEVEL)
            ds->n_ratings++;
        ds->cell_level[c] = level; /* last write wins */
    }
    uint32_t fresh = types & ~ds->cell_types[c]; /* types accumulate */
    ds->cell_types[c] |= fresh;
    for (; fresh; fresh &= fresh - 1)
        ds->n_typed[__builtin_ctz(fresh)]++;
}

/* Index of id in m, inserting it; SIZE_MAX when the map cannot grow. */
static size_t intern(caerec_idmap *m, int64_t id, int *rc)
{
    size_t i = caerec__idmap_find(m, id);
    if (i != SIZE_MAX)
        return i;
    *rc = caerec__idmap_reserve(m, 1);
    if (*rc)
        return SIZE_MAX;
    return caerec__idmap_insert(m, id);
}

int caerec__dataset_apply(caerec_dataset *ds, size_t n, const int64_t *users,
                          const int64_t *items, const int8_t *levels,
                          const uint32_t *types, const char *what)
{
    if (n == 0)
        return 0;
    size_t old_users = ds->users.n, old_items = ds->items.n;
    uint32_t *idx = caerec__malloc_array(n, 2 * sizeof *idx);
    int rc = idx ? 0 : CAEREC_ENOMEM;
    /* Phase 1: intern the ids (undone by truncation on failure). */
    for (size_t e = 0; !rc && e < n; e++) {
        size_t u = intern(&ds->users, users[e], &rc);
        size_t i = rc ? 0 : intern(&ds->items, items[e], &rc);
        if (!rc) {
            idx[2 * e] = (uint32_t)u;
            idx[2 * e + 1] = (uint32_t)i;
        }
    }
    /* Phase 2: room for every entry as a new cell; then nothing can fail. */
    if (!rc)
        rc = caerec__cells_reserve(ds, n);
    if (rc) {
        caerec__idmap_truncate(&ds->users, old_users);
        caerec__idmap_truncate(&ds->items, old_items);
        free(idx);
        if (rc == CAEREC_ETOOBIG)
            return caerec__fail(rc,
                                "%s: too many users, items or cells "
                                "(adding %zu entries)",
                                what, n);
        return caerec__fail(CAEREC_ENOMEM,
                            "%s: out of memory adding %zu "
                            "entries",
                            what, n);
    }
    for (size_t e = 0; e < n; e++)
        merge(ds, idx[2 * e], idx[2 * e + 1],
              levels ? levels[e] : CAEREC_NO_LEVEL, types ? types[e] : 0);
    free(idx);
    return 0;
}

/* ---- public add functions --------------------------------------------- */

static int rating_level(const caerec_dataset *ds, double value, int8_t *out,
                        const char *fn, size_t index, int bulk)
{
    char where[48] = "";
    if (bulk)
        snprintf(where, sizeof where, " (entry %zu)", index);
    if (!isfinite(value))
        return caerec__fail(CAEREC_ERANGE, "%s%s: rating %g is not finite", fn,
                            where, value);
    if (ds->n_levels == 0)
        return caerec__fail(CAEREC_ERANGE,
                            "%s%s: rating %g but the dataset has no rating "
                            "scale",
                            fn, where, value);
    int k = caerec__level_index(ds->levels, ds->n_levels, value);
    if (k < 0)
        return caerec__fail(CAEREC_ERANGE,
                            "%s%s: rating %g is not on the scale (%g..%g, "
                            "%zu levels)",
                            fn, where, value, ds->levels[0],
                            ds->levels[ds->n_levels - 1], ds->n_levels);
    *out = (int8_t)k;
    return 0;
}

static int check_type(const caerec_dataset *ds, uint32_t type, const char *fn,
                      size_t index, int bulk)
{
    if (type < ds->n_types)
        return 0;
    char where[48] = "";
    if (bulk)
        snprintf(where, sizeof where, " (entry %zu)", index);
    return caerec__fail(CAEREC_ERANGE,
                        "%s%s: type %u out of range (the dataset has %zu "
                        "types)",
                        fn, where, type, ds->n_types);
}

CAEREC_API int caerec_dataset_add_rating(caerec_dataset *ds, int64_t user,
                                         int64_t item, double value)
{
    CAEREC_CHECK_NULL(ds);
    int8_t level;
    int rc = rating_level(ds, value, &level, __func__, 0, 0);
    if (rc)
        return rc;
    return caerec__dataset_apply(ds, 1, &user, &item, &level, NULL, __func__);
}

CAEREC_API int caerec_dataset_add_interaction(caerec_dataset *ds, int64_t user,
                                              int64_t item, uint32_t type)
{
    CAEREC_CHECK_NULL(ds);
    int rc = check_type(ds, type, __func__, 0, 0);
    if (rc)
        return rc;
    uint32_t mask = (uint32_t)1 << type;
    return caerec__dataset_apply(ds, 1, &user, &item, NULL, &mask, __func__);
}

CAEREC_API int caerec_dataset_add_ratings(caerec_dataset *ds,
                                          const int64_t *users,
                                          const int64_t *items,
                                          const double *values, size_t n)
{
    CAEREC_CHECK_NULL(ds);
    if (n == 0)
        return 0;
    CAEREC_CHECK_NULL(users);
    CAEREC_CHECK_NULL(items);
    CAEREC_CHECK_NULL(values);
    int8_t *levels = caerec__malloc_array(n, sizeof *levels);
    if (!levels)
        return caerec__fail(CAEREC_ENOMEM, "%s: out of memory (%zu entries)",
                            __func__, n);
    int rc = 0;
    for (size_t e = 0; !rc && e < n; e++)
        rc = rating_level(ds, values[e], &levels[e], __func__, e, 1);
    if (!rc)
        rc = caerec__dataset_apply(ds, n, users, items, levels, NULL, __func__);
    free(levels);
    return rc;
}

CAEREC_API int caerec_dataset_add_interactions(caerec_dataset *ds,
                                               const int64_t *users,
                                               const int64_t *items,
                                               const uint32_t *types, size_t n)
{
    CAEREC_CHECK_NULL(ds);
    if (n == 0)
        return 0;
    CAEREC_CHECK_NULL(users);
    CAEREC_CHECK_NULL(items);
    CAEREC_CHECK_NULL(types);
    for (size_t e = 0; e < n; e++) {
        int rc = check_type(ds, types[e], __func__, e, 1);
        if (rc)
            return rc;
    }
    uint32_t *masks = caerec__malloc_array(n, sizeof *masks);
    if (!masks)
        return caerec__fail(CAEREC_ENOMEM, "%s: out of memory (%zu entries)",
                            __func__, n);
    for (size_t e = 0; e < n; e++)
        masks[e] = (uint32_t)1 << types[e];
    int rc = caerec__dataset_apply(ds, n, users, items, NULL, masks, __func__);
    free(masks);
    return rc;
}
