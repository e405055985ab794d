/* Adam with coupled L2 (the spec: Adam on grad(L) + lambda * theta). */
#ifndef CAEREC_TRAIN_ADAM_H
#define CAEREC_TRAIN_ADAM_H

#include "model/model.h"

/* Applies one Adam step with gradient `grad` (data terms only; lambda *
 * theta is added here for the decayed tensors) and learning rate ts->lr.
 * Returns the L2 penalty lambda/2 |theta|^2 of the parameters before the
 * step, or NaN without touching anything when the gradient holds a NaN or
 * Inf (the parameters then stay at their last good values). */
double caerec__adam_step(caerec_model *model, const float *grad);

#endif
