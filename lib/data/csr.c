/* Compressed sparse rows of a dataset's cells. Both the build and the
 * transpose are two counting sorts (O(nnz + rows + cols), no comparison
 * sort): scattering entries in increasing column order into their rows
 * leaves every row sorted by column. */
#include "data/dataset.h"

#include "common/alloc.h"

#include <stdlib.h>
#include <string.h>

void caerec__csr_free(caerec_csr *csr)
{
    if (!csr)
        return;
    free(csr->ptr);
    free(csr->col);
    free(csr->level);
    free(csr->types);
    memset(csr, 0, sizeof *csr);
}

static int csr_alloc(caerec_csr *out, size_t n_rows, size_t n_cols, size_t nnz)
{
    memset(out, 0, sizeof *out);
    out->n_rows = n_rows;
    out->n_cols = n_cols;
    out->nnz = nnz;
    out->ptr = caerec__calloc_array(n_rows + 1, sizeof *out->ptr);
    out->col = caerec__malloc_array(nnz, sizeof *out->col);
    out->level = caerec__malloc_array(nnz, sizeof *out->level);
    out->types = caerec__malloc_array(nnz, sizeof *out->types);
    if (n_rows == SIZE_MAX || !out->ptr || !out->col || !out->level ||
        !out->types) {
        caerec__csr_free(out);
        return CAEREC_ENOMEM;
    }
    return 0;
}

caerec_row caerec__csr_row(const caerec_csr *csr, size_t r)
{
    size_t a = csr->ptr[r], b = csr->ptr[r + 1];
    caerec_row row = {csr->col + a, csr->level + a, csr->types + a, b - a};
    return row;
}

int caerec__csr_build(caerec_csr *out, const caerec_dataset *ds, int by_item)
{
    const uint32_t *rows = by_item ? ds->cell_item : ds->cell_user;
    const uint32_t *cols = by_item ? ds->cell_user : ds->cell_item;
    size_t n_rows = by_item ? ds->items.n : ds->users.n;
    size_t n_cols = by_item ? ds->users.n : ds->items.n;
    size_t nnz = ds->n_cells;
    int rc = csr_alloc(out, n_rows, n_cols, nnz);
    if (rc)
        return rc;
    /* First pass: cells ordered by column (a counting sort). */
    size_t *col_ptr = caerec__calloc_array(n_cols + 1, sizeof *col_ptr);
    size_t *fill = caerec__malloc_array(n_rows + 1, sizeof *fill);
    uint32_t *by_col = caerec__malloc_array(nnz, sizeof *by_col);
    if (!col_ptr || !fill || !by_col) {
        free(col_ptr);
        free(fill);
        free(by_col);
        caerec__csr_free(out);
        return CAEREC_ENOMEM;
    }
    for (size_t c = 0; c < nnz; c++) {
        col_ptr[cols[c] + 1]++;
        out->ptr[rows[c] + 1]++;
    }
    for (size_t j = 0; j < n_cols; j++)
        col_ptr[j + 1] += col_ptr[j];
    for (size_t r = 0; r < n_rows; r++)
        out->ptr[r + 1] += out->ptr[r];
    for (size_t c = 0; c < nnz; c++)
        by_col[col_ptr[cols[c]]++] = (uint32_t)c;
    /* Second pass: scatter in column order into the rows. */
    memcpy(fill, out->ptr, (n_rows + 1) * sizeof *fill);
    for (size_t q = 0; q < nnz; q++) {
        uint32_t c = by_col[q];
        size_t p = fill[rows[c]]++;
        out->col[p] = cols[c];
        out->level[p] = ds->cell_level[c];
        out->types[p] = ds->cell_types[c];
    }
    free(col_ptr);
    free(fill);
    free(by_col);
    return 0;
}

int caerec__csr_copy(caerec_csr *dst, const caerec_csr *src)
{
    int rc = csr_alloc(dst, src->n_rows, src->n_cols, src->nnz);
    if (rc)
        return rc;
    memcpy(dst->ptr, src->ptr, (src->n_rows + 1) * sizeof *dst->ptr);
    if (src->nnz) {
        memcpy(dst->col, src->col, src->nnz * sizeof *dst->col);
        memcpy(dst->level, src->level, src->nnz * sizeof *dst->level);
        memcpy(dst->types, src->types, src->nnz * sizeof *dst->types);
    }
    return 0;
}

int caerec__csr_transpose(caerec_csr *out, const caerec_csr *in)
{
    int rc = csr_alloc(out, in->n_cols, in->n_rows, in->nnz);
    if (rc)
        return rc;
    size_t *fill = caerec__malloc_array(in->n_cols + 1, sizeof *fill);
    if (!fill) {
        caerec__csr_free(out);
        return CAEREC_ENOMEM;
    }
    for (size_t p = 0; p < in->nnz; p++)
        out->ptr[in->col[p] + 1]++;
    for (size_t j = 0; j < in->n_cols; j++)
        out->ptr[j + 1] += out->ptr[j];
    memcpy(fill, out->ptr, (in->n_cols + 1) * sizeof *fill);
    /* Rows of `in` are visited in increasing order, so each output row
     * receives its columns (the input rows) in increasing order. */
    for (size_t r = 0; r < in->n_rows; r++) {
        for (size_t p = in->ptr[r]; p < in->ptr[r + 1]; p++) {
            size_t q = fill[in->col[p]]++;
            out->col[q] = (uint32_t)r;
            out->level[q] = in->level[p];
            out->types[q] = in->types[p];
        }
    }
    free(fill);
    return 0;
}
