/* Map between the caller's 64-bit ids and dense indices 0..n-1, in order of
 * first insertion: an array for index -> id and an open-addressing hash
 * table for id -> index. */
#ifndef CAEREC_DATA_IDMAP_H
#define CAEREC_DATA_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct caerec_idmap {
    size_t n;        /* ids held */
    size_t cap;      /* room in ids[] */
    int64_t *ids;    /* index -> id */
    size_t n_slots;  /* power of two, > 2 * cap once allocated */
    uint32_t *slots; /* index + 1, 0 = empty */
} caerec_idmap;

void caerec__idmap_init(caerec_idmap *m);
void caerec__idmap_free(caerec_idmap *m);
/* Ensures `extra` more ids can be inserted without allocating (so a bulk add
 * that validated its input cannot fail half-way). 0 or CAEREC_ENOMEM /
 * CAEREC_ETOOBIG (more than UINT32_MAX - 1 ids). */
int caerec__idmap_reserve(caerec_idmap *m, size_t extra);
/* Index of id, or SIZE_MAX. */
size_t caerec__idmap_find(const caerec_idmap *m, int64_t id);
/* Index of id, inserting it if new. Must have room (reserve first). */
size_t caerec__idmap_insert(caerec_idmap *m, int64_t id);
/* Forgets every id with index >= n (undo of inserts). */
void caerec__idmap_truncate(caerec_idmap *m, size_t n);
/* Builds a map from n distinct ids (as loaded from a file). 0, or
 * CAEREC_ENOMEM, or CAEREC_ECORRUPT for a repeated id. */
int caerec__idmap_from_ids(caerec_idmap *m, const int64_t *ids, size_t n);
int caerec__idmap_copy(caerec_idmap *dst, const caerec_idmap *src);

#endif
