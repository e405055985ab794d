/* lib/kernels/softmax: agreement with a double-precision reference, and no
 * NaN or Inf for any finite logits, however large or small. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <math.h>

#include "common/rng.h"
#include "kernels/softmax.h"

/* Reference in double over strided x; returns lse and fills p. */
static double ref_softmax(const float *x, size_t n, size_t stride, double *p)
{
    double mx = -INFINITY;
    for (size_t i = 0; i < n; i++)
        mx = fmax(mx, x[i * stride]);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += exp((double)x[i * stride] - mx);
    for (size_t i = 0; i < n; i++)
        p[i] = exp((double)x[i * stride] - mx) / sum;
    return mx + log(sum);
}

static void check_against_reference(const float *x, size_t n, size_t stride)
{
    float p[256];
    double ref[256];
    assert_true(n <= 256);
    double lse = caerec__softmax(x, n, stride, p);
    double ref_lse = ref_softmax(x, n, stride, ref);
    assert_true(isfinite(lse));
    assert_true(fabs(lse - ref_lse) <= 1e-9 * fmax(1.0, fabs(ref_lse)));
    assert_true(fabs(caerec__logsumexp(x, n, stride) - lse) <=
                1e-12 * fmax(1.0, fabs(lse)));
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(isfinite(p[i]));
        assert_true(p[i] >= 0.0f && p[i] <= 1.0f);
        assert_true(fabs(p[i] - ref[i]) <= 1e-6 * ref[i] + 1e-30);
        sum += p[i];
    }
    assert_true(fabs(sum - 1.0) < 1e-5);
}

static void matches_reference_on_random_logits(void **state)
{
    (void)state;
    caerec_rng r;
    caerec__rng_seed(&r, 11);
    const size_t ns[] = {1, 2, 5, 64, 200};
    const size_t strides[] = {1, 3};
    const double scales[] = {0.1, 3.0, 30.0};
    for (size_t a = 0; a < 5; a++)
        for (size_t b = 0; b < 2; b++)
            for (size_t c = 0; c < 3; c++) {
                float x[600];
                for (size_t i = 0; i < ns[a] * strides[b]; i++)
                    x[i] =
                        (float)((caerec__rng_uniform(&r) * 2 - 1) * scales[c]);
                check_against_reference(x, ns[a], strides[b]);
            }
}

static void huge_and_tiny_logits_stay_finite(void **state)
{
    (void)state;
    const float big[] = {1e30f, -1e30f, 88.0f, 1000.0f, 0.0f};
    check_against_reference(big, 5, 1);

    const float extremes[] = {FLT_MAX, -FLT_MAX, FLT_MAX, 0.0f};
    float p[4];
    double lse = caerec__softmax(extremes, 4, 1, p);
    assert_true(isfinite(lse));
    assert_true(fabsf(p[0] - 0.5f) < 1e-6f && fabsf(p[2] - 0.5f) < 1e-6f);
    assert_true(p[1] == 0.0f && p[3] == 0.0f);

    /* All very negative and equal: uniform, not 0/0. */
    const float low[] = {-1e30f, -1e30f, -1e30f, -1e30f};
    caerec__softmax(low, 4, 1, p);
    for (int i = 0; i < 4; i++)
        assert_true(fabsf(p[i] - 0.25f) < 1e-7f);

    /* -FLT_MAX everywhere. */
    const float lowest[] = {-FLT_MAX, -FLT_MAX};
    lse = caerec__softmax(lowest, 2, 1, p);
    assert_true(isfinite(lse));
    assert_true(fabsf(p[0] - 0.5f) < 1e-7f && fabsf(p[1] - 0.5f) < 1e-7f);

    /* Denormal-sized logits behave like zeros. */
    const float tiny[] = {1e-40f, -1e-40f, 0.0f};
    check_against_reference(tiny, 3, 1);
}

static void single_value_is_certain(void **state)
{
    (void)state;
    const float x[] = {-123.5f};
    float p[1];
    double lse = caerec__softmax(x, 1, 1, p);
    assert_true(p[0] == 1.0f);
    assert_true(lse == -123.5);
}

/* Only every stride-th value is read: the others may be anything. */
static void stride_skips_other_values(void **state)
{
    (void)state;
    const float x[] = {1.0f, NAN, INFINITY, 2.0f, NAN, -INFINITY, 3.0f};
    check_against_reference(x, 3, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_reference_on_random_logits),
        cmocka_unit_test(huge_and_tiny_logits_stay_finite),
        cmocka_unit_test(single_value_is_certain),
        cmocka_unit_test(stride_skips_other_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
