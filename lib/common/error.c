#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>

/* One message per thread: a failing call on one thread never overwrites the
 * message another thread is about to read. */
static _Thread_local char last_message[512];

int caerec__fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    return status;
}

CAEREC_API const char *caerec_last_error(void) { return last_message; }

CAEREC_API const char *caerec_strerror(int status)
{
    switch (status) {
    case CAEREC_OK: return "success";
    case CAEREC_EINVAL: return "invalid argument";
    case CAEREC_ENOMEM: return "out of memory";
    case CAEREC_EIO: return "input/output error";
    case CAEREC_EPARSE: return "malformed input";
    case CAEREC_ERANGE: return "value out of range";
    case CAEREC_ENOTFOUND: return "unknown id or name";
    case CAEREC_ESTATE: return "call not valid in this state";
    case CAEREC_EEMPTY: return "no data";
    case CAEREC_ENUMERIC: return "numerical failure (NaN or Inf)";
    case CAEREC_EFORMAT: return "not a caerec model file";
    case CAEREC_EVERSION: return "unsupported model file version";
    case CAEREC_ECORRUPT: return "corrupt model file";
    case CAEREC_ETOOBIG: return "size too large";
    case CAEREC_EUNSUPPORTED: return "not supported by this model";
    default: return "unknown error";
    }
}

CAEREC_API unsigned caerec_version_number(void)
{
    return CAEREC_VERSION_NUMBER;
}

CAEREC_API const char *caerec_version_string(void)
{
    return CAEREC_VERSION_STRING;
}
