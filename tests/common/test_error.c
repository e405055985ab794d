/* lib/common/error.c: status strings, the thread-local last-error message,
 * and the version the library reports against the header's macros. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "caerec.h"
#include "common/error.h"

static const int all_codes[] = {
    CAEREC_OK,       CAEREC_EINVAL,   CAEREC_ENOMEM,       CAEREC_EIO,
    CAEREC_EPARSE,   CAEREC_ERANGE,   CAEREC_ENOTFOUND,    CAEREC_ESTATE,
    CAEREC_EEMPTY,   CAEREC_ENUMERIC, CAEREC_EFORMAT,      CAEREC_EVERSION,
    CAEREC_ECORRUPT, CAEREC_ETOOBIG,  CAEREC_EUNSUPPORTED,
};
#define N_CODES (sizeof all_codes / sizeof all_codes[0])

/* Every known code has its own non-empty description, never the fallback. */
static void strerror_known_codes_are_distinct(void **state)
{
    (void)state;
    /* The codes are dense from 0 to -14: a code added to the enum without
     * a string would show up as a gap here. */
    assert_int_equal(N_CODES, 15);
    for (size_t i = 0; i < N_CODES; i++) {
        const char *s = caerec_strerror(all_codes[i]);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        assert_string_not_equal(s, "unknown error");
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(s, caerec_strerror(all_codes[j]));
    }
    /* The example the header documents. */
    assert_string_equal(caerec_strerror(CAEREC_EINVAL), "invalid argument");
}

static void strerror_unknown_codes(void **state)
{
    (void)state;
    const int unknown[] = {1, 2, -15, -100, INT_MIN, INT_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        assert_string_equal(caerec_strerror(unknown[i]), "unknown error");
}

/* caerec__fail formats, returns the status it was given, and truncates a
 * message longer than its buffer instead of overflowing it. */
static void fail_records_message(void **state)
{
    (void)state;
    assert_int_equal(caerec__fail(CAEREC_EPARSE, "%s:%d: bad field '%s'",
                                  "ratings.csv", 17, "x"),
                     CAEREC_EPARSE);
    assert_string_equal(caerec_last_error(), "ratings.csv:17: bad field 'x'");

    char big[2000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(caerec__fail(CAEREC_EINVAL, "%s", big), CAEREC_EINVAL);
    const char *msg = caerec_last_error();
    size_t len = strlen(msg);
    assert_true(len > 100);
    assert_true(len < sizeof big - 1);
    assert_memory_equal(msg, big, len);

    assert_int_equal(caerec__fail(CAEREC_EIO, "short"), CAEREC_EIO);
    assert_string_equal(caerec_last_error(), "short");
}

static int null_check_helper(const void *arg)
{
    CAEREC_CHECK_NULL(arg);
    return CAEREC_OK;
}

static void check_null_names_argument(void **state)
{
    (void)state;
    int x = 0;
    assert_int_equal(null_check_helper(&x), CAEREC_OK);
    assert_int_equal(null_check_helper(NULL), CAEREC_EINVAL);
    assert_non_null(strstr(caerec_last_error(), "null_check_helper"));
    assert_non_null(strstr(caerec_last_error(), "arg is NULL"));
}

/* Two threads set different messages between two barrier waits; each must
 * then read its own, and neither may disturb the main thread's. */
struct thread_arg {
    pthread_barrier_t *barrier;
    int id;
    char seen_before[64];
    char seen_after[64];
};

static void *thread_main(void *p)
{
    struct thread_arg *a = p;
    /* A fresh thread has seen no error. */
    snprintf(a->seen_before, sizeof a->seen_before, "%s", caerec_last_error());
    caerec__fail(CAEREC_EINVAL, "thread %d message", a->id);
    pthread_barrier_wait(a->barrier); /* both have written */
    pthread_barrier_wait(a->barrier); /* main has written too */
    snprintf(a->seen_after, sizeof a->seen_after, "%s", caerec_last_error());
    return NULL;
}

static void last_error_is_thread_local(void **state)
{
    (void)state;
    pthread_barrier_t barrier;
    assert_int_equal(pthread_barrier_init(&barrier, NULL, 3), 0);
    struct thread_arg args[2] = {{&barrier, 1, "", ""}, {&barrier, 2, "", ""}};
    pthread_t th[2];
    caerec__fail(CAEREC_EIO, "main message");
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &args[i]),
                         0);
    pthread_barrier_wait(&barrier);
    caerec__fail(CAEREC_EIO, "main message 2");
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    pthread_barrier_destroy(&barrier);

    assert_string_equal(args[0].seen_before, "");
    assert_string_equal(args[1].seen_before, "");
    assert_string_equal(args[0].seen_after, "thread 1 message");
    assert_string_equal(args[1].seen_after, "thread 2 message");
    assert_string_equal(caerec_last_error(), "main message 2");
}

static void version_matches_header(void **state)
{
    (void)state;
    assert_int_equal(caerec_version_number(), CAEREC_VERSION_NUMBER);
    assert_int_equal(CAEREC_VERSION_NUMBER, CAEREC_VERSION_MAJOR * 10000 +
                                                CAEREC_VERSION_MINOR * 100 +
                                                CAEREC_VERSION_PATCH);
    assert_string_equal(caerec_version_string(), CAEREC_VERSION_STRING);
    char expect[32];
    snprintf(expect, sizeof expect, "%d.%d.%d", CAEREC_VERSION_MAJOR,
             CAEREC_VERSION_MINOR, CAEREC_VERSION_PATCH);
    assert_string_equal(caerec_version_string(), expect);
    /* Minor and patch must fit their two decimal digits, or the number
     * stops being comparable. */
    assert_true(CAEREC_VERSION_MINOR < 100 && CAEREC_VERSION_PATCH < 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strerror_known_codes_are_distinct),
        cmocka_unit_test(strerror_unknown_codes),
        cmocka_unit_test(fail_records_message),
        cmocka_unit_test(check_null_names_argument),
        cmocka_unit_test(last_error_is_thread_local),
        cmocka_unit_test(version_matches_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
