/* The activations phi, g and psi of the model, applied elementwise. */
#ifndef CAEREC_KERNELS_ACTIVATION_H
#define CAEREC_KERNELS_ACTIVATION_H

#include <stddef.h>

/* y[i] = act(x[i]); y may alias x. act is a caerec_activation value. */
void caerec__act_forward(int act, const float *x, float *y, size_t n);

/* grad[i] *= act'(x[i]), given the input x and output y = act(x) (each
 * activation uses whichever is cheaper). */
void caerec__act_backward(int act, const float *x, const float *y, float *grad,
                          size_t n);

/* Double-precision scalar versions, for reference checks in tests. */
double caerec__act_eval(int act, double x);
double caerec__act_deriv(int act, double x);

#endif
