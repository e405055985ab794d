/* caerec_dataset_split: per-user hold-out. Users are visited in index
 * order and each user's cells in insertion order, all drawing from one
 * generator seeded with `seed`, so the split depends only on (ds, fraction,
 * seed). */
#include "data/dataset.h"

#include "common/alloc.h"
#include "common/error.h"
#include "common/rng.h"
#include "data/cells.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Adds the cells flagged `want` in `part` to dst, in cell order. */
static int fill(caerec_dataset *dst, const caerec_dataset *ds,
                const uint8_t *part, uint8_t want, size_t n_want)
{
    int64_t *users = caerec__malloc_array(n_want, sizeof *users);
    int64_t *items = caerec__malloc_array(n_want, sizeof *items);
    int8_t *levels = caerec__malloc_array(n_want, sizeof *levels);
    uint32_t *types = caerec__malloc_array(n_want, sizeof *types);
    int rc = CAEREC_ENOMEM;
    if (users && items && levels && types) {
        size_t e = 0;
        for (size_t c = 0; c < ds->n_cells; c++) {
            if (part[c] != want)
                continue;
            users[e] = ds->users.ids[ds->cell_user[c]];
            items[e] = ds->items.ids[ds->cell_item[c]];
            levels[e] = ds->cell_level[c];
            types[e] = ds->cell_types[c];
            e++;
        }
        rc = caerec__dataset_apply(dst, n_want, users, items, levels, types,
                                   "caerec_dataset_split");
    }
    free(types);
    free(users);
    free(items);
    free(levels);
    return rc;
}

CAEREC_API int caerec_dataset_split(caerec_dataset **out_train,
                                    caerec_dataset **out_test,
                                    const caerec_dataset *ds, double fraction,
                                    uint64_t seed)
{
    CAEREC_CHECK_NULL(out_train);
    CAEREC_CHECK_NULL(out_test);
    CAEREC_CHECK_NULL(ds);
    if (!(fraction > 0 && fraction < 1))
        return caerec__fail(CAEREC_EINVAL,
                            "caerec_dataset_split: fraction %g not in (0, 1)",
                            fraction);
    size_t n_users = ds->users.n, n = ds->n_cells;
    /* Cells grouped by user, in insertion order within a user. */
    size_t *ptr = caerec__calloc_array(n_users + 1, sizeof *ptr);
    uint32_t *cells = caerec__malloc_array(n, sizeof *cells);
    uint8_t *part = caerec__calloc_array(n, sizeof *part);
    caerec_dataset *train = NULL, *test = NULL;
    int rc = CAEREC_ENOMEM;
    if (!ptr || !cells || !part)
        goto done;
    for (size_t c = 0; c < n; c++)
        ptr[ds->cell_user[c] + 1]++;
    for (size_t u = 0; u < n_users; u++)
        ptr[u + 1] += ptr[u];
    for (size_t c = 0; c < n; c++)
        cells[ptr[ds->cell_user[c]]++] = (uint32_t)c;
    memmove(ptr + 1, ptr, n_users * sizeof *ptr);
    ptr[0] = 0;

    caerec_rng rng;
    caerec__rng_seed(&rng, seed);
    size_t n_test = 0;
    for (size_t u = 0; u < n_users; u++) {
        size_t m = ptr[u + 1] - ptr[u];
        if (m < 2)
            continue;
        double want = floor(fraction * (double)m + 0.5);
        size_t h = want < 1 ? 1 : want > (double)(m - 1) ? m - 1 : (size_t)want;
        /* Partial Fisher-Yates: the first h positions get a uniform
         * h-subset. */
        uint32_t *v = cells + ptr[u];
        for (size_t i = 0; i < h; i++) {
            size_t j = i + (size_t)caerec__rng_below(&rng, m - i);
            uint32_t t = v[i];
            v[i] = v[j];
            v[j] = t;
            part[v[i]] = 1;
        }
        n_test += h;
    }

    rc = caerec__dataset_new(&train, ds->levels, ds->n_levels,
                             (const char *const *)ds->type_names, ds->n_types);
    if (!rc)
        rc = caerec__dataset_new(&test, ds->levels, ds->n_levels,
                                 (const char *const *)ds->type_names,
                                 ds->n_types);
    if (rc)
        goto done;
    /* Every user keeps a training cell: give train the users in ds's order
     * so user indices agree between ds and train. */
    rc = caerec__idmap_reserve(&train->users, n_users);
    if (rc)
        goto done;
    for (size_t u = 0; u < n_users; u++)
        caerec__idmap_insert(&train->users, ds->users.ids[u]);
    rc = fill(train, ds, part, 0, n - n_test);
    if (!rc)
        rc = fill(test, ds, part, 1, n_test);
done:
    free(ptr);
    free(cells);
    free(part);
    if (rc) {
        caerec_dataset_free(train);
        caerec_dataset_free(test);
        if (rc == CAEREC_ETOOBIG)
            return caerec__fail(rc, "caerec_dataset_split: too large");
        return caerec__fail(CAEREC_ENOMEM, "caerec_dataset_split: out of "
                                           "memory");
    }
    *out_train = train;
    *out_test = test;
    return 0;
}
