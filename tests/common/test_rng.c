/* lib/common/rng: reproducibility (checkpoints rely on it), the range and
 * rough uniformity of bounded draws, and shuffles that are permutations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/rng.h"

static void same_seed_same_stream(void **state)
{
    (void)state;
    caerec_rng a, b, c;
    caerec__rng_seed(&a, 42);
    caerec__rng_seed(&b, 42);
    caerec__rng_seed(&c, 43);
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = caerec__rng_next(&a);
        assert_true(x == caerec__rng_next(&b));
        differ += x != caerec__rng_next(&c);
    }
    assert_true(differ > 990);

    /* The state is all there is: a copy continues identically (this is what
     * a checkpoint stores). */
    caerec_rng copy;
    memcpy(&copy, &a, sizeof a);
    for (int i = 0; i < 100; i++)
        assert_true(caerec__rng_next(&a) == caerec__rng_next(&copy));

    /* Seed 0 must not give the all-zero state xoshiro is stuck in. */
    caerec_rng z;
    caerec__rng_seed(&z, 0);
    assert_true(z.s[0] | z.s[1] | z.s[2] | z.s[3]);
    uint64_t first = caerec__rng_next(&z);
    assert_true(first != caerec__rng_next(&z));
}

static void uniform_in_unit_interval(void **state)
{
    (void)state;
    caerec_rng r;
    caerec__rng_seed(&r, 7);
    double sum = 0;
    const int n = 100000;
    for (int i = 0; i < n; i++) {
        double u = caerec__rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        sum += u;
    }
    /* mean of n uniforms: sd = 1/sqrt(12 n) ~ 0.0009 */
    assert_true(sum / n > 0.49 && sum / n < 0.51);
}

static void below_stays_in_range(void **state)
{
    (void)state;
    caerec_rng r;
    caerec__rng_seed(&r, 1);
    const uint64_t bounds[] = {1,
                               2,
                               3,
                               7,
                               1000,
                               UINT32_MAX,
                               (uint64_t)1 << 63,
                               ((uint64_t)1 << 63) + 1,
                               UINT64_MAX};
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
        int high_half = 0;
        for (int i = 0; i < 2000; i++) {
            uint64_t v = caerec__rng_below(&r, bounds[b]);
            assert_true(v < bounds[b]);
            high_half += v >= bounds[b] / 2 + bounds[b] % 2;
        }
        if (bounds[b] == 1)
            assert_int_equal(high_half, 0);
        else if (bounds[b] > 1000) /* about half land in the top half */
            assert_true(high_half > 800 && high_half < 1200);
    }
}

/* Chi-square against the uniform law on 10 cells; 33.7 is the 99.99%
 * quantile with 9 degrees of freedom, so a fixed seed passing it says the
 * draws are not grossly biased (a modulo or off-by-one bug fails it). */
static void below_is_roughly_uniform(void **state)
{
    (void)state;
    const uint64_t bounds[] = {10, 3, 6};
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
        caerec_rng r;
        caerec__rng_seed(&r, 2024 + b);
        long count[10] = {0};
        const long n = 60000;
        for (long i = 0; i < n; i++)
            count[caerec__rng_below(&r, bounds[b])]++;
        double expect = (double)n / (double)bounds[b], chi2 = 0;
        for (uint64_t k = 0; k < bounds[b]; k++) {
            assert_true(count[k] > 0);
            chi2 += (count[k] - expect) * (count[k] - expect) / expect;
        }
        assert_true(chi2 < 33.7);
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void shuffle_is_permutation(void **state)
{
    (void)state;
    enum { N = 1000 };
    uint32_t *v = malloc(N * sizeof *v);
    assert_non_null(v);
    for (uint32_t i = 0; i < N; i++)
        v[i] = i * 3 + 1;
    caerec_rng r;
    caerec__rng_seed(&r, 99);
    caerec__rng_shuffle_u32(&r, v, N);
    size_t moved = 0;
    for (uint32_t i = 0; i < N; i++)
        moved += v[i] != i * 3 + 1;
    assert_true(moved > N / 2);
    qsort(v, N, sizeof *v, cmp_u32);
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(v[i], i * 3 + 1);

    /* Same seed, same order. */
    uint32_t a[50], b[50];
    for (uint32_t i = 0; i < 50; i++)
        a[i] = b[i] = i;
    caerec_rng r1, r2;
    caerec__rng_seed(&r1, 5);
    caerec__rng_seed(&r2, 5);
    caerec__rng_shuffle_u32(&r1, a, 50);
    caerec__rng_shuffle_u32(&r2, b, 50);
    assert_memory_equal(a, b, sizeof a);

    /* Degenerate sizes are no-ops. */
    uint32_t one = 17;
    caerec__rng_shuffle_u32(&r, &one, 1);
    assert_int_equal(one, 17);
    caerec__rng_shuffle_u32(&r, NULL, 0);
    free(v);
}

/* Every permutation of 3 elements appears about 1/6 of the time: a classic
 * Fisher-Yates off-by-one makes some of them impossible. */
static void shuffle_is_roughly_uniform(void **state)
{
    (void)state;
    caerec_rng r;
    caerec__rng_seed(&r, 3);
    long count[6] = {0};
    const long n = 60000;
    for (long t = 0; t < n; t++) {
        uint32_t v[3] = {0, 1, 2};
        caerec__rng_shuffle_u32(&r, v, 3);
        count[v[0] * 2 + (v[1] > v[2])]++;
    }
    double expect = n / 6.0, chi2 = 0;
    for (int k = 0; k < 6; k++)
        chi2 += (count[k] - expect) * (count[k] - expect) / expect;
    assert_true(chi2 < 25.7); /* 99.99% quantile, 5 degrees of freedom */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_same_stream),
        cmocka_unit_test(uniform_in_unit_interval),
        cmocka_unit_test(below_stays_in_range),
        cmocka_unit_test(below_is_roughly_uniform),
        cmocka_unit_test(shuffle_is_permutation),
        cmocka_unit_test(shuffle_is_roughly_uniform),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
