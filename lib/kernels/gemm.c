#include "kernels/gemm.h"

#include <blis.h>
#include <string.h>

/* c (1 x N) = alpha a (1 x K) B (K x N) + beta c, a's elements inc apart.
 * BLIS packs all of B even for one row, which doubles the memory traffic
 * of what is a pure stream over B (scoring one user reads the whole
 * decoder once). Threads split the columns, so sums keep their order. */
static void row_times_matrix(int threads, size_t N, size_t K, float alpha,
                             const float *a, size_t inc, const float *B,
                             size_t ldb, float beta, float *c)
{
    const size_t chunk = 4096;
#pragma omp parallel for num_threads(threads) if (threads > 1 && N >= 2 * chunk) schedule(static)
    for (size_t j0 = 0; j0 < N; j0 += chunk) {
        size_t j1 = j0 + chunk < N ? j0 + chunk : N;
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
