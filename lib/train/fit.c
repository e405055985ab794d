/* caerec_model_fit: epochs, validation, early stopping that keeps the
 * parameters of the best epoch, and the per-epoch callback. */
#include "common/alloc.h"
#include "common/error.h"
#include "train/train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Fills the validation fields of r. The ranking and rating metrics come
 * from the public evaluation functions, so fit reports exactly what a
 * caller measuring the same model would. */
static int validate(caerec_model *m, const caerec_dataset *valid,
                    const caerec_valid_set *vs, caerec_epoch_report *r)
{
    int rc = caerec__valid_loss(m, vs, &r->valid_loss);
    if (rc)
        return rc;
    if (m->dims.K > 0) {
        caerec_rating_metrics rm = CAEREC_RATING_METRICS_INIT;
        if ((rc = caerec_evaluate_ratings(m, valid, &rm)))
            return rc;
        r->valid_rmse = rm.n_ratings ? rm.rmse : NAN;
    }
    size_t k = 20;
    caerec_topk_metrics tm = CAEREC_TOPK_METRICS_INIT;
    if ((rc = caerec_evaluate_topk(m, valid, &k, 1, &tm)))
        return rc;
    r->valid_ndcg = tm.users ? tm.ndcg : NAN;
    return CAEREC_OK;
}

/* The early-stopping figure, oriented so that lower is better. RMSE means
 * nothing for a model that does not learn ratings (beta = gamma = 0: its
 * rating head stays at its initialisation, and watching it stopped such a
 * model at epoch 2 on ML-1M), nor without validation ratings: it then
 * watches what the model does learn, NDCG@20, or the loss when that is
 * missing too. */
static double watched(const caerec_model *m, const caerec_epoch_report *r)
{
    int learns_ratings = m->cfg.beta > 0 || m->cfg.gamma > 0;
    switch (m->cfg.early_stop) {
    case CAEREC_METRIC_RMSE:
        if (learns_ratings && !isnan(r->valid_rmse))
            return r->valid_rmse;
        return isnan(r->valid_ndcg) ? r->valid_loss : -r->valid_ndcg;
    case CAEREC_METRIC_NDCG: return -r->valid_ndcg;
    default: return r->valid_loss;
    }
}

static void copy_report(caerec_epoch_report *dst,
                        const caerec_epoch_report *src)
{
    size_t n = dst->struct_size < sizeof *src ? dst->struct_size : sizeof *src;
    if (n > sizeof dst->struct_size)
        memcpy((char *)dst + sizeof dst->struct_size,
               (const char *)src + sizeof src->struct_size,
               n - sizeof src->struct_size);
}

CAEREC_API int caerec_model_fit(caerec_model *m, const caerec_dataset *valid,
                                caerec_epoch_callback callback, void *user,
                                caerec_epoch_report *best)
{
    CAEREC_CHECK_NULL(m);
    if (!m->train)
        return caerec__fail(
            CAEREC_ESTATE,
            "caerec_model_fit: this model was loaded from a model file and has "
            "no optimizer state; train from a checkpoint instead");
    if (best && best->struct_size < sizeof(size_t))
        return caerec__fail(CAEREC_EINVAL,
                            "caerec_model_fit: best->struct_size is not set "
                            "(use CAEREC_EPOCH_REPORT_INIT)");
    caerec_valid_set vs = {0};
    int rc;
    if (valid && (rc = caerec__valid_set_build(&vs, m, valid)))
        return rc;
    /* The best epoch's parameters and, with decoder-l2 regressed, the
     * prior they were trained toward (fold-in uses it), in one block. */
    const size_t n_prior = caerec__prior_state_floats(m);
    float *best_params = NULL;
    int best_prior_fitted = 0;
    if (valid &&
        !(best_params = caerec__alloc_floats(m->params.size + n_prior))) {
        caerec__valid_set_free(&vs);
        return caerec__fail(
            CAEREC_ENOMEM,
            "caerec_model_fit: out of memory for the best-epoch copy");
    }
    caerec_epoch_report best_r = CAEREC_EPOCH_REPORT_INIT;
    double best_score = INFINITY;
    /* Patience counts epochs since the figure last beat `progress_score`
     * by min_improvement (relative): late in the learning-rate decay it
     * creeps by ~1e-5 per epoch, which kept an ML-1M run going 10 epochs
     * longer, to the epoch cap. Those creeping epochs still become the
     * kept best; they only do not postpone the stop. */
    double progress_score = INFINITY;
    int have_best = 0;
    size_t since_progress = 0;
    rc = CAEREC_OK;
    for (size_t e = 0; e < m->cfg.epochs; e++) {
        double t0 = now_seconds();
        caerec_epoch_report r = CAEREC_EPOCH_REPORT_INIT;
        rc = caerec_model_train_epoch(m, &r.train);
        if (rc)
            break;
        r.epoch = m->train->epoch;
        r.valid_loss = r.valid_rmse = r.valid_ndcg = NAN;
        if (valid && (rc = validate(m, valid, &vs, &r)))
            break;
        r.seconds = now_seconds() - t0;
        double score = valid ? watched(m, &r) : r.train.total;
        if (!valid || !have_best || score < best_score) {
            r.improved = 1;
            best_score = score;
            have_best = 1;
            best_r = r;
            if (best_params) {
                memcpy(best_params, m->params.data,
                       m->params.size * sizeof(float));
                if (n_prior)
                    memcpy(best_params + m->params.size, m->prior.state,
                           n_prior * sizeof(float));
                best_prior_fitted = m->prior.fitted;
            }
        }
        /* the first epoch is progress by definition (short-circuited:
         * its tolerance would be inf times min_improvement) */
        if (isinf(progress_score) ||
            score < progress_score -
                        m->cfg.min_improvement * fabs(progress_score)) {
            progress_score = score;
            since_progress = 0;
        } else {
            since_progress++;
        }
        if (callback && callback(&r, user))
            break;
        if (valid && m->cfg.patience && since_progress >= m->cfg.patience)
            break;
    }
    if (best_params && have_best) {
        memcpy(m->params.data, best_params, m->params.size * sizeof(float));
        if (n_prior) {
            memcpy(m->prior.state, best_params + m->params.size,
                   n_prior * sizeof(float));
            m->prior.fitted = best_prior_fitted;
            caerec__prior_update_centres(m);
        }
        caerec__infer_cache_invalidate(m);
    }
    caerec__free_floats(best_params);
    caerec__valid_set_free(&vs);
    if (best && have_best)
        copy_report(best, &best_r);
    return rc;
}
