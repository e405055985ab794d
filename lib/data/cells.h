/* The cells of a dataset: the (user, item) -> cell hash, merging repeated
 * data into a cell, and the all-or-nothing bulk insert every public add
 * function and file loader ends in. */
#ifndef CAEREC_DATA_CELLS_H
#define CAEREC_DATA_CELLS_H

#include "data/dataset.h"

#include <stddef.h>
#include <stdint.h>

/* Allocates an empty dataset after validating the scale exactly as
 * caerec_dataset_create documents (errors and messages included). */
int caerec__dataset_new(caerec_dataset **out, const double *levels,
                        size_t n_levels, const char *const *type_names,
                        size_t n_types);

/* Ensures `extra` more cells fit without allocating. 0, CAEREC_ENOMEM or
 * CAEREC_ETOOBIG; the dataset's content is unchanged either way. */
int caerec__cells_reserve(caerec_dataset *ds, size_t extra);

/* Rebuilds the hash from the cell arrays (after copying them in). */
void caerec__cells_rehash(caerec_dataset *ds);

/* Index of the cell (user index, item index), or SIZE_MAX. */
size_t caerec__cells_find(const caerec_dataset *ds, uint32_t user,
                          uint32_t item);

/* Merges n validated entries into ds, in order: entry e sets level
 * levels[e] (CAEREC_NO_LEVEL for none; levels may be NULL for no ratings)
 * and adds the types in bitmask types[e] (bit t = type t, 0 for none;
 * types may be NULL). Levels must be < K and types < T: callers validate
 * first. All or nothing:
 * the only failures are CAEREC_ENOMEM and CAEREC_ETOOBIG, and then ds is
 * unchanged; the message starts with `what` (the caller's name or file). */
int caerec__dataset_apply(caerec_dataset *ds, size_t n, const int64_t *users,
                          const int64_t *items, const int8_t *levels,
                          const uint32_t *types, const char *what);

#endif
