/* Dataset lifetime (create, free, clone), the scale, and the read-only
 * queries: counts, levels, type names and id lookups. Adding data lives in
 * cells.c, files in parse.c / read_file.c. */
#include "data/dataset.h"

#include "common/alloc.h"
#include "common/error.h"
#include "data/cells.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Relative tolerance when matching a value to a level (documented in
 * caerec.h). Purely relative, so a level 0 matches only 0 exactly. */
#define LEVEL_TOL 1e-6

static int close_to(double a, double b)
{
    double scale = fmax(fabs(a), fabs(b));
    return fabs(a - b) <= LEVEL_TOL * scale;
}

int caerec__level_index(const double *levels, size_t n_levels, double value)
{
    if (!isfinite(value))
        return -1;
    int best = -1;
    double best_d = 0;
    for (size_t k = 0; k < n_levels; k++) {
        double d = fabs(levels[k] - value);
        if (close_to(levels[k], value) && (best < 0 || d < best_d)) {
            best = (int)k;
            best_d = d;
        }
    }
    return best;
}

int caerec__same_scale(const double *levels_a, size_t k_a,
                       const double *levels_b, size_t k_b)
{
    if (k_a != k_b)
        return 0;
    for (size_t k = 0; k < k_a; k++)
        if (!close_to(levels_a[k], levels_b[k]))
            return 0;
    return 1;
}

static void free_fields(caerec_dataset *ds)
{
    free(ds->levels);
    if (ds->type_names)
        for (size_t t = 0; t < ds->n_types; t++)
            free(ds->type_names[t]);
    free(ds->type_names);
    caerec__idmap_free(&ds->users);
    caerec__idmap_free(&ds->items);
    free(ds->cell_user);
    free(ds->cell_item);
    free(ds->cell_level);
    free(ds->cell_types);
    free(ds->cell_slots);
}

CAEREC_API void caerec_dataset_free(caerec_dataset *ds)
{
    if (!ds)
        return;
    free_fields(ds);
    free(ds);
}

/* Checks the scale and types as caerec_dataset_create documents. */
static int check_scale(const double *levels, size_t n_levels,
                       const char *const *type_names, size_t n_types)
{
    if (n_levels > CAEREC_MAX_LEVELS)
        return caerec__fail(CAEREC_EINVAL,
                            "caerec_dataset_create: %zu levels, at most %d",
                            n_levels, CAEREC_MAX_LEVELS);
    if (n_types > CAEREC_MAX_TYPES)
        return caerec__fail(CAEREC_EINVAL,
                            "caerec_dataset_create: %zu types, at most %d",
                            n_types, CAEREC_MAX_TYPES);
    if (n_levels + n_types == 0)
        return caerec__fail(CAEREC_EINVAL,
                            "caerec_dataset_create: no levels and no types");
    if (n_levels && !levels)
        return caerec__fail(CAEREC_EINVAL,
                            "caerec_dataset_create: levels is NULL");
    if (n_types && !type_names)
        return caerec__fail(CAEREC_EINVAL,
                            "caerec_dataset_create: type_names is NULL");
    for (size_t k = 0; k < n_levels; k++) {
        if (!isfinite(levels[k]))
            return caerec__fail(CAEREC_EINVAL,
                                "caerec_dataset_create: level %zu is not "
                                "finite (%g)",
                                k, levels[k]);
        if (k > 0 &&
            (levels[k] <= levels[k - 1] || close_to(levels[k], levels[k - 1])))
            return caerec__fail(CAEREC_EINVAL,
                                "caerec_dataset_create: levels not strictly "
                                "increasing (%g after %g)",
                                levels[k], levels[k - 1]);
    }
    for (size_t t = 0; t < n_types; t++) {
        if (!type_names[t] || !type_names[t][0])
            return caerec__fail(CAEREC_EINVAL,
                                "caerec_dataset_create: type %zu has no name",
                                t);
        for (size_t s = 0; s < t; s++)
            if (strcmp(type_names[s], type_names[t]) == 0)
                return caerec__fail(CAEREC_EINVAL,
                                    "caerec_dataset_create: duplicate type "
                                    "name `%s`",
                                    type_names[t]);
    }
    return 0;
}

int caerec__dataset_new(caerec_dataset **out, const double *levels,
                        size_t n_levels, const char *const *type_names,
                        size_t n_types)
{
    int rc = check_scale(levels, n_levels, type_names, n_types);
    if (rc)
        return rc;
    caerec_dataset *ds = calloc(1, sizeof *ds);
    if (!ds)
        goto nomem;
    ds->n_levels = n_levels;
    ds->levels = caerec__malloc_array(n_levels, sizeof *ds->levels);
    ds->type_names = caerec__calloc_array(n_types, sizeof *ds->type_names);
    if (!ds->levels || !ds->type_names)
        goto nomem;
    if (n_levels)
        memcpy(ds->levels, levels, n_levels * sizeof *levels);
    for (size_t t = 0; t < n_types; t++) {
        ds->type_names[t] = caerec__strdup(type_names[t]);
        if (!ds->type_names[t])
            goto nomem;
        ds->n_types = t + 1;
    }
    caerec__idmap_init(&ds->users);
    caerec__idmap_init(&ds->items);
    *out = ds;
    return 0;
nomem:
    caerec_dataset_free(ds);
    return caerec__fail(CAEREC_ENOMEM, "caerec_dataset_create: out of memory");
}

CAEREC_API int caerec_dataset_create(caerec_dataset **out, const double *levels,
                                     size_t n_levels,
                                     const char *const *type_names,
                                     size_t n_types)
{
    CAEREC_CHECK_NULL(out);
    return caerec__dataset_new(out, levels, n_levels, type_names, n_types);
}

CAEREC_API int caerec_dataset_clone(caerec_dataset **out,
                                    const caerec_dataset *ds)
{
    CAEREC_CHECK_NULL(out);
    CAEREC_CHECK_NULL(ds);
    caerec_dataset *c = NULL;
    int rc =
        caerec__dataset_new(&c, ds->levels, ds->n_levels,
                            (const char *const *)ds->type_names, ds->n_types);
    if (rc)
        return rc;
    if (caerec__idmap_copy(&c->users, &ds->users) ||
        caerec__idmap_copy(&c->items, &ds->items) ||
        caerec__cells_reserve(c, ds->n_cells))
        goto nomem;
    size_t n = ds->n_cells;
    if (n) {
        memcpy(c->cell_user, ds->cell_user, n * sizeof *c->cell_user);
        memcpy(c->cell_item, ds->cell_item, n * sizeof *c->cell_item);
        memcpy(c->cell_level, ds->cell_level, n * sizeof *c->cell_level);
        memcpy(c->cell_types, ds->cell_types, n * sizeof *c->cell_types);
    }
    c->n_cells = n;
    caerec__cells_rehash(c);
    c->n_ratings = ds->n_ratings;
    memcpy(c->n_typed, ds->n_typed, sizeof c->n_typed);
    *out = c;
    return 0;
nomem:
    caerec_dataset_free(c);
    return caerec__fail(CAEREC_ENOMEM, "caerec_dataset_clone: out of memory");
}

/* ---- queries ----------------------------------------------------------- */

CAEREC_API size_t caerec_dataset_n_users(const caerec_dataset *ds)
{
    return ds ? ds->users.n : 0;
}

CAEREC_API size_t caerec_dataset_n_items(const caerec_dataset *ds)
{
    return ds ? ds->items.n : 0;
}

CAEREC_API size_t caerec_dataset_n_ratings(const caerec_dataset *ds)
{
    return ds ? ds->n_ratings : 0;
}

CAEREC_API size_t caerec_dataset_n_typed(const caerec_dataset *ds,
                                         uint32_t type)
{
    return ds && type < ds->n_types ? ds->n_typed[type] : 0;
}

CAEREC_API size_t caerec_dataset_n_cells(const caerec_dataset *ds)
{
    return ds ? ds->n_cells : 0;
}

CAEREC_API size_t caerec_dataset_n_levels(const caerec_dataset *ds)
{
    return ds ? ds->n_levels : 0;
}

CAEREC_API size_t caerec_dataset_levels(const caerec_dataset *ds, double *out,
                                        size_t capacity)
{
    if (!ds)
        return 0;
    size_t n = ds->n_levels < capacity ? ds->n_levels : capacity;
    if (out && n)
        memcpy(out, ds->levels, n * sizeof *out);
    return ds->n_levels;
}

CAEREC_API size_t caerec_dataset_n_types(const caerec_dataset *ds)
{
    return ds ? ds->n_types : 0;
}

CAEREC_API const char *caerec_dataset_type_name(const caerec_dataset *ds,
                                                uint32_t t)
{
    return ds && t < ds->n_types ? ds->type_names[t] : NULL;
}

static int index_of(const caerec_idmap *m, int64_t id, size_t *out,
                    const char *fn, const char *what)
{
    size_t i = caerec__idmap_find(m, id);
    if (i == SIZE_MAX)
        return caerec__fail(CAEREC_ENOTFOUND, "%s: unknown %s id %lld", fn,
                            what, (long long)id);
    *out = i;
    return 0;
}

static int id_of(const caerec_idmap *m, size_t index, int64_t *out,
                 const char *fn, const char *what)
{
    if (index >= m->n)
        return caerec__fail(CAEREC_ENOTFOUND,
                            "%s: %s index %zu out of range (%zu %ss)", fn, what,
                            index, m->n, what);
    *out = m->ids[index];
    return 0;
}

CAEREC_API int caerec_dataset_user_index(const caerec_dataset *ds, int64_t user,
                                         size_t *out_index)
{
    CAEREC_CHECK_NULL(ds);
    CAEREC_CHECK_NULL(out_index);
    return index_of(&ds->users, user, out_index, __func__, "user");
}

CAEREC_API int caerec_dataset_item_index(const caerec_dataset *ds, int64_t item,
                                         size_t *out_index)
{
    CAEREC_CHECK_NULL(ds);
    CAEREC_CHECK_NULL(out_index);
    return index_of(&ds->items, item, out_index, __func__, "item");
}

CAEREC_API int caerec_dataset_user_id(const caerec_dataset *ds, size_t index,
                                      int64_t *out_user)
{
    CAEREC_CHECK_NULL(ds);
    CAEREC_CHECK_NULL(out_user);
    return id_of(&ds->users, index, out_user, __func__, "user");
}

CAEREC_API int caerec_dataset_item_id(const caerec_dataset *ds, size_t index,
                                      int64_t *out_item)
{
    CAEREC_CHECK_NULL(ds);
    CAEREC_CHECK_NULL(out_item);
    return id_of(&ds->items, index, out_item, __func__, "item");
}
