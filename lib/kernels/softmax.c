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
    double lse = caerec__logsumexp(x, n, stride);
    for (size_t i = 0; i < n; i++)
        p[i] = (float)exp((double)x[i * stride] - lse);
    return lse;
}
