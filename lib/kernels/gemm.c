#include "kernels/gemm.h"

#include <blis.h>
#include <stdlib.h>
#include <string.h>

/* c (1 x N) = alpha a (1 x K) B (K x N) + beta c, a's elements inc apart.
 * BLIS packs all of B even for one row, which doubles the memory traffic
 * of what is a pure stream over B (scoring one user reads the whole
 * decoder once). Threads split the columns, so sums keep their order. */
static void row_times_matrix(int threads, size_t N, size_t K, float alpha,
                             const float *a, size_t inc, const float *B,
                             size_t ldb, float beta, float *c)
{
    /* One contiguous slice of columns per thread: each streams its part of
     * every row of B in order, which the prefetchers follow best, while its
     * slice of c stays in cache. */
    size_t nt = threads > 1 && N >= 8192 ? (size_t)threads : 1;
    size_t slice = ((N + nt - 1) / nt + 15) & ~(size_t)15;
#pragma omp parallel for num_threads((int)nt) if (nt > 1) schedule(static)
    for (size_t j0 = 0; j0 < N; j0 += slice) {
        size_t j1 = j0 + slice < N ? j0 + slice : N;
        for (size_t j = j0; j < j1; j++)
            c[j] = beta == 0.0f ? 0.0f : beta * c[j];
        for (size_t k = 0; k < K; k++) {
            const float w = alpha * a[k * inc];
            const float *b = B + k * ldb;
            for (size_t j = j0; j < j1; j++)
                c[j] += w * b[j];
        }
    }
}

/* The 1x1 convolutions are products with two tiny dimensions: C2 and K+1
 * are a few each, against B*n rows. BLIS blocks and threads over the tiny
 * dimensions (on two threads that was measured to stall: half the epoch),
 * so the wrapper computes them itself, streaming the long dimension. */
enum { SMALL = 32, ROWS_PER_TASK = 4096 };

/* C (M x N) for N, K <= SMALL: each row of C from one row of op(A) and the
 * whole of op(B), copied dense first. Rows are independent: exact at any
 * thread count. */
static void skinny_rows(int threads, bool trans_a, bool trans_b, size_t M,
                        size_t N, size_t K, float alpha, const float *A,
                        size_t lda, const float *B, size_t ldb, float beta,
                        float *C, size_t ldc)
{
    float b[SMALL * SMALL];
    for (size_t k = 0; k < K; k++)
        for (size_t j = 0; j < N; j++)
            b[k * N + j] = alpha * (trans_b ? B[j * ldb + k] : B[k * ldb + j]);
#pragma omp parallel for num_threads(                                          \
    threads) if (threads > 1 && M >= 2 * ROWS_PER_TASK) schedule(static)
    for (size_t i0 = 0; i0 < M; i0 += ROWS_PER_TASK) {
        size_t i1 = i0 + ROWS_PER_TASK < M ? i0 + ROWS_PER_TASK : M;
        for (size_t i = i0; i < i1; i++) {
            float acc[SMALL] = {0};
            for (size_t k = 0; k < K; k++) {
                const float a = trans_a ? A[k * lda + i] : A[i * lda + k];
                for (size_t j = 0; j < N; j++)
                    acc[j] += a * b[k * N + j];
            }
            float *c = C + i * ldc;
            for (size_t j = 0; j < N; j++)
                c[j] = beta == 0.0f ? acc[j] : acc[j] + beta * c[j];
        }
    }
}

/* C (M x N) = sum over a long K for M, N <= SMALL (the gradient of a 1x1
 * convolution's weights): partial sums over fixed runs of K, added in run
 * order, so the result does not depend on the thread count. */
static int skinny_reduce(int threads, bool trans_a, bool trans_b, size_t M,
                         size_t N, size_t K, float alpha, const float *A,
                         size_t lda, const float *B, size_t ldb, float beta,
                         float *C, size_t ldc)
{
    const size_t runs = (K + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    float *part = malloc(runs * M * N * sizeof *part);
    if (!part)
        return -1;
#pragma omp parallel for num_threads(threads) if (threads > 1 && runs > 1)     \
    schedule(static)
    for (size_t r = 0; r < runs; r++) {
        size_t k0 = r * ROWS_PER_TASK,
               k1 = k0 + ROWS_PER_TASK < K ? k0 + ROWS_PER_TASK : K;
        float acc[SMALL * SMALL] = {0};
        for (size_t k = k0; k < k1; k++)
            for (size_t i = 0; i < M; i++) {
                const float a = trans_a ? A[k * lda + i] : A[i * lda + k];
                for (size_t j = 0; j < N; j++)
                    acc[i * N + j] +=
                        a * (trans_b ? B[j * ldb + k] : B[k * ldb + j]);
            }
        memcpy(part + r * M * N, acc, M * N * sizeof *acc);
    }
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            float sum = 0.0f;
            for (size_t r = 0; r < runs; r++)
                sum += part[r * M * N + i * N + j];
            float *c = C + i * ldc + j;
            *c = beta == 0.0f ? alpha * sum : alpha * sum + beta * *c;
        }
    free(part);
    return 0;
}

int caerec__sgemm(int threads, bool trans_a, bool trans_b, size_t M, size_t N,
                  size_t K, float alpha, const float *A, size_t lda,
                  const float *B, size_t ldb, float beta, float *C, size_t ldc)
{
    if (M == 0 || N == 0)
        return 0;
    if (C == NULL || ldc < N || threads < 1)
        return -1;
    if (K == 0) {
        /* BLIS would accept this, but the rule "beta == 0 ignores C" must
         * hold without it too. */
        for (size_t i = 0; i < M; i++) {
            float *row = C + i * ldc;
            if (beta == 0.0f)
                memset(row, 0, N * sizeof *row);
            else
                for (size_t j = 0; j < N; j++)
                    row[j] *= beta;
        }
        return 0;
    }
    if (A == NULL || B == NULL)
        return -1;
    if ((trans_a ? lda < M : lda < K) || (trans_b ? ldb < K : ldb < N))
        return -1;

    if (N <= SMALL && K <= SMALL) {
        skinny_rows(threads, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb,
                    beta, C, ldc);
        return 0;
    }
    if (M <= SMALL && N <= SMALL && K > SMALL &&
        skinny_reduce(threads, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb,
                      beta, C, ldc) == 0)
        return 0;
    if (M == 1 && !trans_b) {
        row_times_matrix(threads, N, K, alpha, A, trans_a ? lda : 1, B, ldb,
                         beta, C);
        return 0;
    }

    rntm_t rntm = BLIS_RNTM_INITIALIZER;
    bli_rntm_set_num_threads(threads, &rntm);
    /* Row-major storage is BLIS's general stride with column stride 1. */
    bli_sgemm_ex(trans_a ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE,
                 trans_b ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, (dim_t)M,
                 (dim_t)N, (dim_t)K, &alpha, (float *)A, (inc_t)lda, 1,
                 (float *)B, (inc_t)ldb, 1, &beta, C, (inc_t)ldc, 1, NULL,
                 &rntm);
    return 0;
}
