/* The planted ground truth behind caerec_dataset_synthetic, so tests can
 * compare what a model learned with the distributions the data was drawn
 * from (for example the total-variation distance of P(j | u)).
 *
 * Indices: user u is the user with id u + 1 and item j the item with id
 * j + 1 (NOT the dataset's dense indices, which follow first appearance:
 * map through caerec_dataset_user_index / caerec_dataset_item_index). */
#ifndef CAEREC_DATA_SYNTHETIC_H
#define CAEREC_DATA_SYNTHETIC_H

#include "caerec.h"

#include <stddef.h>
#include <stdint.h>

typedef struct caerec__synth_truth {
    caerec_synthetic_options opts; /* with defaults filled in */
    uint32_t *user_group;          /* n_users, 0..n_groups-1 */
    uint32_t *item_group;          /* n_items */
    double *popularity;            /* n_items, > 0 */
    double *user_offset;           /* n_users, shift of the rating centre */
    double *item_offset;           /* n_items */
    double *group_mass;            /* n_groups: sum of popularity */
    double total_mass;
    /* Items ordered by group with cumulative popularity, for sampling. */
    uint32_t *by_group;  /* n_items */
    double *cum;         /* n_items + 1 */
    size_t *group_start; /* n_groups + 1 offsets into by_group */
} caerec__synth_truth;

/* Validates opts (NULL = defaults) as caerec_dataset_synthetic documents
 * and draws the planted parameters from opts->seed. Errors: CAEREC_EINVAL,
 * CAEREC_ENOMEM (message set). */
int caerec__synthetic_truth(caerec__synth_truth *out,
                            const caerec_synthetic_options *opts);
void caerec__synthetic_truth_free(caerec__synth_truth *t);

/* The group that user u "dislikes" (rates low), or UINT32_MAX with a
 * single group. */
uint32_t caerec__synthetic_disliked(const caerec__synth_truth *t, size_t u);

/* The planted sampling distribution P(j | u) over all n_items items (sums
 * to 1): out has n_items entries. */
void caerec__synthetic_sampling(const caerec__synth_truth *t, size_t u,
                                double *out);

/* The whole n_users x n_items matrix of P(j | u), row-major, malloc'd
 * (release with free). 0 or CAEREC_ENOMEM. */
int caerec__synthetic_sampling_matrix(double **out,
                                      const caerec__synth_truth *t);

/* The planted rating distribution P(k | u, j) over the K levels (level k
 * has value k + 1): out has n_levels entries. Nothing for K = 0. */
void caerec__synthetic_rating_probs(const caerec__synth_truth *t, size_t u,
                                    size_t j, double *out);

/* The expected rating sum_k (k + 1) P(k | u, j). */
double caerec__synthetic_expected_rating(const caerec__synth_truth *t, size_t u,
                                         size_t j);

#endif
