/* The one door to BLIS. Every matrix product of the library goes through
 * caerec__sgemm, which validates shapes (BLIS aborts the process on bad
 * arguments) and calls BLIS's typed expert API with a runtime object that
 * carries the caller's thread count, so OMP_NUM_THREADS or
 * BLIS_NUM_THREADS in a host process cannot change our threading and a host
 * BLAS cannot interpose our calls. */
#ifndef CAEREC_KERNELS_GEMM_H
#define CAEREC_KERNELS_GEMM_H

#include <stdbool.h>
#include <stddef.h>

/* Row-major C (M x N) = alpha * op(A) (M x K) * op(B) (K x N) + beta * C,
 * where op(A) = A^T when trans_a (A is then stored K x M with leading
 * dimension lda) and likewise for B. beta == 0 ignores C's old contents
 * (even NaN). threads >= 1. Returns 0, or -1 for arguments BLIS would
 * reject (the library treats that as an internal error). */
int caerec__sgemm(int threads, bool trans_a, bool trans_b, size_t M, size_t N,
                  size_t K, float alpha, const float *A, size_t lda,
                  const float *B, size_t ldb, float beta, float *C, size_t ldc);

#endif
