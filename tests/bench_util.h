/* What the benchmark programs share: a monotonic clock and the machine's
 * own SGEMM rate, measured through the library's GEMM wrapper in the same
 * run as the figure it is compared with. Header-only, for benchmarks. */
#ifndef CAEREC_TESTS_BENCH_UTIL_H
#define CAEREC_TESTS_BENCH_UTIL_H

#include "common/alloc.h"
#include "kernels/gemm.h"

#include <blis.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* FLOP/s of the row-major product (M x K)(K x N) on `threads` threads,
 * repeated for about a second after one warm-up call. */
static inline double bench_sgemm_rate(int threads, size_t M, size_t N, size_t K)
{
    float *A = caerec__alloc_floats(M * K), *B = caerec__alloc_floats(K * N),
          *C = caerec__alloc_floats(M * N);
    for (size_t i = 0; i < M * K; i++)
        A[i] = (float)(i % 7) * 0.1f;
    for (size_t i = 0; i < K * N; i++)
        B[i] = (float)(i % 5) * 0.1f;
    caerec__sgemm(threads, false, false, M, N, K, 1, A, K, B, N, 0, C, N);
    int reps = 0;
    double t0 = bench_now(), t;
    do {
        caerec__sgemm(threads, false, false, M, N, K, 1, A, K, B, N, 0, C, N);
        reps++;
    } while ((t = bench_now() - t0) < 1.0);
    caerec__free_floats(A);
    caerec__free_floats(B);
    caerec__free_floats(C);
    return 2.0 * (double)M * (double)N * (double)K * reps / t;
}

/* The sub-configuration (kernel set) BLIS chose for this CPU. Printed by
 * every benchmark: a BLIS that does not know the CPU runs its portable
 * "generic" kernels, several times slower (BLIS 0.9.0 on AMD family 26,
 * docs/performance.md), and the figures are only comparable between runs
 * on the same kernels. */
static inline const char *bench_blis_arch(void)
{
    return bli_arch_string(bli_arch_query_id());
}

#endif
