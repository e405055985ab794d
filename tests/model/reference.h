/* A double-precision reference of the model's loss, written straight from
 * the spec (docs/model.md) with plain loops and no code shared with lib/,
 * so the library's float forward pass and its hand-derived gradients can
 * be checked against it. */
#ifndef CAEREC_TESTS_REFERENCE_H
#define CAEREC_TESTS_REFERENCE_H

#include "model/model.h"

/* Loss L (data terms averaged over the B rows plus lambda/2 |theta|^2 over
 * E, V, U and lambda/2 sum_j |W_j - centre|^2, the centre zero or, with
 * decoder-l2 column-mean, the mean of the W_j) at parameters theta (params.size
 * doubles, the library's layout). keep[b][i] says whether input cell i of row b
 * survived dropout (NULL: all kept, s = 1; else s = 1 / (1 - p)). */
double ref_loss(const caerec_model *m, const double *theta,
                const caerec_row *inputs, const caerec_row *targets, size_t B,
                const unsigned char *const *keep);

/* The decoder's L2 centre at (h, c): 0, or the mean over the columns j of
 * W[h, j c2 + c]. */
double ref_decoder_centre(const caerec_model *m, const double *theta, size_t h,
                          size_t c);

/* sum over h, j, c of (W[h, j c2 + c] - centre(h, c))^2. */
double ref_decoder_sq(const caerec_model *m, const double *theta);

#endif
