/* The library's only random generator: xoshiro256** seeded through
 * splitmix64. Its whole state is four words, so checkpoints can store it and
 * a resumed run draws exactly the numbers an uninterrupted one would. */
#ifndef CAEREC_COMMON_RNG_H
#define CAEREC_COMMON_RNG_H

#include <stdint.h>

typedef struct caerec_rng {
    uint64_t s[4];
} caerec_rng;

void caerec__rng_seed(caerec_rng *rng, uint64_t seed);
uint64_t caerec__rng_next(caerec_rng *rng);
/* Uniform in [0, 1) with 53 random bits. */
double caerec__rng_uniform(caerec_rng *rng);
/* Uniform integer in [0, bound), bound > 0, without modulo bias. */
uint64_t caerec__rng_below(caerec_rng *rng, uint64_t bound);
/* Fisher-Yates shuffle of n uint32 values. */
void caerec__rng_shuffle_u32(caerec_rng *rng, uint32_t *v, size_t n);

#endif
