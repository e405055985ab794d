/* One user's distributions over all items and the score formulas of the
 * predictions table (docs/model.md). */
#include "predict/predict.h"

#include "common/alloc.h"
#include "common/error.h"
#include "kernels/softmax.h"
#include "model/config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const score_names[CAEREC_SCORE_COUNT] = {
    "sample", "consume", "rating", "like", "joint", "discovery"};

CAEREC_API const char *caerec_score_name(caerec_score score)
{
    return (unsigned)score < CAEREC_SCORE_COUNT ? score_names[score] : NULL;
}

CAEREC_API int caerec_score_from_name(const char *name, caerec_score *out)
{
    CAEREC_CHECK_NULL(name);
    CAEREC_CHECK_NULL(out);
    for (int s = 0; s < CAEREC_SCORE_COUNT; s++)
        if (strcmp(name, score_names[s]) == 0) {
            *out = (caerec_score)s;
            return CAEREC_OK;
        }
    return caerec__fail(CAEREC_EINVAL,
                        "unknown score \"%s\" (expected sample, consume, "
                        "rating, like, joint or discovery)",
                        name);
}

int caerec__uscores_alloc(caerec_uscores *s, const caerec_model *m,
                          int with_dist)
{
    memset(s, 0, sizeof *s);
    s->n = m->items.n;
    s->K = m->dims.K;
    s->p = caerec__malloc_array(s->n, sizeof *s->p);
    s->seen = caerec__calloc_array(s->n, 1);
    s->seen_list = caerec__malloc_array(s->n, sizeof *s->seen_list);
    int ok = s->p && s->seen && s->seen_list;
    if (ok && with_dist && s->K) {
        size_t nk;
        ok = caerec__mul(s->n, s->K, &nk) &&
             (s->dist = caerec__malloc_array(nk, sizeof *s->dist));
    }
    if (!ok) {
        caerec__uscores_free(s);
        return CAEREC_ENOMEM;
    }
    return CAEREC_OK;
}

void caerec__uscores_free(caerec_uscores *s)
{
    free(s->p);
    free(s->dist);
    free(s->seen);
    free(s->seen_list);
    memset(s, 0, sizeof *s);
}

void caerec__uscores_set_seen(caerec_uscores *s, const uint32_t *items,
                              size_t n)
{
    for (size_t i = 0; i < s->n_seen; i++)
        s->seen[s->seen_list[i]] = 0;
    for (size_t i = 0; i < n; i++) {
        s->seen[items[i]] = 1;
        s->seen_list[i] = items[i];
    }
    s->n_seen = n;
    s->n_u = (double)n;
}

int caerec__score_needs_dist(int score)
{
    return score != CAEREC_SCORE_SAMPLE && score != CAEREC_SCORE_CONSUME;
}

int caerec__score_ctx(caerec_score_ctx *c, const caerec_model *m, int score,
                      const char *fn)
{
    if (score < 0 || score >= CAEREC_SCORE_COUNT)
        return caerec__fail(CAEREC_EINVAL, "%s: unknown score %d (0..%d)", fn,
                            score, CAEREC_SCORE_COUNT - 1);
    if (m->dims.K == 0 && caerec__score_needs_dist(score))
        return caerec__fail(CAEREC_EUNSUPPORTED,
                            "%s: score \"%s\" needs ratings but the model has "
                            "no rating scale (K = 0)",
                            fn, score_names[score]);
    c->score = score;
    c->K = m->dims.K;
    c->levels = m->levels;
    c->like_from = c->K;
    if (c->K) {
        double tau = caerec__like_threshold(&m->cfg, m->levels, c->K);
        /* tau is usually a level itself: compare with a little slack so
         * 4.0 read back as 3.9999999 still counts as "4 and above". */
        double slack = 1e-9 * (fabs(tau) > 1.0 ? fabs(tau) : 1.0);
        for (size_t k = 0; k < c->K; k++)
            if (m->levels[k] >= tau - slack) {
                c->like_from = k;
                break;
            }
    }
    return CAEREC_OK;
}

static double consume(double p, double n_u)
{
    /* 1 - (1 - p)^N computed as -expm1(N log1p(-p)): exact for tiny p. */
    if (p >= 1.0)
        return 1.0;
    return -expm1(n_u * log1p(-p));
}

static double like(const float *dist, const caerec_score_ctx *c)
{
    double l = 0.0;
    for (size_t k = c->like_from; k < c->K; k++)
        l += dist[k];
    return l;
}

double caerec__score_at(const caerec_uscores *s, const caerec_score_ctx *c,
                        size_t i)
{
    double p = s->p[i];
    const float *dist = s->dist ? s->dist + i * c->K : NULL;
    switch (c->score) {
    case CAEREC_SCORE_SAMPLE: return p;
    case CAEREC_SCORE_CONSUME: return consume(p, s->n_u);
    case CAEREC_SCORE_RATING: {
        double r = 0.0;
        for (size_t k = 0; k < c->K; k++)
            r += c->levels[k] * dist[k];
        return r;
    }
    case CAEREC_SCORE_LIKE: return like(dist, c);
    case CAEREC_SCORE_JOINT: return p * like(dist, c);
    case CAEREC_SCORE_DISCOVERY:
        return like(dist, c) * (1.0 - consume(p, s->n_u));
    default: return NAN;
    }
}

void caerec__uscores_p_from(caerec_uscores *s, const float *x, size_t stride)
{
    const size_t n = s->n;
    /* Sampling softmax over all items, in double; divide by the sum
     * (not subtract the log-sum-exp) so it sums to 1 for any finite max. */
    float mx = x[0];
    for (size_t j = 1; j < n; j++)
        if (x[j * stride] > mx)
            mx = x[j * stride];
    double sum = 0.0;
    for (size_t j = 0; j < n; j++) {
        double e = exp((double)x[j * stride] - mx);
        s->p[j] = e;
        sum += e;
    }
    double inv = 1.0 / sum;
    for (size_t j = 0; j < n; j++)
        s->p[j] *= inv;
}

void caerec__uscores_from_row_logits(caerec_uscores *s, const float *O)
{
    const size_t n = s->n, K = s->K, KK = K + 1;
    caerec__uscores_p_from(s, O + K, KK);
    if (s->dist)
        for (size_t j = 0; j < n; j++)
            caerec__softmax(O + j * KK, K, 1, s->dist + j * K);
}
