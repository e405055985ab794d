/* Validation: map a held-out dataset onto the model's rows and columns and
 * measure its negative log-likelihood given the training rows as input. */
#include "common/alloc.h"
#include "common/error.h"
#include "train/train.h"

#include <stdlib.h>
#include <string.h>

void caerec__valid_set_free(caerec_valid_set *vs)
{
    caerec__csr_free(&vs->targets);
    vs->n_cells = 0;
}

int caerec__valid_set_build(caerec_valid_set *out, const caerec_model *m,
                            const caerec_dataset *valid)
{
    memset(out, 0, sizeof *out);
    if (!caerec__same_scale(m->levels, m->dims.K, valid->levels, valid->n_levels) ||
        valid->n_types != m->dims.T)
        return caerec__fail(CAEREC_EINVAL,
                            "validation dataset: its rating scale or interaction types differ from the model's");
    const int by_item = m->cfg.orientation == CAEREC_ORIENT_ITEM;
    const size_t nr = m->dims.m, nc = valid->n_cells;
    caerec_csr *t = &out->targets;
    t->n_rows = nr;
    t->n_cols = m->dims.n;
    uint32_t *row_of = caerec__malloc_array(nc, sizeof *row_of);
    uint32_t *col_of = caerec__malloc_array(nc, sizeof *col_of);
    t->ptr = caerec__calloc_array(nr + 1, sizeof *t->ptr);
    if (!row_of || !col_of || !t->ptr)
        goto nomem;
    size_t kept = 0;
    for (size_t c = 0; c < nc; c++) {
        size_t u = caerec__idmap_find(&m->users, valid->users.ids[valid->cell_user[c]]);
        size_t i = caerec__idmap_find(&m->items, valid->items.ids[valid->cell_item[c]]);
        if (u == SIZE_MAX || i == SIZE_MAX) {
            row_of[c] = UINT32_MAX;
            continue;
        }
        row_of[c] = (uint32_t)(by_item ? i : u);
        col_of[c] = (uint32_t)(by_item ? u : i);
        t->ptr[row_of[c] + 1]++;
        kept++;
    }
    for (size_t r = 0; r < nr; r++)
        t->ptr[r + 1] += t->ptr[r];
    t->nnz = kept;
    t->col = caerec__malloc_array(kept, sizeof *t->col);
    t->level = caerec__malloc_array(kept, sizeof *t->level);
    t->types = caerec__malloc_array(kept, sizeof *t->types);
    size_t *fill = caerec__malloc_array(nr, sizeof *fill);
    if (!t->col || !t->level || !t->types || !fill) {
        free(fill);
        goto nomem;
    }
    memcpy(fill, t->ptr, nr * sizeof *fill);
    for (size_t c = 0; c < nc; c++) {
        if (row_of[c] == UINT32_MAX)
            continue;
        size_t at = fill[row_of[c]]++;
        t->col[at] = col_of[c];
        t->level[at] = valid->cell_level[c];
        t->types[at] = valid->cell_types[c];
    }
    free(fill);
    /* Columns increase within a row (the loss merges over them). */
    for (size_t r = 0; r < nr; r++)
        for (size_t a = t->ptr[r] + 1; a < t->ptr[r + 1]; a++)
            for (size_t b = a; b > t->ptr[r] && t->col[b - 1] > t->col[b]; b--) {
                uint32_t cc = t->col[b]; t->col[b] = t->col[b - 1]; t->col[b - 1] = cc;
                int8_t lv = t->level[b]; t->level[b] = t->level[b - 1]; t->level[b - 1] = lv;
                uint32_t ty = t->types[b]; t->types[b] = t->types[b - 1]; t->types[b - 1] = ty;
            }
    free(row_of);
    free(col_of);
    out->n_cells = kept;
    return CAEREC_OK;
nomem:
    free(row_of);
    free(col_of);
    caerec__valid_set_free(out);
    return caerec__fail(CAEREC_ENOMEM, "validation dataset: out of memory");
}

int caerec__valid_loss(const caerec_model *m, const caerec_valid_set *vs,
                       double *out)
{
    const size_t B = 64;
    caerec_batch_ws *ws;
    int rc = caerec__batch_ws_for(m, &m->rows, B, &ws);
    if (rc)
        return caerec__fail(rc, "validation: cannot allocate the workspace");
    caerec_row *inputs = ws->rows;
    caerec_row targets[64];
    double total = 0.0;
    size_t rows_used = 0, nb = 0;
    for (size_t r = 0; r <= m->dims.m; r++) {
        if (r < m->dims.m && vs->targets.ptr[r + 1] > vs->targets.ptr[r]) {
            inputs[nb] = caerec__csr_row(&m->rows, r);
            targets[nb] = caerec__csr_row(&vs->targets, r);
            nb++;
        }
        if (nb == B || (r == m->dims.m && nb > 0)) {
            caerec_losses l;
            caerec__batch_run(m, inputs, targets, nb, NULL, ws, NULL, &l,
                              m->cfg.threads);
            total += l.total * (double)nb;
            rows_used += nb;
            nb = 0;
        }
    }
    caerec__batch_ws_destroy(ws);
    *out = rows_used ? total / (double)rows_used : 0.0;
    return CAEREC_OK;
}
