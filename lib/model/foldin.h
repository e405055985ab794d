/* Fold-in for item-oriented models. Rows are items and columns users, so a
 * user the model was not trained on has no decoder column (W_u, c_u). We
 * fit that column by maximum likelihood with every other parameter frozen:
 * the new user's history adds, to each item row i, the loss terms the
 * training objective would have for a cell (i, u) (the sampling NLL
 * -log P(u | i) with u joining the softmax over users, the rating NLL and
 * the gamma term on rated cells), averaged over the m item rows like the
 * training loss, plus the training's L2 on the column (toward zero, the
 * mean column, or with decoder-l2 regressed the centre of a column of
 * these items, prior.h). The result keeps the spec's
 * meaning: P(u | i) over the users plus the new one, then P(i | u) by
 * renormalising pi_i P(u | i) over items. */
#ifndef CAEREC_MODEL_FOLDIN_H
#define CAEREC_MODEL_FOLDIN_H

#include "model/model.h"

/* Adam iterations of the fit; enough for the loss to settle to ~1e-4
 * relative on MovieLens-sized models (see tests/predict). */
#define CAEREC_FOLDIN_ITERS 80

/* Fits the new user's column from `history` (columns are ITEM indices,
 * sorted, with levels and types) and writes, for every item row i:
 * O[i][0..K] the K rating logits and the consumption logit of the new
 * column, and log_offset[i] = log pi'_i - lse'_i, where pi' and lse' count
 * the new user's cells, so log P(i, u) = log_offset[i] + O[i][K]. The
 * model's inference cache must be built (caerec__model_ready). O has
 * m x (K+1) floats, log_offset m doubles. 0 or CAEREC_ENOMEM. */
int caerec__fold_in_item(const caerec_model *m, const caerec_row *history,
                         float *O, double *log_offset);

#endif
