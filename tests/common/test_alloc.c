/* lib/common/alloc: every size computed from outside input is checked for
 * overflow, so an impossible size gives NULL, never a short buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"

/* The overflow cases call calloc with a product that overflows; under ASan
 * that must return NULL as in libc instead of aborting the test. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static void mul_add_detect_overflow(void **state)
{
    (void)state;
    size_t out = 12345;
    assert_true(caerec__mul(0, SIZE_MAX, &out));
    assert_int_equal(out, 0);
    assert_true(caerec__mul(SIZE_MAX, 1, &out));
    assert_true(out == SIZE_MAX);
    assert_true(caerec__mul((size_t)1 << 31, (size_t)1 << 31, &out));
    assert_true(out == (size_t)1 << 62);

    out = 777;
    assert_false(caerec__mul(SIZE_MAX / 2 + 1, 2, &out));
    assert_int_equal(out, 777); /* untouched on overflow */
    assert_false(caerec__mul((size_t)1 << 32, (size_t)1 << 32, &out));
    assert_int_equal(out, 777);

    assert_true(caerec__add(SIZE_MAX - 1, 1, &out));
    assert_true(out == SIZE_MAX);
    out = 777;
    assert_false(caerec__add(SIZE_MAX, 1, &out));
    assert_int_equal(out, 777);
}

static void array_allocators_reject_overflow(void **state)
{
    (void)state;
    assert_null(caerec__malloc_array(SIZE_MAX / 2 + 1, 2));
    assert_null(caerec__malloc_array(SIZE_MAX, SIZE_MAX));
    assert_null(caerec__calloc_array(SIZE_MAX / 8 + 1, 8));
    /* SIZE_MAX / 2 floats is 2 * SIZE_MAX bytes. */
    assert_null(caerec__alloc_floats(SIZE_MAX / 2));
    assert_null(caerec__alloc_floats(SIZE_MAX / 4 + 1));

    /* A failed realloc leaves the old block valid and unchanged. */
    int *p = caerec__malloc_array(4, sizeof *p);
    assert_non_null(p);
    for (int i = 0; i < 4; i++)
        p[i] = i * 11;
    assert_null(caerec__realloc_array(p, SIZE_MAX / 2, sizeof *p));
    for (int i = 0; i < 4; i++)
        assert_int_equal(p[i], i * 11);
    int *q = caerec__realloc_array(p, 1000, sizeof *p);
    assert_non_null(q);
    assert_int_equal(q[3], 33);
    free(q);
}

static void zero_sizes_give_freeable_blocks(void **state)
{
    (void)state;
    void *a = caerec__malloc_array(0, 8);
    void *b = caerec__calloc_array(0, 8);
    void *c = caerec__calloc_array(8, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    free(a);
    free(b);
    free(c);
    float *f = caerec__alloc_floats(0);
    assert_non_null(f);
    caerec__free_floats(f);
    caerec__free_floats(NULL);
}

static void calloc_array_zeroes(void **state)
{
    (void)state;
    unsigned char *p = caerec__calloc_array(1000, 3);
    assert_non_null(p);
    for (size_t i = 0; i < 3000; i++)
        assert_int_equal(p[i], 0);
    free(p);
}

/* Kernel buffers are 64-byte aligned and zero-filled, including the
 * rounding tail. */
static void alloc_floats_aligned_and_zero(void **state)
{
    (void)state;
    const size_t sizes[] = {1, 3, 16, 17, 1000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        float *f = caerec__alloc_floats(sizes[s]);
        assert_non_null(f);
        assert_int_equal((uintptr_t)f % 64, 0);
        size_t padded = (sizes[s] + 15) / 16 * 16;
        for (size_t i = 0; i < padded; i++)
            assert_true(f[i] == 0.0f);
        caerec__free_floats(f);
    }
}

static void strdup_copies(void **state)
{
    (void)state;
    char src[] = "hello, caerec";
    char *d = caerec__strdup(src);
    assert_non_null(d);
    assert_ptr_not_equal(d, src);
    assert_string_equal(d, src);
    src[0] = 'j';
    assert_string_equal(d, "hello, caerec");
    free(d);
    d = caerec__strdup("");
    assert_non_null(d);
    assert_string_equal(d, "");
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mul_add_detect_overflow),
        cmocka_unit_test(array_allocators_reject_overflow),
        cmocka_unit_test(zero_sizes_give_freeable_blocks),
        cmocka_unit_test(calloc_array_zeroes),
        cmocka_unit_test(alloc_floats_aligned_and_zero),
        cmocka_unit_test(strdup_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
