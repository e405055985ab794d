#include "kernels/softmax.h"

#include <math.h>

double caerec__logsumexp(const float *x, size_t n, size_t stride)
{
    float mx = x[0];
    for (size_t i = 1; i < n; i++)
        if (x[i * stride] > mx)
            mx = x[i * stride];
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += exp((double)x[i * stride] - mx);
    return mx + log(sum);
}

double caerec__softmax(const float *x, size_t n, size_t stride, float *p)
{
    /* Divide by the sum rather than subtract lse: for |max| above ~1e15,
     * max + log(sum) rounds back to max in double and the p would no
     * longer sum to 1. */
    float mx = x[0];
    for (size_t i = 1; i < n; i++)
        if (x[i * stride] > mx)
            mx = x[i * stride];
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += exp((double)x[i * stride] - mx);
    double inv = 1.0 / sum;
    for (size_t i = 0; i < n; i++)
        p[i] = (float)(exp((double)x[i * stride] - mx) * inv);
    return mx + log(sum);
}
