#include "data/idmap.h"

#include "caerec.h"
#include "common/alloc.h"

#include <stdlib.h>
#include <string.h>

static inline size_t hash_id(int64_t id, size_t mask)
{
    uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ULL;
    return (size_t)(x ^ (x >> 29)) & mask;
}

void caerec__idmap_init(caerec_idmap *m) { memset(m, 0, sizeof *m); }

void caerec__idmap_free(caerec_idmap *m)
{
    free(m->ids);
    free(m->slots);
    caerec__idmap_init(m);
}

static void rehash(caerec_idmap *m)
{
    size_t mask = m->n_slots - 1;
    memset(m->slots, 0, m->n_slots * sizeof *m->slots);
    for (size_t i = 0; i < m->n; i++) {
        size_t s = hash_id(m->ids[i], mask);
        while (m->slots[s])
            s = (s + 1) & mask;
        m->slots[s] = (uint32_t)(i + 1);
    }
}

int caerec__idmap_reserve(caerec_idmap *m, size_t extra)
{
    size_t need;
    if (!caerec__add(m->n, extra, &need) || need >= UINT32_MAX)
        return CAEREC_ETOOBIG;
    if (need <= m->cap)
        return 0;
    size_t cap = m->cap ? m->cap : 16;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    size_t n_slots = 32;
    while (n_slots < 2 * cap)
        n_slots *= 2;
    int64_t *ids = caerec__realloc_array(m->ids, cap, sizeof *ids);
    if (!ids)
        return CAEREC_ENOMEM;
    m->ids = ids;
    uint32_t *slots = caerec__malloc_array(n_slots, sizeof *slots);
    if (!slots)
        return CAEREC_ENOMEM;
    free(m->slots);
    m->slots = slots;
    m->n_slots = n_slots;
    m->cap = cap;
    rehash(m);
    return 0;
}

size_t caerec__idmap_find(const caerec_idmap *m, int64_t id)
{
    if (m->n_slots == 0)
        return SIZE_MAX;
    size_t mask = m->n_slots - 1;
    for (size_t s = hash_id(id, mask);; s = (s + 1) & mask) {
        uint32_t v = m->slots[s];
        if (v == 0)
            return SIZE_MAX;
        if (m->ids[v - 1] == id)
            return v - 1;
    }
}

size_t caerec__idmap_insert(caerec_idmap *m, int64_t id)
{
    size_t mask = m->n_slots - 1;
    size_t s = hash_id(id, mask);
    for (;; s = (s + 1) & mask) {
        uint32_t v = m->slots[s];
        if (v == 0)
            break;
        if (m->ids[v - 1] == id)
            return v - 1;
    }
    m->ids[m->n] = id;
    m->slots[s] = (uint32_t)(m->n + 1);
    return m->n++;
}

void caerec__idmap_truncate(caerec_idmap *m, size_t n)
{
    if (n >= m->n)
        return;
    m->n = n;
    rehash(m);
}

int caerec__idmap_from_ids(caerec_idmap *m, const int64_t *ids, size_t n)
{
    caerec__idmap_init(m);
    int rc = caerec__idmap_reserve(m, n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (caerec__idmap_insert(m, ids[i]) != i) {
            caerec__idmap_free(m);
            return CAEREC_ECORRUPT;
        }
    }
    return 0;
}

int caerec__idmap_copy(caerec_idmap *dst, const caerec_idmap *src)
{
    return caerec__idmap_from_ids(dst, src->ids, src->n);
}
