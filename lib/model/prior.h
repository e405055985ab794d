/* decoder-l2 regressed: a centre of its own for every decoder column.
 *
 * With decoder-l2 column-mean the L2 pulls every column W_j toward the mean
 * column Wbar. Here it pulls W_j toward
 *
 *     C_j = Wbar + 1/|R_j| sum_{r in R_j} dQ_r
 *
 * R_j being the rows that hold column j (in item orientation: the items a
 * user consumed) and dQ_r (d x C2 numbers per row) a ridge regression of
 * the columns' deviations on their rows:
 *
 *     dQ = argmin sum_j |W_j - Wbar - X_j dQ|^2 + mu |dQ|^2,
 *     X_j = the mean over R_j.
 *
 * dQ and Wbar are refitted at the end of every epoch (a few conjugate-
 * gradient steps on the normal equations, warm-started from the previous
 * dQ) and held fixed during the next one, so the prior is an empirical-
 * Bayes estimate from the previous epoch's columns. Before the first refit
 * the centre is the per-step column mean, as with column-mean. A column
 * fitted later (fold-in of a new user) gets the same centre from its rows.
 *
 * The state that defines the centres, Wbar and dQ, is part of the model
 * (model files and checkpoints hold it); the centres themselves, in W's
 * layout, and the solver's scratch exist only while training. */
#ifndef CAEREC_MODEL_PRIOR_H
#define CAEREC_MODEL_PRIOR_H

#include "data/dataset.h"

#include <stddef.h>

/* Conjugate-gradient steps per refit. Warm-started, 10 leave the residual
 * of ML-1M's normal equations at ~1% of the first epoch's. */
#define CAEREC_PRIOR_CG_STEPS 10

typedef struct caerec_prior {
    int fitted;   /* state holds a fit (an epoch has ended) */
    int stale;    /* centres not yet made from the state (after a load) */
    size_t width; /* d * C2, the numbers of one column */
    float *state; /* Wbar (width) then dQ (m x width, row r at r * width);
                     both in a column's layout: [h * C2 + c] */
    /* while training only */
    float *centre;       /* d x n*C2 in W's layout: C_j of every column */
    float *r, *p, *Ap;   /* m x width each: conjugate-gradient vectors */
    float *Xp;           /* n x width */
    caerec_csr col_rows; /* user orientation: the rows of each column (item
                            orientation has them as model->by_user) */
} caerec_prior;

struct caerec_model;

/* The default mu, as a multiple of the mean diagonal of X^T X. */
#define CAEREC_PRIOR_RIDGE_SCALE 4.0

/* mu: the configured decoder-l2-ridge, or for NaN CAEREC_PRIOR_RIDGE_SCALE
 * times the mean diagonal of X^T X over the model's rows (`rows`, model
 * orientation), (1/m) sum_j 1/|R_j|. That diagonal is what the data weigh
 * on each row's shift; a ridge relative to it shrinks the shifts alike on
 * any catalogue, where a constant lets them follow the columns when rows
 * hold many short columns (docs/model.md). */
/* Resolves *mu in place; 0 or CAEREC_ENOMEM (the column counts). */
int caerec__prior_ridge(double *mu, const caerec_csr *rows);

/* Floats of the persistent state, Wbar and dQ: width * (m + 1). */
size_t caerec__prior_state_floats(const struct caerec_model *m);

/* Allocates the zeroed persistent state when the model's decoder-l2 is
 * regressed (nothing otherwise). 0 or CAEREC_ENOMEM. */
int caerec__prior_alloc(struct caerec_model *m);
/* Allocates the centres and scratch for training (after the model's rows
 * exist). When the state holds a fit (a resumed checkpoint) the centres
 * are left stale: loading does no work sized by the model and starts no
 * threads, and the first training step makes them
 * (caerec__prior_refresh). 0 or CAEREC_ENOMEM. */
int caerec__prior_train_alloc(struct caerec_model *m);
/* Makes stale centres from the state; a no-op otherwise. */
void caerec__prior_refresh(struct caerec_model *m);
void caerec__prior_free(caerec_prior *pr);

/* Refits Wbar and dQ to the current W and recomputes the centres. Called at
 * the end of an epoch. The result does not depend on the thread count. */
void caerec__prior_refit(struct caerec_model *m);
/* Recomputes the centres from the state (after it was restored). */
void caerec__prior_update_centres(struct caerec_model *m);

/* The centres in W's layout when the L2 pulls toward them (decoder-l2
 * regressed after the first refit, while training, once refreshed), else
 * NULL. */
const float *caerec__prior_centres(const struct caerec_model *m);

/* The centre of a column that holds the `count` rows `rows` (fold-in):
 * width numbers in a column's layout. Falls back to the current column
 * mean when there is no fit. */
void caerec__prior_column_centre(const struct caerec_model *m,
                                 const uint32_t *rows, size_t count,
                                 float *out);

#endif
