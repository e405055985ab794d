/* load.c - loading model files and data files with the right exit codes. */
#include "cli.h"

#include <stdlib.h>

int cli_load_model(caerec_model **out, const char *path)
{
    int st = caerec_model_load(out, path);
    if (st != CAEREC_OK)
        return cli_fail(st, CLI_SUBJECT_MODEL);
    return CLI_OK;
}

int cli_load_model_checkpoint(caerec_model **out, const char *path)
{
    int st = caerec_checkpoint_load(out, path);
    if (st != CAEREC_OK)
        return cli_fail(st, CLI_SUBJECT_MODEL);
    return CLI_OK;
}

/* Creates a dataset with the given scale and types, then loads path. */
static int load_with_scale(caerec_dataset **out, const double *levels,
                           size_t n_levels, const char *const *types,
                           size_t n_types, const char *path,
                           caerec_file_format format)
{
    caerec_dataset *ds = NULL;
    int st = caerec_dataset_create(&ds, levels, n_levels, types, n_types);
    if (st != CAEREC_OK)
        return cli_fail(st, CLI_SUBJECT_OTHER);
    st = caerec_dataset_load_file(ds, path, format);
    if (st != CAEREC_OK) {
        caerec_dataset_free(ds);
        return cli_fail(st, CLI_SUBJECT_DATA);
    }
    *out = ds;
    return CLI_OK;
}

int cli_load_with_model_scale(caerec_dataset **out, const caerec_model *model,
                              const char *path, caerec_file_format format)
{
    double levels[CAEREC_MAX_LEVELS];
    const char *types[CAEREC_MAX_TYPES];
    size_t k = caerec_model_levels(model, levels, CAEREC_MAX_LEVELS);
    size_t t = caerec_model_n_types(model);
    if (k > CAEREC_MAX_LEVELS)
        k = CAEREC_MAX_LEVELS;
    if (t > CAEREC_MAX_TYPES)
        t = CAEREC_MAX_TYPES;
    for (size_t i = 0; i < t; i++)
        types[i] = caerec_model_type_name(model, (uint32_t)i);
    return load_with_scale(out, k ? levels : NULL, k, t ? types : NULL, t, path,
                           format);
}

int cli_load_with_dataset_scale(caerec_dataset **out,
                                const caerec_dataset *like, const char *path,
                                caerec_file_format format)
{
    double levels[CAEREC_MAX_LEVELS];
    const char *types[CAEREC_MAX_TYPES];
    size_t k = caerec_dataset_levels(like, levels, CAEREC_MAX_LEVELS);
    size_t t = caerec_dataset_n_types(like);
    if (k > CAEREC_MAX_LEVELS)
        k = CAEREC_MAX_LEVELS;
    if (t > CAEREC_MAX_TYPES)
        t = CAEREC_MAX_TYPES;
    for (size_t i = 0; i < t; i++)
        types[i] = caerec_dataset_type_name(like, (uint32_t)i);
    return load_with_scale(out, k ? levels : NULL, k, t ? types : NULL, t, path,
                           format);
}
