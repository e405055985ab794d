/* Partial selection of the k best (score, index) pairs: a size-k min-heap
 * whose root is the worst entry kept, so each of n candidates costs O(1)
 * when it does not enter and O(log k) when it does; the final sort is
 * O(k log k). "Better" means a higher score, then a lower index, so the
 * result is a strict total order and fully deterministic. NaN scores are
 * ranked as -Inf. Header-only: the inner loops of recommendation and
 * evaluation inline it. */
#ifndef CAEREC_PREDICT_TOPK_H
#define CAEREC_PREDICT_TOPK_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

typedef struct caerec_topk_entry {
    double score;
    uint32_t index;
} caerec_topk_entry;

typedef struct caerec_topk {
    caerec_topk_entry *heap; /* room for k entries, owned by the caller */
    size_t k, n;
} caerec_topk;

static inline int caerec__topk_better(const caerec_topk_entry *a,
                                      const caerec_topk_entry *b)
{
    return a->score > b->score || (a->score == b->score && a->index < b->index);
}

static inline void caerec__topk_init(caerec_topk *t, caerec_topk_entry *buf,
                                     size_t k)
{
    t->heap = buf;
    t->k = k;
    t->n = 0;
}

/* Moves heap[i] down until both children are better than it. */
static inline void caerec__topk_sift_down(caerec_topk_entry *h, size_t n,
                                          size_t i)
{
    caerec_topk_entry x = h[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && caerec__topk_better(&h[c], &h[c + 1]))
            c++; /* the worse child */
        if (!caerec__topk_better(&x, &h[c]))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}

static inline void caerec__topk_push(caerec_topk *t, double score,
                                     uint32_t index)
{
    caerec_topk_entry e = {isnan(score) ? -INFINITY : score, index};
    caerec_topk_entry *h = t->heap;
    if (t->n < t->k) {
        size_t i = t->n++;
        while (i > 0) { /* sift up: the root stays the worst */
            size_t p = (i - 1) / 2;
            if (!caerec__topk_better(&h[p], &e))
                break;
            h[i] = h[p];
            i = p;
        }
        h[i] = e;
    } else if (t->k > 0 && caerec__topk_better(&e, &h[0])) {
        h[0] = e;
        caerec__topk_sift_down(h, t->n, 0);
    }
}

/* Sorts the kept entries best first in place (heap sort: repeatedly move
 * the worst to the end) and returns how many there are. */
static inline size_t caerec__topk_finish(caerec_topk *t)
{
    caerec_topk_entry *h = t->heap;
    for (size_t n = t->n; n > 1; n--) {
        caerec_topk_entry worst = h[0];
        h[0] = h[n - 1];
        h[n - 1] = worst;
        caerec__topk_sift_down(h, n - 1, 0);
    }
    return t->n;
}

#endif
