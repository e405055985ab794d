/* Internal layout of caerec_dataset and the compressed sparse rows the model
 * is built from. */
#ifndef CAEREC_DATA_DATASET_H
#define CAEREC_DATA_DATASET_H

#include "caerec.h"
#include "data/idmap.h"

#include <stddef.h>
#include <stdint.h>

/* No rating in a cell. */
#define CAEREC_NO_LEVEL ((int8_t)-1)

/* Cells live in insertion order; a hash table on (user, item) finds a cell
 * so repeated data merges into it. */
struct caerec_dataset {
    size_t n_levels;    /* K */
    double *levels;     /* K increasing values */
    size_t n_types;     /* T */
    char **type_names;  /* T names */
    caerec_idmap users; /* external id <-> user index */
    caerec_idmap items;
    size_t n_cells, cap_cells;
    uint32_t *cell_user; /* user index of each cell */
    uint32_t *cell_item;
    int8_t *cell_level;   /* rating level 0..K-1, or CAEREC_NO_LEVEL */
    uint32_t *cell_types; /* bit t = interaction of type t */
    size_t n_cell_slots;  /* power of two; hash of (user, item) -> cell + 1 */
    uint32_t *cell_slots;
    size_t n_ratings; /* cells with a level */
    size_t n_typed[CAEREC_MAX_TYPES];
};

/* One row of interactions: columns in increasing order with their channel
 * content. A view, it owns nothing. */
typedef struct caerec_row {
    const uint32_t *col;
    const int8_t *level;   /* CAEREC_NO_LEVEL or 0..K-1 */
    const uint32_t *types; /* bitmask of types */
    size_t nnz;
} caerec_row;

/* Compressed sparse rows over dense indices. */
typedef struct caerec_csr {
    size_t n_rows, n_cols, nnz;
    size_t *ptr;     /* n_rows + 1 offsets */
    uint32_t *col;   /* nnz column indices, increasing within a row */
    int8_t *level;   /* nnz */
    uint32_t *types; /* nnz */
} caerec_csr;

/* Builds the CSR of ds with users as rows (by_item == 0) or items as rows
 * (by_item != 0). 0 or CAEREC_ENOMEM; *out is zeroed on failure. */
int caerec__csr_build(caerec_csr *out, const caerec_dataset *ds, int by_item);
void caerec__csr_free(caerec_csr *csr);
int caerec__csr_copy(caerec_csr *dst, const caerec_csr *src);
/* Row r as a view. */
caerec_row caerec__csr_row(const caerec_csr *csr, size_t r);
/* Transposed copy (rows become columns). 0 or CAEREC_ENOMEM. */
int caerec__csr_transpose(caerec_csr *out, const caerec_csr *in);

/* Index of the level equal to value (relative tolerance 1e-6), or -1. */
int caerec__level_index(const double *levels, size_t n_levels, double value);

/* Same scale and types (the check between a model and a test/history set). */
int caerec__same_scale(const double *levels_a, size_t k_a,
                       const double *levels_b, size_t k_b);

#endif
