#include "kernels/gemm.h"

#include <blis.h>
#include <string.h>

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
