/* Interaction files: tokenising lines of the text formats of
 * caerec_file_format into validated records, from a buffer in memory (the
 * file loaders read the whole file first; the fuzzer calls the buffer
 * functions directly). */
#ifndef CAEREC_DATA_PARSE_H
#define CAEREC_DATA_PARSE_H

#include "caerec.h"
#include "data/dataset.h"

#include <stddef.h>
#include <stdint.h>

/* Parsed lines, ready for caerec__dataset_apply. */
typedef struct caerec__records {
    size_t n, cap;
    int64_t *user, *item;
    int8_t *level;  /* CAEREC_NO_LEVEL or a level index */
    uint32_t *type; /* bitmask of the line's type (0 for a rating) */
} caerec__records;

void caerec__records_free(caerec__records *r);

/* The values a file may hold. Fixed (infer == 0): the dataset's scale and
 * type names (borrowed); a number off the scale or an unknown name is an
 * error. Inferred (infer != 0): levels and names are collected as met
 * (levels in first-appearance order until caerec__scale_finish, names
 * owned), failing with CAEREC_ERANGE beyond the CAEREC_MAX_* limits. */
typedef struct caerec__scale {
    int infer;
    size_t n_levels;
    double levels[CAEREC_MAX_LEVELS];
    size_t n_types;
    char *names[CAEREC_MAX_TYPES];
    int untyped_lines; /* some line had only `user item` */
} caerec__scale;

/* A fixed scale borrowing ds's levels and names. */
void caerec__scale_from_dataset(caerec__scale *s, const caerec_dataset *ds);
/* An empty scale to infer into. */
void caerec__scale_infer(caerec__scale *s);
/* Sorts inferred levels increasingly, renumbers the records' levels to
 * match, and names type 0 "interaction" when the file had only untyped
 * lines. 0 or CAEREC_ENOMEM. */
int caerec__scale_finish(caerec__scale *s, caerec__records *r);
/* Frees the names of an inferred scale. */
void caerec__scale_free(caerec__scale *s);

/* Parses buf[0..len) (any bytes; need not end in a newline or a NUL) as an
 * interaction file in `format`. `name` (a path) prefixes messages, which
 * read "NAME:LINE: problem `text`". On failure *out is empty.
 * Errors: as caerec_dataset_load_file apart from CAEREC_EIO. */
int caerec__parse_ratings(caerec__records *out, caerec__scale *scale,
                          const char *buf, size_t len,
                          caerec_file_format format, const char *name);

/* caerec_dataset_load_file and caerec_dataset_read_file on a buffer. */
int caerec__dataset_load_buffer(caerec_dataset *ds, const void *buf, size_t len,
                                caerec_file_format format, const char *name);
int caerec__dataset_read_buffer(caerec_dataset **out, const void *buf,
                                size_t len, caerec_file_format format,
                                const char *name);

/* Reads a whole file into a malloc'd buffer (*out_len bytes plus a NUL).
 * Errors: CAEREC_EIO naming the path and strerror(errno), CAEREC_ENOMEM,
 * CAEREC_ETOOBIG. */
int caerec__read_whole_file(char **out, size_t *out_len, const char *path);

#endif
