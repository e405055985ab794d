/* Shared pieces of prediction: one user's computed distributions over all
 * items (uscores), the score formulas of the predictions table, the
 * blocked decoder that fills uscores for many users with few large GEMMs,
 * and top-k under the public recommendation options. Used by the scorer,
 * batch recommendation and evaluation, so all three compute a user's
 * numbers with the same code. */
#ifndef CAEREC_PREDICT_PREDICT_H
#define CAEREC_PREDICT_PREDICT_H

#include "model/model.h"
#include "predict/topk.h"

#include <stddef.h>
#include <stdint.h>

/* Whether field f of a caller's struct (which starts with struct_size)
 * lies within its struct_size: the library reads and writes only those. */
#define CAEREC__FITS(ptr, type, f)                                             \
    ((ptr)->struct_size >= offsetof(type, f) + sizeof((ptr)->f))

/* ---- One user's distributions over the model's n_items items ---- */
typedef struct caerec_uscores {
    size_t n, K;
    double *p;     /* n: P(i | u), sums to 1 */
    float *dist;   /* n x K: P(k | u, i); NULL when not wanted or K == 0 */
    uint8_t *seen; /* n: 1 for the user's training (or history) items */
    uint32_t *seen_list; /* the indices with seen = 1, to clear them fast */
    size_t n_seen;
    double n_u; /* N_u: number of the user's cells */
} caerec_uscores;

int caerec__uscores_alloc(caerec_uscores *s, const caerec_model *m,
                          int with_dist);
void caerec__uscores_free(caerec_uscores *s);
/* Replaces the seen set with the columns of row (item indices); N_u is
 * the row length. */
void caerec__uscores_set_seen(caerec_uscores *s, const uint32_t *items,
                              size_t n);

/* ---- Score formulas ---- */
typedef struct caerec_score_ctx {
    int score; /* caerec_score */
    size_t K;
    const double *levels;
    size_t like_from; /* first level k with v_k >= tau (K if none) */
} caerec_score_ctx;

/* Validates score for this model: CAEREC_EINVAL for an unknown score,
 * CAEREC_EUNSUPPORTED for a rating-based score when K == 0 (message names
 * `fn`). */
int caerec__score_ctx(caerec_score_ctx *c, const caerec_model *m, int score,
                      const char *fn);
/* The score of item i. Needs s->dist for rating-based scores. */
double caerec__score_at(const caerec_uscores *s, const caerec_score_ctx *c,
                        size_t i);
/* Whether a score needs the rating distributions. */
int caerec__score_needs_dist(int score);

/* ---- Blocked decoding ---- */
/* Buffers to decode up to `cap` users at once: user orientation decodes
 * the hidden codes of cap user rows over all item columns; item
 * orientation decodes up to cap consecutive user columns for all item
 * rows. Either way the decoder output is cap x n_items x C2 floats and the
 * logits cap x n_items x (K + 1). */
typedef struct caerec_block {
    size_t cap;
    caerec_infer_ws ws;
    float *H; /* cap x d: gathered or folded-in hidden codes */
    float *O; /* logits */
} caerec_block;

/* Picks a block size that keeps the decoder output near 16 MB. */
size_t caerec__block_cap(const caerec_model *m, size_t at_most);
int caerec__block_alloc(caerec_block *b, const caerec_model *m, size_t cap);
void caerec__block_free(caerec_block *b);

/* Fills s (p, dist when allocated, seen, N_u) for training user u (a model
 * user index) alone. The model must be ready. */
void caerec__score_user(const caerec_model *m, caerec_block *b, size_t u,
                        caerec_uscores *s, int threads);
/* Fills s.p and s.dist from the logits of one user-orientation row (n x
 * (K + 1)): the sampling softmax over all items and the rating softmax
 * per item. Does not touch seen. */
void caerec__uscores_from_row_logits(caerec_uscores *s, const float *O);
/* The same for an item-oriented model's one user column: O is m x (K + 1)
 * and offs[i] = log pi_i - lse_i (as returned by caerec__fold_in_item). */
void caerec__uscores_from_item_logits(caerec_uscores *s, const caerec_model *m,
                                      const double *offs, const float *O);
/* Only s.p, from the consumption logits x[j * stride], j < n. */
void caerec__uscores_p_from(caerec_uscores *s, const float *x, size_t stride);

/* Calls fn(ctx, slot, s) for every slot of users[] (model user indices,
 * any order, repeats allowed) with that user's scores, decoding users in
 * blocks. Slots are visited in increasing user index, and for one user in
 * increasing slot order. threads as the model's configuration. The model
 * must be ready. 0 or CAEREC_ENOMEM (before any callback). */
typedef void (*caerec_user_fn)(void *ctx, size_t slot, const caerec_uscores *s);
int caerec__for_users(const caerec_model *m, const uint32_t *users, size_t n,
                      int with_dist, caerec_user_fn fn, void *ctx);
/* The same with a given block size (tests use small ones to cross block
 * boundaries). */
int caerec__for_users_cap(const caerec_model *m, const uint32_t *users,
                          size_t n, int with_dist, size_t cap,
                          caerec_user_fn fn, void *ctx);

/* ---- Top-k with the public options ---- */
typedef struct caerec_rec_plan {
    caerec_score_ctx score;
    int include_seen;
    uint8_t *mask; /* n_items: 1 = candidate; NULL when no allow/deny lists */
} caerec_rec_plan;

/* Validates opts (NULL = defaults) and builds the candidate mask. fn names
 * the caller in messages. */
int caerec__rec_plan(caerec_rec_plan *plan, const caerec_model *m,
                     const caerec_rec_options *opts, const char *fn);
void caerec__rec_plan_free(caerec_rec_plan *plan);
/* Top-k of s under plan into heap (room for min(k, n) entries); returns
 * the count, entries best first. */
size_t caerec__rec_run(const caerec_uscores *s, const caerec_rec_plan *plan,
                       size_t k, caerec_topk_entry *heap);

#endif
