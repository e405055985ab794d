/* Softmax with max-subtraction (log-sum-exp), so no finite input gives
 * NaN or Inf. */
#ifndef CAEREC_KERNELS_SOFTMAX_H
#define CAEREC_KERNELS_SOFTMAX_H

#include <stddef.h>

/* log(sum_i exp(x[i * stride])) over n >= 1 values, in double. */
double caerec__logsumexp(const float *x, size_t n, size_t stride);

/* p[i] = exp(x[i*stride] - lse) for n values, written contiguously; returns
 * lse. p must not alias x unless stride == 1. */
double caerec__softmax(const float *x, size_t n, size_t stride, float *p);

#endif
