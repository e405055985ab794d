/* Internal building blocks: the size-k heap selection against a full sort
 * (ties, NaN, k = 0, k > n) and the ranking metrics of one list against
 * hand-computed values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>

#include <cmocka.h>

#include "predict/metrics.h"
#include "predict/topk.h"

static int cmp_best_first(const void *a, const void *b)
{
    const caerec_topk_entry *x = a, *y = b;
    double sx = isnan(x->score) ? -INFINITY : x->score;
    double sy = isnan(y->score) ? -INFINITY : y->score;
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static void check_against_sort(const double *scores, size_t n, size_t k)
{
    caerec_topk_entry *all = malloc((n + 1) * sizeof *all);
    caerec_topk_entry *heap = malloc((k + 1) * sizeof *heap);
    for (size_t i = 0; i < n; i++) {
        all[i].score = scores[i];
        all[i].index = (uint32_t)i;
    }
    qsort(all, n, sizeof *all, cmp_best_first);
    caerec_topk t;
    caerec__topk_init(&t, heap, k);
    for (size_t i = 0; i < n; i++)
        caerec__topk_push(&t, scores[i], (uint32_t)i);
    size_t got = caerec__topk_finish(&t);
    assert_int_equal(got, k < n ? k : n);
    for (size_t r = 0; r < got; r++) {
        assert_int_equal(heap[r].index, all[r].index);
        if (!isnan(scores[all[r].index]))
            assert_true(heap[r].score == scores[all[r].index]);
    }
    free(all);
    free(heap);
}

static void test_topk_random_with_ties(void **state)
{
    (void)state;
    enum { N = 1000 };
    double s[N];
    uint64_t x = 7;
    for (int trial = 0; trial < 20; trial++) {
        for (size_t i = 0; i < N; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            /* few distinct values: many ties */
            s[i] = (double)((x >> 33) % (trial % 2 ? 7 : 100000));
            if ((x >> 20) % 97 == 0)
                s[i] = NAN;
            if ((x >> 20) % 89 == 0)
                s[i] = -INFINITY;
        }
        size_t ks[] = {0, 1, 2, 10, 57, 999, 1000, 1500};
        for (size_t q = 0; q < sizeof ks / sizeof *ks; q++)
            check_against_sort(s, N, ks[q]);
    }
}

static void test_topk_all_equal_keeps_lowest_indices(void **state)
{
    (void)state;
    double s[50];
    for (size_t i = 0; i < 50; i++)
        s[i] = 0.25;
    caerec_topk_entry heap[5];
    caerec_topk t;
    caerec__topk_init(&t, heap, 5);
    for (size_t i = 50; i-- > 0;) /* pushed in reverse order */
        caerec__topk_push(&t, s[i], (uint32_t)i);
    assert_int_equal(caerec__topk_finish(&t), 5);
    for (uint32_t r = 0; r < 5; r++)
        assert_int_equal(heap[r].index, r);
}

static void test_rank_metrics_by_hand(void **state)
{
    (void)state;
    caerec_rank_metrics m;
    /* hits at ranks 1 and 3, two relevant items, k = 3 */
    const uint8_t hit[] = {1, 0, 1, 0, 0};
    caerec__rank_metrics(hit, 5, 2, 3, &m);
    assert_int_equal(m.hits, 2);
    assert_true(fabs(m.recall - 1.0) < 1e-15);
    double dcg = 1.0 + 1.0 / 2.0; /* 1/log2(2) + 1/log2(4) */
    double idcg = 1.0 + 1.0 / log2(3.0);
    assert_true(fabs(m.ndcg - dcg / idcg) < 1e-15);
    assert_true(fabs(m.precision - 2.0 / 3.0) < 1e-15);
    /* k = 1: one hit of min(1, 2) = 1 */
    caerec__rank_metrics(hit, 5, 2, 1, &m);
    assert_int_equal(m.hits, 1);
    assert_true(fabs(m.recall - 1.0) < 1e-15 && fabs(m.ndcg - 1.0) < 1e-15);
    /* 4 relevant, k = 10, but only 5 ranked: IDCG over 4 items */
    caerec__rank_metrics(hit, 5, 4, 10, &m);
    idcg = 1.0 + 1.0 / log2(3.0) + 0.5 + 1.0 / log2(5.0);
    assert_true(fabs(m.recall - 0.5) < 1e-15);
    assert_true(fabs(m.ndcg - dcg / idcg) < 1e-15);
    assert_true(fabs(m.precision - 0.2) < 1e-15);
    /* no hit */
    const uint8_t miss[] = {0, 0};
    caerec__rank_metrics(miss, 2, 1, 2, &m);
    assert_int_equal(m.hits, 0);
    assert_true(m.recall == 0.0 && m.ndcg == 0.0 && m.precision == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topk_random_with_ties),
        cmocka_unit_test(test_topk_all_equal_keeps_lowest_indices),
        cmocka_unit_test(test_rank_metrics_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
