/* lib/kernels/gemm: caerec__sgemm against a naive triple loop in double,
 * for every transpose combination, odd sizes, padded leading dimensions,
 * K = 0, beta = 0 over NaN, and argument checks that must stop bad calls
 * before BLIS (which would abort the process). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/rng.h"
#include "kernels/gemm.h"

/* BLIS 0.9's packing kernels may load (not use) a few floats past the end
 * of A or B when M, N or K is 1: valgrind shows 4-byte reads just past
 * exact-size blocks. The library's matrices come from caerec__alloc_floats;
 * here every matrix gets SLACK floats of NaN after it, so such a read stays
 * inside the block and a value actually used would turn the result NaN. */
#define SLACK 16

static float *filled(size_t n, float value)
{
    float *p = malloc((n + SLACK) * sizeof *p);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = value;
    for (size_t i = n; i < n + SLACK; i++)
        p[i] = NAN;
    return p;
}

struct shape {
    size_t M, N, K;
};

/* One case: op(A) is M x K, op(B) is K x N, all row-major with leading
 * dimensions `pad` wider than needed. Padding holds NaN in A and B (it must
 * never be read) and a sentinel in C (it must never be written). */
static void run_case(struct shape s, bool ta, bool tb, size_t pad, float alpha,
                     float beta, bool nan_c, int threads, caerec_rng *r)
{
    size_t a_rows = ta ? s.K : s.M, a_cols = ta ? s.M : s.K;
    size_t b_rows = tb ? s.N : s.K, b_cols = tb ? s.K : s.N;
    size_t lda = a_cols + pad, ldb = b_cols + pad, ldc = s.N + pad;
    float *A = filled(a_rows * lda, NAN);
    float *B = filled(b_rows * ldb, NAN);
    float *C = filled(s.M * ldc, -777.0f);
    for (size_t i = 0; i < a_rows; i++)
        for (size_t j = 0; j < a_cols; j++)
            A[i * lda + j] = (float)(caerec__rng_uniform(r) * 2 - 1);
    for (size_t i = 0; i < b_rows; i++)
        for (size_t j = 0; j < b_cols; j++)
            B[i * ldb + j] = (float)(caerec__rng_uniform(r) * 2 - 1);
    for (size_t i = 0; i < s.M; i++)
        for (size_t j = 0; j < s.N; j++)
            C[i * ldc + j] =
                nan_c ? NAN : (float)(caerec__rng_uniform(r) * 2 - 1);

    /* Reference, with a bound on the rounding error of each entry. */
    double *ref = calloc(s.M * s.N + 1, sizeof *ref);
    double *mag = calloc(s.M * s.N + 1, sizeof *mag);
    assert_non_null(ref);
    assert_non_null(mag);
    for (size_t i = 0; i < s.M; i++)
        for (size_t j = 0; j < s.N; j++) {
            double acc = 0, m = 0;
            for (size_t k = 0; k < s.K; k++) {
                double a = ta ? A[k * lda + i] : A[i * lda + k];
                double b = tb ? B[j * ldb + k] : B[k * ldb + j];
                acc += a * b;
                m += fabs(a * b);
            }
            double c = beta == 0.0f ? 0.0 : (double)beta * C[i * ldc + j];
            ref[i * s.N + j] = alpha * acc + c;
            mag[i * s.N + j] = fabs(alpha) * m + fabs(c);
        }

    assert_int_equal(caerec__sgemm(threads, ta, tb, s.M, s.N, s.K, alpha, A,
                                   lda, B, ldb, beta, C, ldc),
                     0);

    for (size_t i = 0; i < s.M; i++) {
        for (size_t j = 0; j < s.N; j++) {
            double got = C[i * ldc + j], want = ref[i * s.N + j];
            double tol = 1e-5 * mag[i * s.N + j] + 1e-6;
            if (!(fabs(got - want) <= tol))
                fail_msg("M=%zu N=%zu K=%zu ta=%d tb=%d pad=%zu beta=%g: "
                         "C[%zu][%zu] = %.8g, want %.8g",
                         s.M, s.N, s.K, ta, tb, pad, (double)beta, i, j, got,
                         want);
        }
        for (size_t j = s.N; j < ldc; j++)
            assert_true(C[i * ldc + j] == -777.0f);
    }
    free(A);
    free(B);
    free(C);
    free(ref);
    free(mag);
}

static const struct shape shapes[] = {
    {1, 1, 1},
    {3, 5, 7},
    {17, 13, 29},
    {33, 1, 65},
    {1, 40, 3},
    {64, 48, 16},
    /* the 1x1 convolutions' shapes, on the wrapper's own paths: long rows
     * with tiny N and K, and a tiny result summed over a long K */
    {9000, 6, 8},
    {9000, 8, 6},
    {8, 6, 9000},
    {33, 33, 33},
};
#define N_SHAPES (sizeof shapes / sizeof shapes[0])

static void all_transposes_odd_sizes(void **state)
{
    (void)state;
    caerec_rng r;
    caerec__rng_seed(&r, 123);
    for (size_t s = 0; s < N_SHAPES; s++)
        for (int t = 0; t < 4; t++) {
            bool ta = t & 1, tb = t & 2;
            run_case(shapes[s], ta, tb, 0, 1.0f, 0.0f, false, 1, &r);
            run_case(shapes[s], ta, tb, 3, 1.5f, 0.5f, false, 1, &r);
            run_case(shapes[s], ta, tb, 5, -0.75f, 1.0f, false, 2, &r);
        }
}

/* beta == 0 means "overwrite": NaN already in C must not leak through
 * (0 * NaN would). */
static void beta_zero_ignores_nan_in_c(void **state)
{
    (void)state;
    caerec_rng r;
    caerec__rng_seed(&r, 321);
    for (size_t s = 0; s < N_SHAPES; s++)
        for (int t = 0; t < 4; t++)
            run_case(shapes[s], t & 1, t & 2, 2, 2.0f, 0.0f, true, 1, &r);
}

static void k_zero_scales_c(void **state)
{
    (void)state;
    caerec_rng r;
    caerec__rng_seed(&r, 5);
    struct shape s = {4, 6, 0};
    run_case(s, false, false, 1, 1.0f, 0.5f, false, 1, &r);
    run_case(s, true, true, 0, 1.0f, 0.0f, true, 1, &r);

    /* With K == 0 the A and B pointers are never read: NULL is fine. */
    float C[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
    assert_int_equal(caerec__sgemm(1, false, false, 2, 3, 0, 1.0f, NULL, 0,
                                   NULL, 0, 0.0f, C, 3),
                     0);
    for (int i = 0; i < 6; i++)
        assert_true(C[i] == 0.0f);
}

static void empty_output_is_a_no_op(void **state)
{
    (void)state;
    float C[4] = {1, 2, 3, 4};
    assert_int_equal(caerec__sgemm(1, false, false, 0, 4, 3, 1.0f, NULL, 0,
                                   NULL, 0, 0.0f, C, 4),
                     0);
    assert_int_equal(caerec__sgemm(1, false, false, 4, 0, 3, 1.0f, NULL, 0,
                                   NULL, 0, 0.0f, C, 0),
                     0);
    for (int i = 0; i < 4; i++)
        assert_true(C[i] == (float)(i + 1));
}

/* Each of these would make BLIS abort the process (or read out of bounds);
 * returning -1 with C untouched proves they never reached it. */
static void invalid_arguments_return_minus_one(void **state)
{
    (void)state;
    float A[64], B[64], C[64];
    for (int i = 0; i < 64; i++) {
        A[i] = B[i] = 1.0f;
        C[i] = 9.0f;
    }
    /* M = 4, N = 5, K = 3 */
    assert_int_equal(
        caerec__sgemm(0, false, false, 4, 5, 3, 1.0f, A, 3, B, 5, 0.0f, C, 5),
        -1); /* threads < 1 */
    assert_int_equal(
        caerec__sgemm(-3, false, false, 4, 5, 3, 1.0f, A, 3, B, 5, 0.0f, C, 5),
        -1);
    assert_int_equal(caerec__sgemm(1, false, false, 4, 5, 3, 1.0f, A, 3, B, 5,
                                   0.0f, NULL, 5),
                     -1); /* NULL C */
    assert_int_equal(
        caerec__sgemm(1, false, false, 4, 5, 3, 1.0f, A, 3, B, 5, 0.0f, C, 4),
        -1); /* ldc < N */
    assert_int_equal(caerec__sgemm(1, false, false, 4, 5, 3, 1.0f, NULL, 3, B,
                                   5, 0.0f, C, 5),
                     -1); /* NULL A */
    assert_int_equal(caerec__sgemm(1, false, false, 4, 5, 3, 1.0f, A, 3, NULL,
                                   5, 0.0f, C, 5),
                     -1); /* NULL B */
    assert_int_equal(
        caerec__sgemm(1, false, false, 4, 5, 3, 1.0f, A, 2, B, 5, 0.0f, C, 5),
        -1); /* lda < K */
    assert_int_equal(
        caerec__sgemm(1, true, false, 4, 5, 3, 1.0f, A, 3, B, 5, 0.0f, C, 5),
        -1); /* A^T stored K x M: lda < M */
    assert_int_equal(
        caerec__sgemm(1, false, false, 4, 5, 3, 1.0f, A, 3, B, 4, 0.0f, C, 5),
        -1); /* ldb < N */
    assert_int_equal(
        caerec__sgemm(1, false, true, 4, 5, 3, 1.0f, A, 3, B, 2, 0.0f, C, 5),
        -1); /* B^T stored N x K: ldb < K */
    for (int i = 0; i < 64; i++)
        assert_true(C[i] == 9.0f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(all_transposes_odd_sizes),
        cmocka_unit_test(beta_zero_ignores_nan_in_c),
        cmocka_unit_test(k_zero_scales_c),
        cmocka_unit_test(empty_output_is_a_no_op),
        cmocka_unit_test(invalid_arguments_return_minus_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
