/* The id map: insert/find, growth through reserve, truncate (the undo of
 * inserts), copy and from_ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "caerec.h"
#include "data/idmap.h"

static void test_insert_find(void **state)
{
    (void)state;
    caerec_idmap m;
    caerec__idmap_init(&m);
    assert_int_equal(caerec__idmap_find(&m, 1), SIZE_MAX); /* empty */
    assert_int_equal(caerec__idmap_reserve(&m, 3), 0);
    assert_int_equal(caerec__idmap_insert(&m, 42), 0);
    assert_int_equal(caerec__idmap_insert(&m, INT64_MIN), 1);
    assert_int_equal(caerec__idmap_insert(&m, 42), 0); /* existing */
    assert_int_equal(caerec__idmap_insert(&m, -1), 2);
    assert_int_equal(m.n, 3);
    assert_int_equal(caerec__idmap_find(&m, INT64_MIN), 1);
    assert_int_equal(caerec__idmap_find(&m, -1), 2);
    assert_int_equal(caerec__idmap_find(&m, 0), SIZE_MAX);
    assert_true(m.ids[1] == INT64_MIN);
    caerec__idmap_free(&m);
    assert_int_equal(m.n, 0);
    caerec__idmap_free(&m); /* twice is fine */
}

/* Reserve keeps the table at most half full and the inserted ids
 * findable across many growths. */
static void test_growth(void **state)
{
    (void)state;
    caerec_idmap m;
    caerec__idmap_init(&m);
    const size_t n = 100000;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(caerec__idmap_reserve(&m, 1), 0);
        assert_true(m.cap >= m.n + 1);
        assert_true(m.n_slots >= 2 * m.cap);
        int64_t id = (int64_t)(i * 2654435761u) - 5000;
        assert_int_equal(caerec__idmap_insert(&m, id), i);
    }
    for (size_t i = 0; i < n; i += 97)
        assert_int_equal(
            caerec__idmap_find(&m, (int64_t)(i * 2654435761u) - 5000), i);
    /* reserving what already fits does not reallocate */
    int64_t *ids = m.ids;
    assert_int_equal(caerec__idmap_reserve(&m, m.cap - m.n), 0);
    assert_ptr_equal(ids, m.ids);
    /* too many */
    assert_int_equal(caerec__idmap_reserve(&m, SIZE_MAX), CAEREC_ETOOBIG);
    assert_int_equal(caerec__idmap_reserve(&m, UINT32_MAX), CAEREC_ETOOBIG);
    assert_int_equal(caerec__idmap_find(&m, -5000), 0); /* still intact */
    caerec__idmap_free(&m);
}

static void test_truncate(void **state)
{
    (void)state;
    caerec_idmap m;
    caerec__idmap_init(&m);
    assert_int_equal(caerec__idmap_reserve(&m, 100), 0);
    for (int64_t i = 0; i < 100; i++)
        caerec__idmap_insert(&m, i * 10);
    caerec__idmap_truncate(&m, 40);
    assert_int_equal(m.n, 40);
    assert_int_equal(caerec__idmap_find(&m, 390), 39);
    assert_int_equal(caerec__idmap_find(&m, 400), SIZE_MAX);
    assert_int_equal(caerec__idmap_find(&m, 990), SIZE_MAX);
    /* a forgotten id comes back with a new index */
    assert_int_equal(caerec__idmap_insert(&m, 990), 40);
    caerec__idmap_truncate(&m, 1000); /* beyond n: no-op */
    assert_int_equal(m.n, 41);
    caerec__idmap_truncate(&m, 0);
    assert_int_equal(caerec__idmap_find(&m, 0), SIZE_MAX);
    caerec__idmap_free(&m);
}

static void test_copy_from_ids(void **state)
{
    (void)state;
    int64_t ids[] = {9, 3, -4, 1000000000000};
    caerec_idmap m, c;
    assert_int_equal(caerec__idmap_from_ids(&m, ids, 4), 0);
    assert_int_equal(caerec__idmap_find(&m, -4), 2);
    assert_int_equal(caerec__idmap_copy(&c, &m), 0);
    assert_int_equal(c.n, 4);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(caerec__idmap_find(&c, ids[i]), i);
    caerec__idmap_free(&c);
    caerec__idmap_free(&m);
    int64_t dup[] = {1, 2, 1};
    assert_int_equal(caerec__idmap_from_ids(&m, dup, 3), CAEREC_ECORRUPT);
    assert_null(m.ids); /* freed on failure */
    assert_int_equal(caerec__idmap_from_ids(&m, NULL, 0), 0);
    assert_int_equal(m.n, 0);
    caerec__idmap_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_find),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_truncate),
        cmocka_unit_test(test_copy_from_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
