/* Overflow-checked allocation. Every size the library computes from outside
 * input goes through these, so an impossible size is a clean CAEREC_ETOOBIG
 * or CAEREC_ENOMEM and never a short buffer. */
#ifndef CAEREC_COMMON_ALLOC_H
#define CAEREC_COMMON_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

/* *out = a * b; false (and *out untouched) when it overflows size_t. */
static inline bool caerec__mul(size_t a, size_t b, size_t *out)
{
    size_t r; /* the builtin writes the wrapped value even on overflow */
    if (__builtin_mul_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}
static inline bool caerec__add(size_t a, size_t b, size_t *out)
{
    size_t r;
    if (__builtin_add_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

/* malloc(n * size) / calloc; NULL on overflow or exhaustion. */
void *caerec__malloc_array(size_t n, size_t size);
void *caerec__calloc_array(size_t n, size_t size);
/* realloc(p, n * size); NULL (p untouched) on overflow or exhaustion. */
void *caerec__realloc_array(void *p, size_t n, size_t size);
/* 64-byte aligned float arrays for the kernels, zero-filled; free with
 * caerec__free_floats. */
float *caerec__alloc_floats(size_t n);
void caerec__free_floats(float *p);
/* strdup that reports failure as NULL. */
char *caerec__strdup(const char *s);

#endif
