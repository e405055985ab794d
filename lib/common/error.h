/* Error reporting: status codes plus a thread-local message naming the
 * problem (libgit2's git_error_last pattern). */
#ifndef CAEREC_COMMON_ERROR_H
#define CAEREC_COMMON_ERROR_H

#include "caerec.h"

#if defined(__GNUC__)
#define CAEREC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CAEREC_PRINTF(f, a)
#endif

/* Records a formatted message for the calling thread and returns `status`,
 * so failures read `return caerec__fail(CAEREC_EINVAL, "...", ...);`. */
int caerec__fail(int status, const char *fmt, ...) CAEREC_PRINTF(2, 3);

/* The common NULL-argument failure: names the function and the argument. */
#define CAEREC_CHECK_NULL(ptr)                                                 \
    do {                                                                       \
        if ((ptr) == NULL)                                                     \
            return caerec__fail(CAEREC_EINVAL, "%s: %s is NULL", __func__,     \
                                #ptr);                                         \
    } while (0)

#endif
