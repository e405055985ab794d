/* lib/kernels/activation: the float kernels against the double reference
 * caerec__act_eval / caerec__act_deriv, and the reference derivative against
 * finite differences of the reference function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "caerec.h"
#include "kernels/activation.h"

static const int all_acts[] = {CAEREC_ACT_IDENTITY, CAEREC_ACT_RELU,
                               CAEREC_ACT_SIGMOID,  CAEREC_ACT_TANH,
                               CAEREC_ACT_SELU,     CAEREC_ACT_ELU};
#define N_ACTS (sizeof all_acts / sizeof all_acts[0])

/* Inputs on both sides of 0, near 0, and where the curves saturate. */
static const float xs[] = {-30.0f, -12.0f, -5.0f, -2.5f, -1.0f, -0.3f,
                           -1e-3f, -1e-7f, 0.0f,  1e-7f, 1e-3f, 0.25f,
                           0.7f,   1.0f,   2.0f,  4.5f,  9.0f,  30.0f};
#define N_XS (sizeof xs / sizeof xs[0])

static int close_enough(double got, double want, double rel, double abs_tol)
{
    return fabs(got - want) <= abs_tol + rel * fabs(want);
}

static void forward_matches_reference(void **state)
{
    (void)state;
    for (size_t a = 0; a < N_ACTS; a++) {
        float y[N_XS];
        caerec__act_forward(all_acts[a], xs, y, N_XS);
        for (size_t i = 0; i < N_XS; i++) {
            double want = caerec__act_eval(all_acts[a], xs[i]);
            if (!close_enough(y[i], want, 2e-6, 1e-7))
                fail_msg("act %d at x=%g: got %.9g, want %.9g", all_acts[a],
                         (double)xs[i], (double)y[i], want);
        }
        /* In place (y aliasing x) gives the same values. */
        float z[N_XS];
        for (size_t i = 0; i < N_XS; i++)
            z[i] = xs[i];
        caerec__act_forward(all_acts[a], z, z, N_XS);
        for (size_t i = 0; i < N_XS; i++)
            assert_true(z[i] == y[i]);
    }
}

static void backward_matches_reference(void **state)
{
    (void)state;
    for (size_t a = 0; a < N_ACTS; a++) {
        float y[N_XS], grad[N_XS];
        caerec__act_forward(all_acts[a], xs, y, N_XS);
        for (size_t i = 0; i < N_XS; i++)
            grad[i] = (float)(0.5 + 0.1 * (double)i) * (i % 2 ? -1.0f : 1.0f);
        caerec__act_backward(all_acts[a], xs, y, grad, N_XS);
        for (size_t i = 0; i < N_XS; i++) {
            double up =
                (double)(float)(0.5 + 0.1 * (double)i) * (i % 2 ? -1.0 : 1.0);
            double want = up * caerec__act_deriv(all_acts[a], xs[i]);
            /* Backward works from float y, so allow float rounding of
             * y (and of 1 - y^2 for tanh near saturation). */
            if (!close_enough(grad[i], want, 1e-5, 2e-6))
                fail_msg("act %d at x=%g: got %.9g, want %.9g", all_acts[a],
                         (double)xs[i], (double)grad[i], want);
        }
    }
}

/* Central differences of the double reference, away from the kinks at 0
 * (ReLU, SELU and ELU are not differentiable there, or only one-sided). */
static void reference_derivative_matches_finite_differences(void **state)
{
    (void)state;
    for (size_t a = 0; a < N_ACTS; a++)
        for (double x = -8.0; x <= 8.0; x += 0.37) {
            if (fabs(x) < 1e-3)
                continue;
            const double h = 1e-6;
            double fd = (caerec__act_eval(all_acts[a], x + h) -
                         caerec__act_eval(all_acts[a], x - h)) /
                        (2 * h);
            double d = caerec__act_deriv(all_acts[a], x);
            if (!close_enough(d, fd, 1e-6, 1e-8))
                fail_msg("act %d at x=%g: deriv %.12g, finite diff %.12g",
                         all_acts[a], x, d, fd);
        }
}

/* The float backward pass against finite differences of the float forward
 * pass, the way training uses them together. */
static void float_kernels_agree_with_each_other(void **state)
{
    (void)state;
    for (size_t a = 0; a < N_ACTS; a++)
        for (float x = -4.0f; x <= 4.0f; x += 0.29f) {
            if (fabsf(x) < 0.05f)
                continue;
            const float h = 1e-2f;
            float in[3] = {x - h, x, x + h}, out[3];
            caerec__act_forward(all_acts[a], in, out, 3);
            double fd = ((double)out[2] - (double)out[0]) / (2.0 * h);
            float g = 1.0f;
            caerec__act_backward(all_acts[a], &in[1], &out[1], &g, 1);
            /* O(h^2) truncation plus float rounding of out / h. */
            if (!close_enough(g, fd, 2e-3, 2e-4))
                fail_msg("act %d at x=%g: backward %.7g, finite diff %.7g",
                         all_acts[a], (double)x, (double)g, fd);
        }
}

/* Saturated inputs give finite values and gradients, never NaN. */
static void extremes_stay_finite(void **state)
{
    (void)state;
    const float ext[] = {-1e30f, -100.0f, 100.0f, 1e30f};
    for (size_t a = 0; a < N_ACTS; a++) {
        float y[4], g[4] = {1, 1, 1, 1};
        caerec__act_forward(all_acts[a], ext, y, 4);
        caerec__act_backward(all_acts[a], ext, y, g, 4);
        for (int i = 0; i < 4; i++) {
            assert_false(isnan(y[i]));
            assert_true(isfinite(g[i]));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forward_matches_reference),
        cmocka_unit_test(backward_matches_reference),
        cmocka_unit_test(reference_derivative_matches_finite_differences),
        cmocka_unit_test(float_kernels_agree_with_each_other),
        cmocka_unit_test(extremes_stay_finite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
