/* Ranking metrics of one user's top-k list (evaluation.md): binary
 * relevance, Recall@k = hits / min(k, |T|), NDCG@k = DCG@k / IDCG@k with
 * DCG = sum_{rank r = 1..k} rel_r / log2(r + 1) and IDCG over min(k, |T|)
 * relevant items, precision@k = hits / k. */
#ifndef CAEREC_PREDICT_METRICS_H
#define CAEREC_PREDICT_METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef struct caerec_rank_metrics {
    size_t hits;
    double recall, ndcg, precision;
} caerec_rank_metrics;

/* hit[r] != 0 when the item at rank r + 1 (best first) is relevant;
 * n_ranked entries (fewer than k when fewer candidates existed: missing
 * ranks count as misses). n_relevant = |T| >= 1, k >= 1. */
void caerec__rank_metrics(const uint8_t *hit, size_t n_ranked,
                          size_t n_relevant, size_t k,
                          caerec_rank_metrics *out);

/* 1 / log2(rank + 1) for a 1-based rank. */
double caerec__dcg_discount(size_t rank);

#endif
