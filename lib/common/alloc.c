#include "common/alloc.h"

#include "caerec.h"

#include <stdlib.h>
#include <string.h>

void *caerec__malloc_array(size_t n, size_t size)
{
    size_t bytes;
    if (!caerec__mul(n, size, &bytes))
        return NULL;
    return malloc(bytes ? bytes : 1);
}

void *caerec__calloc_array(size_t n, size_t size)
{
    if (n == 0 || size == 0)
        return calloc(1, 1);
    return calloc(n, size);
}

void *caerec__realloc_array(void *p, size_t n, size_t size)
{
    size_t bytes;
    if (!caerec__mul(n, size, &bytes))
        return NULL;
    return realloc(p, bytes ? bytes : 1);
}

float *caerec__alloc_floats(size_t n)
{
    size_t bytes;
    if (!caerec__mul(n ? n : 1, sizeof(float), &bytes))
        return NULL;
    /* Round up to whole cache lines, plus one line of slack: BLIS 0.9's
     * kernels may read a few floats past the end of an operand. */
    bytes = (bytes + 63) & ~(size_t)63;
    if (bytes == 0 || !caerec__add(bytes, 64, &bytes))
        return NULL;
    float *p = aligned_alloc(64, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

void caerec__free_floats(float *p) { free(p); }

char *caerec__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

CAEREC_API void caerec_free(void *buffer) { free(buffer); }
