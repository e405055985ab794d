/* One mini-batch step and one epoch: draw the next rows of the shuffled
 * epoch order, run the batch forward and backward, apply Adam. */
#include "common/alloc.h"
#include "common/error.h"
#include "model/batch.h"
#include "train/adam.h"
#include "train/train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int by_size_desc(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* The most input cells a batch can hold: the sum of the B longest rows. */
static int max_batch_cells(const caerec_csr *rows, size_t B, size_t *out)
{
    size_t *len = caerec__malloc_array(rows->n_rows, sizeof *len);
    if (!len)
        return CAEREC_ENOMEM;
    for (size_t r = 0; r < rows->n_rows; r++)
        len[r] = rows->ptr[r + 1] - rows->ptr[r];
    qsort(len, rows->n_rows, sizeof *len, by_size_desc);
    size_t cells = 0;
    for (size_t i = 0; i < B && i < rows->n_rows; i++)
        cells += len[i];
    free(len);
    *out = cells ? cells : 1;
    return CAEREC_OK;
}

int caerec__batch_ws_for(const caerec_model *m, const caerec_csr *inputs,
                         size_t B, caerec_batch_ws **out)
{
    size_t cells;
    int rc = max_batch_cells(inputs, B, &cells);
    if (rc)
        return rc;
    caerec_batch_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return CAEREC_ENOMEM;
    rc = caerec__batch_ws_alloc(ws, &m->dims, B, cells);
    if (rc) {
        free(ws);
        return rc;
    }
    *out = ws;
    return CAEREC_OK;
}

void caerec__batch_ws_destroy(caerec_batch_ws *ws)
{
    if (ws) {
        caerec__batch_ws_free(ws);
        free(ws);
    }
}

static int check_trainable(const caerec_model *m, const char *fn)
{
    if (!m)
        return caerec__fail(CAEREC_EINVAL, "%s: model is NULL", fn);
    if (!m->train)
        return caerec__fail(
            CAEREC_ESTATE,
            "%s: this model was loaded from a model file and has no optimizer "
            "state; train from a checkpoint instead",
            fn);
    return CAEREC_OK;
}

CAEREC_API int caerec_model_train_step(caerec_model *m, caerec_losses *out)
{
    int rc = check_trainable(m, __func__);
    if (rc)
        return rc;
    caerec_train_state *ts = m->train;
    size_t B = m->cfg.batch < m->dims.m ? m->cfg.batch : m->dims.m;
    caerec__prior_refresh(m); /* a resumed checkpoint's centres */
    if (!ts->ws) {
        if ((rc = caerec__batch_ws_for(m, &m->rows, B, &ts->ws)))
            return caerec__fail(
                rc, "%s: cannot allocate the training workspace", __func__);
        if (caerec__batch_ws_defer(ts->ws, &m->dims, m->cfg.threads))
            return caerec__fail(CAEREC_ENOMEM,
                                "%s: cannot allocate the training workspace",
                                __func__);
    }
    if (!ts->order_valid) {
        for (size_t r = 0; r < m->dims.m; r++)
            ts->order[r] = (uint32_t)r;
        caerec__rng_shuffle_u32(&ts->rng, ts->order, m->dims.m);
        ts->order_valid = 1;
        ts->cursor = 0;
    }
    size_t left = m->dims.m - ts->cursor;
    if (B > left)
        B = left;
    caerec_row *rows = ts->ws->rows;
    for (size_t b = 0; b < B; b++)
        rows[b] = caerec__csr_row(&m->rows, ts->order[ts->cursor + b]);

    caerec_losses loss;
    caerec__batch_run(m, rows, rows, B, &ts->rng, ts->ws, ts->grad, &loss,
                      m->cfg.threads);
    caerec__infer_cache_invalidate(m);
    double t0 = caerec__now();
    double l2 =
        isfinite(loss.total) ? caerec__adam_step(m, ts->grad, ts->ws) : NAN;
    ts->ws->phase_seconds[CAEREC_PHASE_OPTIMIZER] += caerec__now() - t0;
    if (!isfinite(l2))
        return caerec__fail(CAEREC_ENUMERIC,
                            "training diverged at epoch %u, step %llu: %s is "
                            "not finite (loss %g); the step was not applied, "
                            "try a smaller learning rate (option lr = %g)",
                            ts->epoch + 1, (unsigned long long)ts->step + 1,
                            isfinite(loss.total) ? "the gradient" : "the loss",
                            loss.total, m->cfg.lr);
    loss.l2 = l2;
    loss.total += l2;
    if (out)
        *out = loss;
    ts->cursor += B;
    if (ts->cursor < m->dims.m)
        return CAEREC_OK;
    ts->cursor = 0;
    ts->order_valid = 0;
    t0 = caerec__now();
    caerec__prior_refit(m); /* decoder-l2 regressed: the next epoch's prior */
    ts->ws->phase_seconds[CAEREC_PHASE_PRIOR] += caerec__now() - t0;
    ts->epoch++;
    ts->lr *= caerec__epoch_lr_decay(&m->cfg, m->dims.m);
    return 1;
}

CAEREC_API int caerec_model_train_epoch(caerec_model *m, caerec_losses *out)
{
    int rc = check_trainable(m, __func__);
    if (rc)
        return rc;
    caerec_losses sum = {0}, step;
    size_t steps = 0;
    do {
        rc = caerec_model_train_step(m, &step);
        if (rc < 0)
            return rc;
        sum.sample += step.sample;
        sum.rating += step.rating;
        sum.error += step.error;
        sum.l2 += step.l2;
        sum.total += step.total;
        steps++;
    } while (rc != 1);
    if (out) {
        out->sample = sum.sample / steps;
        out->rating = sum.rating / steps;
        out->error = sum.error / steps;
        out->l2 = sum.l2 / steps;
        out->total = sum.total / steps;
    }
    return CAEREC_OK;
}
