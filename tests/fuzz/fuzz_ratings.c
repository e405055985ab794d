/* libFuzzer target for the interaction-file parser: the input bytes as a
 * file, loaded into a dataset with a 1..5 scale and types view/click (in
 * every format, with the format forced and detected), and through scale
 * inference (caerec_dataset_read_file). Must never crash, leak or trip the
 * sanitizers; on success the dataset must be consistent. */
#include "caerec.h"
#include "data/dataset.h"
#include "data/parse.h"

#include <stdint.h>
#include <stdlib.h>

/* Cheap invariants of a dataset after a successful load. */
static void check(const caerec_dataset *ds)
{
    size_t rated = 0, typed[CAEREC_MAX_TYPES] = {0};
    for (size_t c = 0; c < ds->n_cells; c++) {
        if (ds->cell_user[c] >= ds->users.n || ds->cell_item[c] >= ds->items.n)
            abort();
        if (ds->cell_level[c] != CAEREC_NO_LEVEL) {
            if (ds->cell_level[c] < 0 ||
                (size_t)ds->cell_level[c] >= ds->n_levels)
                abort();
            rated++;
        }
        for (size_t t = 0; t < ds->n_types; t++)
            typed[t] += ds->cell_types[c] >> t & 1;
        if (ds->n_types < 32 && ds->cell_types[c] >> ds->n_types)
            abort();
        if (ds->cell_level[c] == CAEREC_NO_LEVEL && !ds->cell_types[c])
            abort(); /* an empty cell */
    }
    if (rated != ds->n_ratings)
        abort();
    for (size_t t = 0; t < ds->n_types; t++)
        if (typed[t] != ds->n_typed[t])
            abort();
    for (size_t k = 1; k < ds->n_levels; k++)
        if (!(ds->levels[k] > ds->levels[k - 1]))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double five[] = {1, 2, 3, 4, 5};
    static const char *const types[] = {"view", "click"};
    caerec_dataset *ds = NULL;
    if (caerec_dataset_create(&ds, five, 5, types, 2))
        abort();
    for (int fmt = CAEREC_FORMAT_AUTO; fmt <= CAEREC_FORMAT_DAT; fmt++) {
        size_t before = ds->n_cells;
        int rc = caerec__dataset_load_buffer(ds, data, size,
                                             (caerec_file_format)fmt, "fuzz");
        if (rc && ds->n_cells != before)
            abort(); /* all or nothing */
        if (rc && caerec_last_error()[0] == 0)
            abort(); /* every failure names its problem */
        check(ds);
    }
    caerec_dataset_free(ds);

    caerec_dataset *inferred = NULL;
    if (caerec__dataset_read_buffer(&inferred, data, size, CAEREC_FORMAT_AUTO,
                                    "fuzz") == 0) {
        check(inferred);
        caerec_dataset *tr = NULL, *te = NULL;
        if (caerec_dataset_split(&tr, &te, inferred, 0.25, 1) == 0) {
            if (tr->n_cells + te->n_cells != inferred->n_cells)
                abort();
            caerec_dataset_free(tr);
            caerec_dataset_free(te);
        }
        caerec_csr csr;
        if (caerec__csr_build(&csr, inferred, 1) == 0) {
            if (csr.nnz != inferred->n_cells)
                abort();
            caerec__csr_free(&csr);
        }
        caerec_dataset_free(inferred);
    }
    return 0;
}
