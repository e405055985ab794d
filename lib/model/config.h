/* Internal layout of caerec_config: plain values, validated when set. */
#ifndef CAEREC_MODEL_CONFIG_H
#define CAEREC_MODEL_CONFIG_H

#include "caerec.h"

#include <stddef.h>
#include <stdint.h>

typedef struct caerec_cfg {
    int orientation; /* caerec_orientation */
    size_t hidden;   /* d */
    size_t c1, c2;
    int act_in, act_hidden, act_out; /* caerec_activation: phi, g, psi */
    double dropout;
    double alpha, beta;
    double gamma; /* NaN: scaled to the rating scale, see caerec__gamma */
    double l2;
    double lr, lr_decay;
    size_t lr_decay_steps; /* 0: lr_decay per epoch, else per this many steps */
    size_t batch;
    size_t epochs;
    size_t patience;
    double min_improvement;   /* relative gain that resets patience */
    int decoder_l2;           /* caerec_decoder_l2 */
    double decoder_l2_weight; /* NaN: by row count, see
                                 caerec__decoder_l2_weight */
    double decoder_l2_ridge;  /* mu of decoder-l2 regressed; NaN: from the
                                 data, see caerec__prior_ridge */
    double encoder_norm;      /* e: rows scaled by (ref / cells)^e */
    double encoder_norm_ref;  /* NaN: the mean row length, see
                                 caerec__encoder_norm_ref */
    uint64_t seed;
    int threads;
    double like_threshold; /* NaN: top 40% of the scale */
    int early_stop;        /* caerec_metric */
    uint64_t max_memory;   /* 0: physical memory */
} caerec_cfg;

/* Whether the L2 on W pulls toward a centre made from the columns (the
 * column mean, or the regressed centre that starts as it). */
static inline int caerec__decoder_l2_centred(const caerec_cfg *cfg)
{
    return cfg->decoder_l2 != CAEREC_DECODER_L2_ZERO;
}

struct caerec_config {
    caerec_cfg v;
};

/* The documented defaults. */
void caerec__cfg_defaults(caerec_cfg *cfg);

/* tau: the configured like threshold, or the default for this scale (the
 * smallest level >= min + 0.6 * (max - min): 4 on 1..5). */
double caerec__like_threshold(const caerec_cfg *cfg, const double *levels,
                              size_t n_levels);

/* gamma: the configured weight of the rating-error term, or the default for
 * this scale, 12 / (max - min)^2 (0.75 on 1..5). The likelihood terms do not
 * depend on the units of the ratings but the squared error does, as their
 * square: scaling gamma by the inverse square of the scale's range keeps the
 * balance of the terms, and hence training, the same on 1..5, 0.5..5,
 * 1..10 or 0..100 (expected ratings then scale with the levels). 0 on a
 * scale of fewer than two levels, where the term is always 0. */
double caerec__gamma(const caerec_cfg *cfg, const double *levels,
                     size_t n_levels);

/* The multiplier of l2 on the decoder weights W: the configured one, or
 * the default for a model of `rows` rows, max(1, sqrt(1500 / rows)) with
 * decoder-l2 column-mean or regressed and 1 with zero (the spec's loss). The
 * loss averages over the rows of a batch, so the L2 weighs, against the summed
 * likelihood of an epoch, as much as `rows` rows: a catalogue of few rows
 * has a weak prior. Toward the average column, a stronger pull then helps
 * (ML-100K with 166 / 409 of its items, validation RMSE -0.030 / -0.007
 * and NDCG@20 +0.012 / +0.004 at weight 3.0 / 1.9; docs/results.md),
 * while at ML-100K's 1,650 rows 1.5 is level and 0.67 worse, and at
 * ML-1M's 3,706 1.5 and 2 are worse. So 1 from 1,500 rows up, where l2
 * itself was tuned. */
double caerec__decoder_l2_weight(const caerec_cfg *cfg, size_t rows);

/* The row length whose encoder scale encoder-norm leaves at 1: the
 * configured one, or the training data's mean row length, `cells / rows`.
 * An average row then keeps the plain sum's scale, so that l2, lr and the
 * initialisation, tuned for the plain sum, keep their meaning; only rows
 * longer or shorter than average are scaled down or up. */
double caerec__encoder_norm_ref(const caerec_cfg *cfg, size_t cells,
                                size_t rows);

/* C2: the configured decoder channels, or the default for a scale of
 * n_levels levels, K + 1 clamped to 8..32. The output convolution maps C2
 * channels to K + 1 logits; fewer channels than logits costs RMSE once K
 * is large (a 20-level scale: 8 channels 0.026 RMSE behind 21; 10 levels:
 * 6 behind, 8 level with 11; docs/model.md), while more than 8 gains
 * nothing on 1..5. 32 caps the decoder's cost (it grows with C2) on very
 * fine scales, where no size was measured. */
size_t caerec__c2(const caerec_cfg *cfg, size_t n_levels);

/* The learning-rate multiplier applied at the end of an epoch over n_rows
 * rows: lr_decay, or with lr_decay_steps N, lr_decay^(s / N) for the
 * epoch's s = ceil(n_rows / batch) Adam steps. Counting steps keeps the
 * schedule tied to the number of updates whatever the catalogue size, where
 * a per-epoch decay anneals a model with twice the rows at half the rate per
 * update. Applied in whole epochs, so that with s == N it is exactly
 * lr_decay. */
double caerec__epoch_lr_decay(const caerec_cfg *cfg, size_t n_rows);

#endif
