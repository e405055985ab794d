/* Adam with coupled L2 (the spec: Adam on grad(L) + lambda * theta). */
#ifndef CAEREC_TRAIN_ADAM_H
#define CAEREC_TRAIN_ADAM_H

#include "model/batch.h"

/* Applies one Adam step with gradient `grad` (data terms only; lambda_t *
 * (theta - centre) is added here, lambda_t = caerec__tensor_l2) and
 * learning rate ts->lr. When ws is non-NULL and ws->defer_dW is set, the W
 * and V parts of grad are ignored: dW = H^T G is computed from the
 * workspace block by block, dV column by column from its cells, and each
 * block applied as it comes. Returns the L2 penalty of the
 * parameters before the step, 1/2 sum_t lambda_t |theta_t - centre_t|^2,
 * or NaN without touching anything when the gradient holds (or, for the
 * deferred dW and dV, could produce) a NaN or Inf: the parameters then stay at
 * their last good values. */
double caerec__adam_step(caerec_model *model, const float *grad,
                         caerec_batch_ws *ws);

#endif
