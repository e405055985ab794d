/* decoder-l2 regressed: fitting the per-row shifts dQ and the columns'
 * centres (prior.h). X maps rows to columns (X_j = mean over R_j); the
 * normal equations (X^T X + mu I) dQ = X^T (W - Wbar) are solved by
 * conjugate gradients, each product with X or X^T a pass over the
 * interactions with rows of `width` floats. */
#include "model/prior.h"

#include "common/alloc.h"
#include "model/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int regressed(const caerec_model *m)
{
    return m->cfg.decoder_l2 == CAEREC_DECODER_L2_REGRESSED;
}

/* The rows of each column. */
static const caerec_csr *col_rows(const caerec_model *m)
{
    return m->cfg.orientation == CAEREC_ORIENT_ITEM ? &m->by_user
                                                    : &m->prior.col_rows;
}

int caerec__prior_ridge(double *mu, const caerec_csr *rows)
{
    if (!isnan(*mu))
        return CAEREC_OK;
    size_t *count = calloc(rows->n_cols ? rows->n_cols : 1, sizeof *count);
    if (!count)
        return CAEREC_ENOMEM;
    for (size_t i = 0; i < rows->nnz; i++)
        count[rows->col[i]]++;
    double diag = 0.0;
    for (size_t j = 0; j < rows->n_cols; j++)
        if (count[j])
            diag += 1.0 / (double)count[j];
    free(count);
    diag /= (double)(rows->n_rows ? rows->n_rows : 1);
    *mu = diag > 0 ? CAEREC_PRIOR_RIDGE_SCALE * diag : 1.0;
    return CAEREC_OK;
}

size_t caerec__prior_state_floats(const caerec_model *m)
{
    return regressed(m) ? m->prior.width * (m->dims.m + 1) : 0;
}

int caerec__prior_alloc(caerec_model *m)
{
    caerec_prior *pr = &m->prior;
    pr->width = m->dims.d * m->dims.c2;
    if (!regressed(m))
        return CAEREC_OK;
    pr->state =
        caerec__calloc_array(caerec__prior_state_floats(m), sizeof(float));
    return pr->state ? CAEREC_OK : CAEREC_ENOMEM;
}

int caerec__prior_train_alloc(caerec_model *m)
{
    caerec_prior *pr = &m->prior;
    if (!regressed(m))
        return CAEREC_OK;
    const size_t w = pr->width, rows = m->dims.m, cols = m->dims.n;
    pr->centre = caerec__alloc_floats(cols * w);
    pr->r = caerec__alloc_floats(rows * w);
    pr->p = caerec__alloc_floats(rows * w);
    pr->Ap = caerec__alloc_floats(rows * w);
    pr->Xp = caerec__alloc_floats(cols * w);
    if (!pr->centre || !pr->r || !pr->p || !pr->Ap || !pr->Xp)
        return CAEREC_ENOMEM;
    if (m->cfg.orientation != CAEREC_ORIENT_ITEM &&
        caerec__csr_transpose(&pr->col_rows, &m->rows))
        return CAEREC_ENOMEM;
    pr->stale = pr->fitted;
    return CAEREC_OK;
}

void caerec__prior_refresh(caerec_model *m)
{
    if (m->prior.stale && m->prior.centre)
        caerec__prior_update_centres(m);
}

void caerec__prior_free(caerec_prior *pr)
{
    free(pr->state);
    caerec__free_floats(pr->centre);
    caerec__free_floats(pr->r);
    caerec__free_floats(pr->p);
    caerec__free_floats(pr->Ap);
    caerec__free_floats(pr->Xp);
    caerec__csr_free(&pr->col_rows);
    memset(pr, 0, sizeof *pr);
}

/* out_j = X_j x = mean of x_r over the rows of column j (0 for a column of
 * no rows): n x width. Each column is summed in row order, so the result
 * does not depend on the thread count. */
static void apply_X(const caerec_model *m, const float *x, float *out)
{
    const caerec_csr *cr = col_rows(m);
    const size_t w = m->prior.width, n = m->dims.n;
#pragma omp parallel for num_threads(m->cfg.threads) if (m->cfg.threads > 1)   \
    schedule(static)
    for (size_t j = 0; j < n; j++) {
        float *o = out + j * w;
        memset(o, 0, w * sizeof *o);
        size_t a = cr->ptr[j], b = cr->ptr[j + 1];
        for (size_t i = a; i < b; i++) {
            const float *xr = x + (size_t)cr->col[i] * w;
            for (size_t k = 0; k < w; k++)
                o[k] += xr[k];
        }
        float s = b > a ? 1.0f / (float)(b - a) : 0.0f;
        for (size_t k = 0; k < w; k++)
            o[k] *= s;
    }
}

/* out_r = sum_{j in row r} y_j / |R_j| + mu x_r (x NULL: no mu term):
 * m x width, X^T y + mu x. */
static void apply_XT(const caerec_model *m, const float *y, const float *x,
                     float mu, float *out)
{
    const caerec_csr *rows = &m->rows, *cr = col_rows(m);
    const size_t w = m->prior.width, M = m->dims.m;
#pragma omp parallel for num_threads(m->cfg.threads) if (m->cfg.threads > 1)   \
    schedule(static)
    for (size_t r = 0; r < M; r++) {
        float *o = out + r * w;
        if (x)
            for (size_t k = 0; k < w; k++)
                o[k] = mu * x[r * w + k];
        else
            memset(o, 0, w * sizeof *o);
        for (size_t i = rows->ptr[r]; i < rows->ptr[r + 1]; i++) {
            size_t j = rows->col[i];
            float s = 1.0f / (float)(cr->ptr[j + 1] - cr->ptr[j]);
            const float *yj = y + j * w;
            for (size_t k = 0; k < w; k++)
                o[k] += s * yj[k];
        }
    }
}

/* In order, in double: the same sum at any thread count. */
static double dot(const float *a, const float *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

/* W's layout holds column j's value k = h c2 + c at W[h n c2 + j c2 + c],
 * the solver's at cols[j width + k]. columns_from_W: cols = W - base;
 * columns_to_W: W = base + cols (base: one column, width values). */
static void columns_from_W(const caerec_model *m, const float *W,
                           const float *base, float *out)
{
    const size_t d = m->dims.d, c2 = m->dims.c2, n = m->dims.n,
                 w = m->prior.width;
    for (size_t h = 0; h < d; h++)
        for (size_t j = 0; j < n; j++)
            for (size_t c = 0; c < c2; c++)
                out[j * w + h * c2 + c] =
                    W[h * n * c2 + j * c2 + c] - base[h * c2 + c];
}

static void columns_to_W(const caerec_model *m, const float *cols,
                         const float *base, float *W)
{
    const size_t d = m->dims.d, c2 = m->dims.c2, n = m->dims.n,
                 w = m->prior.width;
    for (size_t h = 0; h < d; h++)
        for (size_t j = 0; j < n; j++)
            for (size_t c = 0; c < c2; c++)
                W[h * n * c2 + j * c2 + c] =
                    base[h * c2 + c] + cols[j * w + h * c2 + c];
}

void caerec__prior_update_centres(caerec_model *m)
{
    caerec_prior *pr = &m->prior;
    apply_X(m, pr->state + pr->width, pr->Xp);
    columns_to_W(m, pr->Xp, pr->state, pr->centre);
    pr->stale = 0;
}

void caerec__prior_refit(caerec_model *m)
{
    caerec_prior *pr = &m->prior;
    if (!regressed(m) || !pr->centre)
        return;
    const size_t MW = m->dims.m * pr->width;
    const float mu = (float)m->cfg.decoder_l2_ridge;
    float *wbar = pr->state, *dQ = pr->state + pr->width;
    float *r = pr->r, *p = pr->p, *Ap = pr->Ap;
    caerec__decoder_column_mean(m, wbar);
    /* r = X^T (W - Wbar) - (X^T X + mu) dQ, then p = r */
    columns_from_W(m, m->params.W, wbar, pr->Xp);
    apply_XT(m, pr->Xp, NULL, 0.0f, r);
    apply_X(m, dQ, pr->Xp);
    apply_XT(m, pr->Xp, dQ, mu, Ap);
    for (size_t i = 0; i < MW; i++)
        r[i] -= Ap[i];
    memcpy(p, r, MW * sizeof *p);
    double rr = dot(r, r, MW);
    for (int it = 0; it < CAEREC_PRIOR_CG_STEPS && rr > 0; it++) {
        apply_X(m, p, pr->Xp);
        apply_XT(m, pr->Xp, p, mu, Ap);
        double pAp = dot(p, Ap, MW);
        if (!(pAp > 0)) /* converged to rounding, or non-finite input */
            break;
        float alpha = (float)(rr / pAp);
        for (size_t i = 0; i < MW; i++) {
            dQ[i] += alpha * p[i];
            r[i] -= alpha * Ap[i];
        }
        double rr2 = dot(r, r, MW);
        float beta = (float)(rr2 / rr);
        rr = rr2;
        for (size_t i = 0; i < MW; i++)
            p[i] = r[i] + beta * p[i];
    }
    pr->fitted = 1;
    caerec__prior_update_centres(m);
}

const float *caerec__prior_centres(const caerec_model *m)
{
    return regressed(m) && m->prior.fitted && !m->prior.stale ? m->prior.centre
                                                              : NULL;
}

void caerec__prior_column_centre(const caerec_model *m, const uint32_t *rows,
                                 size_t count, float *out)
{
    const caerec_prior *pr = &m->prior;
    const size_t w = pr->width;
    if (!pr->fitted) {
        caerec__decoder_column_mean(m, out);
        return;
    }
    const float *dQ = pr->state + w;
    memset(out, 0, w * sizeof *out);
    for (size_t i = 0; i < count; i++)
        for (size_t k = 0; k < w; k++)
            out[k] += dQ[(size_t)rows[i] * w + k];
    float s = count ? 1.0f / (float)count : 0.0f;
    for (size_t k = 0; k < w; k++)
        out[k] = pr->state[k] + out[k] * s;
}
