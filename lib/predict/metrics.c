#include "predict/metrics.h"

#include <math.h>

double caerec__dcg_discount(size_t rank)
{
    return 1.0 / log2((double)rank + 1.0);
}

void caerec__rank_metrics(const uint8_t *hit, size_t n_ranked,
                          size_t n_relevant, size_t k, caerec_rank_metrics *out)
{
    size_t upto = n_ranked < k ? n_ranked : k;
    size_t hits = 0;
    double dcg = 0.0, idcg = 0.0;
    for (size_t r = 0; r < upto; r++)
        if (hit[r]) {
            hits++;
            dcg += caerec__dcg_discount(r + 1);
        }
    size_t ideal = n_relevant < k ? n_relevant : k;
    for (size_t r = 0; r < ideal; r++)
        idcg += caerec__dcg_discount(r + 1);
    out->hits = hits;
    out->recall = ideal ? (double)hits / (double)ideal : 0.0;
    out->ndcg = idcg > 0.0 ? dcg / idcg : 0.0;
    out->precision = (double)hits / (double)k;
}
