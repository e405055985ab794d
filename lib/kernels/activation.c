#include "kernels/activation.h"

#include "caerec.h"

#include <math.h>

/* SELU constants from Klambauer et al. 2017. */
#define SELU_ALPHA 1.6732632423543772f
#define SELU_SCALE 1.0507009873554805f

void caerec__act_forward(int act, const float *x, float *y, size_t n)
{
    switch (act) {
    case CAEREC_ACT_IDENTITY:
        if (y != x)
            for (size_t i = 0; i < n; i++)
                y[i] = x[i];
        break;
    case CAEREC_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    case CAEREC_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            y[i] = 1.0f / (1.0f + expf(-x[i]));
        break;
    case CAEREC_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            y[i] = tanhf(x[i]);
        break;
    case CAEREC_ACT_SELU:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] > 0.0f ? SELU_SCALE * x[i]
                               : SELU_SCALE * SELU_ALPHA * expm1f(x[i]);
        break;
    case CAEREC_ACT_ELU:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] > 0.0f ? x[i] : expm1f(x[i]);
        break;
    default: break;
    }
}

void caerec__act_backward(int act, const float *x, const float *y, float *grad,
                          size_t n)
{
    switch (act) {
    case CAEREC_ACT_IDENTITY: break;
    case CAEREC_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            grad[i] = x[i] > 0.0f ? grad[i] : 0.0f;
        break;
    case CAEREC_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            grad[i] *= y[i] * (1.0f - y[i]);
        break;
    case CAEREC_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            grad[i] *= 1.0f - y[i] * y[i];
        break;
    case CAEREC_ACT_SELU:
        /* for x <= 0, y = s*a*(e^x - 1), so y' = y + s*a */
        for (size_t i = 0; i < n; i++)
            grad[i] *=
                x[i] > 0.0f ? SELU_SCALE : y[i] + SELU_SCALE * SELU_ALPHA;
        break;
    case CAEREC_ACT_ELU:
        for (size_t i = 0; i < n; i++)
            grad[i] *= x[i] > 0.0f ? 1.0f : y[i] + 1.0f;
        break;
    default: break;
    }
}

double caerec__act_eval(int act, double x)
{
    switch (act) {
    case CAEREC_ACT_RELU: return x > 0 ? x : 0;
    case CAEREC_ACT_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case CAEREC_ACT_TANH: return tanh(x);
    case CAEREC_ACT_SELU:
        return x > 0 ? (double)SELU_SCALE * x
                     : (double)SELU_SCALE * (double)SELU_ALPHA * expm1(x);
    case CAEREC_ACT_ELU: return x > 0 ? x : expm1(x);
    default: return x;
    }
}

double caerec__act_deriv(int act, double x)
{
    switch (act) {
    case CAEREC_ACT_RELU: return x > 0 ? 1 : 0;
    case CAEREC_ACT_SIGMOID: {
        double s = 1.0 / (1.0 + exp(-x));
        return s * (1 - s);
    }
    case CAEREC_ACT_TANH: return 1 - tanh(x) * tanh(x);
    case CAEREC_ACT_SELU:
        return x > 0 ? (double)SELU_SCALE
                     : (double)SELU_SCALE * (double)SELU_ALPHA * exp(x);
    case CAEREC_ACT_ELU: return x > 0 ? 1 : exp(x);
    default: return 1;
    }
}
