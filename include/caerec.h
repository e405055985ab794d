/*
 * caerec.h - public API of libcaerec, a 1x1 convolutional autoencoder
 * recommender that learns explicit ratings and implicit feedback (which
 * items a user consumes) in one model and predicts them separately.
 *
 * The header is organised in sections, in the order a program uses them:
 *   1. Version          6. Training
 *   2. Errors           7. Prediction and recommendation
 *   3. Memory           8. Evaluation
 *   4. Datasets         9. Persistence
 *   5. Configuration
 *
 * Conventions (they hold for every function unless its comment says otherwise)
 *   - Functions that can fail return an int status: CAEREC_OK (0) on success,
 *     a negative caerec_status code on failure. On failure
 *     caerec_last_error() returns a message naming the problem (file, line,
 *     option, value), and every handle and output the caller passed is left
 *     exactly as it was before the call.
 *   - Output parameters come first and are named out*. Handles returned
 *     through them are owned by the caller and released with the matching
 *     *_free function, which accepts NULL.
 *   - Plain buffers the library allocates for the caller are released with
 *     caerec_free().
 *   - Structs that cross the API start with a struct_size field that the
 *     matching *_INIT macro fills in. The library reads and writes only the
 *     fields that fit in struct_size, so structs can grow in later versions
 *     without breaking programs compiled against this one.
 *   - Thread safety: functions taking a const handle may be called from any
 *     number of threads at once on the same handle. Functions taking a
 *     non-const handle need exclusive access to that handle. Different
 *     handles are independent. The library keeps no process-global mutable
 *     state apart from the thread-local error message.
 *   - Ids: users and items are named by the caller's 64-bit ids; the library
 *     keeps the maps to its dense internal indices.
 */
#ifndef CAEREC_H
#define CAEREC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CAEREC_BUILDING) && defined(__GNUC__)
#define CAEREC_API __attribute__((visibility("default")))
#else
#define CAEREC_API
#endif

/* ======================================================================== */
/* 1. Version                                                                */
/* ======================================================================== */

#define CAEREC_VERSION_MAJOR 0
#define CAEREC_VERSION_MINOR 1
#define CAEREC_VERSION_PATCH 0
/** MAJOR * 10000 + MINOR * 100 + PATCH, comparable with < and >. */
#define CAEREC_VERSION_NUMBER                                                  \
    (CAEREC_VERSION_MAJOR * 10000 + CAEREC_VERSION_MINOR * 100 +               \
     CAEREC_VERSION_PATCH)
#define CAEREC_VERSION_STRING "0.1.0"

/** The version of the library actually loaded at run time, as
 *  CAEREC_VERSION_NUMBER. Compare with the macro to detect a header/library
 *  mismatch. Thread-safe. */
CAEREC_API unsigned caerec_version_number(void);

/** The same as a static string "MAJOR.MINOR.PATCH". Never NULL; do not free. */
CAEREC_API const char *caerec_version_string(void);

/* ======================================================================== */
/* 2. Errors                                                                 */
/* ======================================================================== */

typedef enum caerec_status {
    CAEREC_OK = 0,
    CAEREC_EINVAL = -1,    /**< invalid argument (NULL, bad size, bad option) */
    CAEREC_ENOMEM = -2,    /**< an allocation failed */
    CAEREC_EIO = -3,       /**< a file could not be opened, read or written */
    CAEREC_EPARSE = -4,    /**< malformed line or field in an input file */
    CAEREC_ERANGE = -5,    /**< value out of range: rating off the scale,
                                NaN, id that overflows int64, ... */
    CAEREC_ENOTFOUND = -6, /**< unknown user id, item id or type name */
    CAEREC_ESTATE = -7,    /**< call not valid in the handle's state */
    CAEREC_EEMPTY = -8,    /**< empty file or dataset where data is needed */
    CAEREC_ENUMERIC = -9,  /**< NaN or Inf met in training (divergence) */
    CAEREC_EFORMAT = -10,  /**< not a caerec model file (wrong magic) */
    CAEREC_EVERSION = -11, /**< model file from a newer, unknown format */
    CAEREC_ECORRUPT = -12, /**< model file truncated, inconsistent or
                                failing its checksum */
    CAEREC_ETOOBIG = -13,  /**< sizes overflow, or exceed the memory limit */
    CAEREC_EUNSUPPORTED = -14 /**< valid request this model cannot answer */
} caerec_status;

/** A static, human-readable description of a status code ("invalid
 *  argument"). Unknown codes give "unknown error". Never NULL; thread-safe. */
CAEREC_API const char *caerec_strerror(int status);

/** The message of the last failed call made by the calling thread, naming
 *  the problem (for example "ratings.csv:17: rating 3.7 is not on the scale
 *  1,2,3,4,5"). Empty string if the thread has seen no error. The string is
 *  thread-local and owned by the library; it stays valid until the next
 *  failing call on the same thread. Never NULL. */
CAEREC_API const char *caerec_last_error(void);

/* ======================================================================== */
/* 3. Memory                                                                 */
/* ======================================================================== */

/** Releases a buffer the library allocated for the caller (for example by
 *  caerec_model_save_buffer). NULL is a no-op. Thread-safe. */
CAEREC_API void caerec_free(void *buffer);

/* ======================================================================== */
/* 4. Datasets                                                               */
/* ======================================================================== */

/** A set of observed (user, item) cells. Each cell carries at most one
 *  rating, taken from the dataset's rating scale of K ordered values, and
 *  any subset of T named interaction types that carry no rating ("view",
 *  "click", ...). This is the multi-hot channel vector of the model: channel
 *  k < K is "rated the k-th level", channel K + t is "interaction of type t".
 *
 *  Repeated data for one cell merges: a repeated rating replaces the earlier
 *  one (last write wins, in call or file-line order) and types accumulate.
 *
 *  Thread safety: const functions may run concurrently; adding data needs
 *  exclusive access. */
typedef struct caerec_dataset caerec_dataset;

/** Most rating levels and most interaction types a dataset can declare. */
#define CAEREC_MAX_LEVELS 64
#define CAEREC_MAX_TYPES  32

/** Creates an empty dataset.
 *  levels: the K rating values in strictly increasing order, finite (for
 *          example 1,2,3,4,5 or 0.5,1,...,5); may be NULL when n_levels is 0
 *          (pure implicit data). Copied.
 *  type_names: T distinct, non-empty names of interaction types without
 *          rating; may be NULL when n_types is 0. Copied.
 *  K + T must be at least 1.
 *  Errors: CAEREC_EINVAL (NULL out, unsorted or non-finite levels, too many
 *  levels or types, duplicate or empty names, K + T == 0), CAEREC_ENOMEM. */
CAEREC_API int caerec_dataset_create(caerec_dataset **out, const double *levels,
                                     size_t n_levels,
                                     const char *const *type_names,
                                     size_t n_types);

/** Releases a dataset. NULL is a no-op. */
CAEREC_API void caerec_dataset_free(caerec_dataset *ds);

/** Creates a new dataset holding the same scale, types and interactions.
 *  Errors: CAEREC_EINVAL, CAEREC_ENOMEM. */
CAEREC_API int caerec_dataset_clone(caerec_dataset **out,
                                    const caerec_dataset *ds);

/** Adds one rating. value must be one of the scale's levels (compared with a
 *  relative tolerance of 1e-6).
 *  Errors: CAEREC_EINVAL (NULL ds), CAEREC_ERANGE (value NaN, Inf or not on
 *  the scale; also when the dataset has no scale), CAEREC_ENOMEM. */
CAEREC_API int caerec_dataset_add_rating(caerec_dataset *ds, int64_t user,
                                         int64_t item, double value);

/** Adds one interaction of type `type` (0 <= type < T).
 *  Errors: CAEREC_EINVAL (NULL ds), CAEREC_ERANGE (type out of range),
 *  CAEREC_ENOMEM. */
CAEREC_API int caerec_dataset_add_interaction(caerec_dataset *ds, int64_t user,
                                              int64_t item, uint32_t type);

/** Adds n ratings from parallel arrays (borrowed, read only). All or nothing:
 *  if any entry is invalid the dataset is left exactly as it was and the
 *  message names the index of the first bad entry. n == 0 is a no-op and
 *  then the arrays may be NULL.
 *  Errors: as caerec_dataset_add_rating; CAEREC_EINVAL for NULL arrays with
 *  n > 0. */
CAEREC_API int caerec_dataset_add_ratings(caerec_dataset *ds,
                                          const int64_t *users,
                                          const int64_t *items,
                                          const double *values, size_t n);

/** Adds n typed interactions from parallel arrays; all or nothing as
 *  caerec_dataset_add_ratings. */
CAEREC_API int caerec_dataset_add_interactions(caerec_dataset *ds,
                                               const int64_t *users,
                                               const int64_t *items,
                                               const uint32_t *types, size_t n);

/** Text formats of interaction files. Every format has one interaction per
 *  line, fields `user item value [timestamp]` (further fields ignored),
 *  LF or CRLF line endings, blank lines skipped, and an optional header line
 *  (a first line whose first field is not an integer). `value` is a rating
 *  when it parses as a number, otherwise the name of an interaction type;
 *  a line with only `user item` is an interaction of type 0 (the dataset
 *  must then declare at least one type). */
typedef enum caerec_file_format {
    CAEREC_FORMAT_AUTO = 0, /**< detected from the first data line */
    CAEREC_FORMAT_TSV = 1,  /**< tab or space separated (MovieLens u.data) */
    CAEREC_FORMAT_CSV = 2,  /**< comma separated */
    CAEREC_FORMAT_DAT = 3   /**< "::" separated (MovieLens ratings.dat) */
} caerec_file_format;

/** Appends every interaction of a file to ds. All or nothing: on any error
 *  the dataset is left exactly as it was. Messages name the file, the line
 *  number and the offending text.
 *  Errors: CAEREC_EINVAL (NULL argument, unknown format), CAEREC_EIO
 *  (missing or unreadable file), CAEREC_EEMPTY (no data line), CAEREC_EPARSE
 *  (malformed line, id that is not an integer), CAEREC_ERANGE (id
 *  overflowing int64, rating not on the scale, NaN), CAEREC_ENOTFOUND
 *  (unknown type name), CAEREC_ENOMEM. */
CAEREC_API int caerec_dataset_load_file(caerec_dataset *ds, const char *path,
                                        caerec_file_format format);

/** Creates a dataset from a file, inferring the scale from it: the levels
 *  are the distinct numeric values of the value column, sorted (at most
 *  CAEREC_MAX_LEVELS), and the types are the distinct non-numeric values in
 *  order of first appearance. A file of only `user item` lines gets
 *  one type named "interaction". Use caerec_dataset_create and
 *  caerec_dataset_load_file instead when the scale is known (a small file
 *  may miss a level). Errors: as caerec_dataset_load_file, and CAEREC_ERANGE
 *  when there are too many distinct levels or types. */
CAEREC_API int caerec_dataset_read_file(caerec_dataset **out, const char *path,
                                        caerec_file_format format);

/** Number of distinct users, items, rated cells, and cells carrying
 *  interaction type `type` (0 for an out-of-range type). 0 for NULL ds. */
CAEREC_API size_t caerec_dataset_n_users(const caerec_dataset *ds);
CAEREC_API size_t caerec_dataset_n_items(const caerec_dataset *ds);
CAEREC_API size_t caerec_dataset_n_ratings(const caerec_dataset *ds);
CAEREC_API size_t caerec_dataset_n_typed(const caerec_dataset *ds,
                                         uint32_t type);
/** Number of distinct observed cells (rated, typed or both). */
CAEREC_API size_t caerec_dataset_n_cells(const caerec_dataset *ds);

/** The scale: number of levels K, and copies the levels into out (which has
 *  room for `capacity` values; up to min(K, capacity) are written). */
CAEREC_API size_t caerec_dataset_n_levels(const caerec_dataset *ds);
CAEREC_API size_t caerec_dataset_levels(const caerec_dataset *ds, double *out,
                                        size_t capacity);
/** Number of interaction types T, and the name of type t (NULL when out of
 *  range). The name is owned by the dataset and lives as long as it. */
CAEREC_API size_t caerec_dataset_n_types(const caerec_dataset *ds);
CAEREC_API const char *caerec_dataset_type_name(const caerec_dataset *ds,
                                                uint32_t t);

/** Id lookups. Users and items get dense indices 0..n-1 in order of first
 *  appearance. Errors: CAEREC_EINVAL (NULL), CAEREC_ENOTFOUND (unknown id
 *  or index out of range). */
CAEREC_API int caerec_dataset_user_index(const caerec_dataset *ds, int64_t user,
                                         size_t *out_index);
CAEREC_API int caerec_dataset_item_index(const caerec_dataset *ds, int64_t item,
                                         size_t *out_index);
CAEREC_API int caerec_dataset_user_id(const caerec_dataset *ds, size_t index,
                                      int64_t *out_user);
CAEREC_API int caerec_dataset_item_id(const caerec_dataset *ds, size_t index,
                                      int64_t *out_item);

/** Splits ds by holding out a fraction of each user's cells: for every user
 *  with at least two cells, round(fraction * cells) of them (at least one,
 *  never all) chosen uniformly at random go to *out_test, the rest to
 *  *out_train. Users with one cell stay wholly in train. Both results have
 *  ds's scale and types. Same ds, fraction and seed give the same split.
 *  Errors: CAEREC_EINVAL (NULL, fraction not in (0, 1)), CAEREC_ENOMEM. */
CAEREC_API int caerec_dataset_split(caerec_dataset **out_train,
                                    caerec_dataset **out_test,
                                    const caerec_dataset *ds, double fraction,
                                    uint64_t seed);

/** Parameters of the synthetic generator. */
typedef struct caerec_synthetic_options {
    size_t struct_size;
    size_t n_users;       /**< default 1000 */
    size_t n_items;       /**< default 500 */
    size_t n_groups;      /**< latent groups of users and of items; default 5 */
    double mean_per_user; /**< mean number of consumed items; default 40 */
    double affinity;      /**< how much more a user samples items of its own
                               group than of another; default 8 */
    size_t n_levels;      /**< K: ratings 1..K; 0 = implicit only; default 5 */
    uint64_t seed;        /**< default 42 */
} caerec_synthetic_options;

#define CAEREC_SYNTHETIC_OPTIONS_INIT                                          \
    {                                                                          \
        sizeof(caerec_synthetic_options), 1000, 500, 5, 40.0, 8.0, 5, 42       \
    }

/** Generates a dataset with planted structure, for demos and tests.
 *  Everything is drawn from `seed`: same options, same dataset.
 *  - Groups: users and items are split into n_groups latent groups of equal
 *    size (+-1), at random. Users of group g "dislike" item group
 *    (g + 1) mod n_groups (no disliked group when n_groups == 1).
 *  - Sampling: item j has popularity w_j = exp(0.6 z_j), z_j standard
 *    normal. P(j | u) is proportional to w_j * (affinity if group(j) ==
 *    group(u) else 1).
 *  - Counts: user u consumes N_u = m0 + G items, m0 = max(1, round(mean /
 *    5)), G geometric on {0, 1, ...} with mean (mean_per_user - m0), capped
 *    at n_items (so the realised mean is slightly below mean_per_user when
 *    the cap bites). The N_u distinct items are drawn one after another
 *    from P(j | u) without repeats (each draw from P(. | u) restricted to
 *    the items not yet drawn).
 *  - Ratings (n_levels = K > 0, values 1..K): each consumed item gets a
 *    rating drawn from P(k | u, j) proportional to
 *    exp(-((k - c_uj) / s)^2 / 2) over level indices k = 0..K-1, with
 *    s = max(0.5, 0.15 (K - 1)) and centre c_uj = f (K - 1) + a_u + b_j,
 *    where f is 0.8 for the user's own group, 0.15 for its disliked group
 *    and 0.5 otherwise, and the offsets a_u, b_j are uniform in
 *    +-0.1 (K - 1).
 *  - The result has the scale 1..K and no types; with n_levels == 0 it has
 *    no scale and one type "view" carried by every cell.
 *  Users get ids 1..n_users (dense indices in that order) and items ids
 *  1..n_items (indices in order of first appearance). opts may be NULL for
 *  all defaults.
 *  Errors: CAEREC_EINVAL (zero sizes, n_groups > min(n_users, n_items),
 *  affinity < 1 or not finite, n_levels > 64, mean_per_user not in
 *  [1, n_items], struct_size 0), CAEREC_ETOOBIG (more than 2^30 cells),
 *  CAEREC_ENOMEM. */
CAEREC_API int caerec_dataset_synthetic(caerec_dataset **out,
                                        const caerec_synthetic_options *opts);

/* ======================================================================== */
/* 5. Configuration                                                          */
/* ======================================================================== */

/** The model's hyper-parameters. Create one, set what differs from the
 *  defaults, pass it to caerec_model_create (which copies it). */
typedef struct caerec_config caerec_config;

/** Activation functions for phi (input convolution), g (hidden layer) and
 *  psi (decoder output). */
typedef enum caerec_activation {
    CAEREC_ACT_IDENTITY = 0,
    CAEREC_ACT_RELU = 1,
    CAEREC_ACT_SIGMOID = 2,
    CAEREC_ACT_TANH = 3,
    CAEREC_ACT_SELU = 4,
    CAEREC_ACT_ELU = 5
} caerec_activation;

/** Which entity the autoencoder reconstructs. User orientation encodes a
 *  user's row of items; item orientation encodes an item's column of users.
 *  Fold-in of new users works with both (see caerec_scorer_set_history). */
typedef enum caerec_orientation {
    CAEREC_ORIENT_USER = 0,
    CAEREC_ORIENT_ITEM = 1
} caerec_orientation;

/** What the L2 penalty pulls each column's decoder weights `W_j` toward. */
typedef enum caerec_decoder_l2 {
    CAEREC_DECODER_L2_ZERO = 0,        /**< zero: the spec's plain L2 */
    CAEREC_DECODER_L2_COLUMN_MEAN = 1, /**< their mean over all columns:
                                            lambda/2 sum_j |W_j - mean W|^2 */
    CAEREC_DECODER_L2_REGRESSED = 2    /**< a centre of each column's own:
                                            the mean column plus the mean,
                                            over the rows holding column j,
                                            of a per-row shift dQ_r, dQ
                                            ridge-regressed (strength
                                            decoder-l2-ridge) on the columns
                                            at the end of every epoch (before
                                            the first: the mean column). In
                                            item orientation a user's prior
                                            then comes from the items the
                                            user consumed, which fold-in
                                            uses too. docs/model.md */
} caerec_decoder_l2;

/** What early stopping watches on the validation set. */
typedef enum caerec_metric {
    CAEREC_METRIC_LOSS = 0, /**< validation negative log-likelihood (lower) */
    CAEREC_METRIC_RMSE = 1, /**< validation RMSE (lower); when the model
                                 learns no ratings (beta = gamma = 0) or
                                 the validation set has none, NDCG@20
                                 instead (the loss if that is missing) */
    CAEREC_METRIC_NDCG = 2  /**< validation NDCG@20 (higher) */
} caerec_metric;

/** Options. Names in quotes are the names caerec_config_set accepts (and the
 *  command-line flags of the caerec tool). Defaults are in docs/model.md.
 *  Integer options are set with caerec_config_set_int, real ones with
 *  caerec_config_set_double; enums are integer options. */
typedef enum caerec_option {
    CAEREC_OPT_ORIENTATION = 0, /**< "orientation": user|item */
    CAEREC_OPT_HIDDEN = 1,      /**< "hidden": d, 1..65536 */
    CAEREC_OPT_C1 = 2,          /**< "c1": input channels after E, 1..1024 */
    CAEREC_OPT_C2 = 3,          /**< "c2": decoder channels, 0..1024; 0
                                     (default) means K + 1 for a K-level
                                     scale, clamped to 8..32 (8 on 1..5),
                                     fixed when the model is created */
    CAEREC_OPT_ACT_IN = 4,      /**< "act-in": phi */
    CAEREC_OPT_ACT_HIDDEN = 5,  /**< "act-hidden": g */
    CAEREC_OPT_ACT_OUT = 6,     /**< "act-out": psi */
    CAEREC_OPT_DROPOUT = 7,     /**< "dropout": p in [0, 1) */
    CAEREC_OPT_ALPHA = 8,     /**< "alpha": weight of the sampling loss, >= 0 */
    CAEREC_OPT_BETA = 9,      /**< "beta": weight of the rating loss, >= 0 */
    CAEREC_OPT_GAMMA = 10,    /**< "gamma": weight of the squared error of the
                                   expected rating, >= 0; NaN (default) means
                                   12 / (max - min)^2 of the training scale
                                   (0.75 on 1..5), fixed when the model is
                                   created */
    CAEREC_OPT_L2 = 11,       /**< "l2": lambda, >= 0 (on the decoder
                                   weights toward decoder-l2's centre, times
                                   decoder-l2-weight) */
    CAEREC_OPT_LR = 12,       /**< "lr": Adam learning rate, > 0 */
    CAEREC_OPT_LR_DECAY = 13, /**< "lr-decay": learning rate multiplier per
                                   epoch (or per lr-decay-steps Adam
                                   steps), in (0, 1] */
    CAEREC_OPT_BATCH = 14,    /**< "batch": rows per step, >= 1 */
    CAEREC_OPT_EPOCHS = 15,   /**< "epochs": most epochs of caerec_model_fit */
    CAEREC_OPT_PATIENCE = 16, /**< "patience": epochs without validation
                                   progress (see min-improvement) before
                                   fit stops; 0 = never */
    CAEREC_OPT_SEED = 17,     /**< "seed": random seed, any uint64 */
    CAEREC_OPT_THREADS = 18,  /**< "threads": threads per call, 1..256 */
    CAEREC_OPT_LIKE_THRESHOLD = 19,  /**< "like-threshold": tau; NaN (default)
                                      means the top 40% of the scale */
    CAEREC_OPT_EARLY_STOP = 20,      /**< "early-stop": loss|rmse|ndcg */
    CAEREC_OPT_MAX_MEMORY = 21,      /**< "max-memory": bytes model creation may
                                          use; 0 (default) = physical memory */
    CAEREC_OPT_LR_DECAY_STEPS = 22,  /**< "lr-decay-steps": 0 = lr-decay is
                                          applied per epoch; N >= 1 = per N
                                          Adam steps (after each epoch of s
                                          steps the rate is multiplied by
                                          lr-decay^(s/N)), 0..1e9 */
    CAEREC_OPT_MIN_IMPROVEMENT = 23, /**< "min-improvement": the relative
                                          gain in the early-stop figure that
                                          counts as progress for patience,
                                          in [0, 1); smaller gains are still
                                          kept as the best epoch */
    CAEREC_OPT_DECODER_L2 = 24,      /**< "decoder-l2":
                                          zero|column-mean|regressed, what
                                          the L2 pulls the decoder weights
                                          toward (caerec_decoder_l2) */
    CAEREC_OPT_DECODER_L2_WEIGHT = 25, /**< "decoder-l2-weight": multiplier
                                           of l2 on the decoder weights, >= 0;
                                           NaN (default) means
                                           max(1, sqrt(1500 / rows)) with
                                           decoder-l2 column-mean or
                                           regressed and 1 with zero, fixed
                                           when the model is created */
    CAEREC_OPT_ENCODER_NORM = 26,      /**< "encoder-norm": exponent e in
                                           [0, 1]; the encoder's sum over a
                                           row's cells is multiplied by
                                           (encoder-norm-ref / cells)^e, so
                                           0 is the plain sum, 1 the mean */
    CAEREC_OPT_ENCODER_NORM_REF = 27,  /**< "encoder-norm-ref": the row
                                           length whose scale encoder-norm
                                           leaves unchanged, > 0; NaN
                                           (default) means the training
                                           data's mean row length, fixed
                                           when the model is created */
    CAEREC_OPT_DECODER_L2_RIDGE = 28   /**< "decoder-l2-ridge": mu > 0, the
                                           ridge strength of decoder-l2
                                           regressed's regression of the
                                           columns on their rows; NaN
                                           (default) means 4 times the
                                           mean diagonal of that
                                           regression's X^T X, i.e.
                                           (4 / rows) sum over columns of
                                           1 / (the column's cells), fixed
                                           when the model is created */
} caerec_option;

/** Creates a configuration holding the defaults. Errors: CAEREC_EINVAL,
 *  CAEREC_ENOMEM. */
CAEREC_API int caerec_config_create(caerec_config **out);
CAEREC_API void caerec_config_free(caerec_config *cfg);
CAEREC_API int caerec_config_clone(caerec_config **out,
                                   const caerec_config *cfg);

/** Sets an integer or enum option. Errors: CAEREC_EINVAL (NULL cfg, unknown
 *  option, real-valued option), CAEREC_ERANGE (value outside the option's
 *  range; the message names the option and the range). On error cfg is
 *  unchanged. */
CAEREC_API int caerec_config_set_int(caerec_config *cfg, caerec_option opt,
                                     int64_t value);
/** Sets a real-valued option (integer options also accept integral reals).
 *  Errors as caerec_config_set_int; NaN is rejected except by the options
 *  whose default it is (like-threshold, gamma, decoder-l2-weight,
 *  encoder-norm-ref, decoder-l2-ridge), where it restores that default. */
CAEREC_API int caerec_config_set_double(caerec_config *cfg, caerec_option opt,
                                        double value);
/** Sets an option by name from text, as the command-line tool does:
 *  caerec_config_set(cfg, "hidden", "500"), ("act-out", "sigmoid"),
 *  ("orientation", "item"). Errors: CAEREC_EINVAL (unknown name or text that
 *  does not parse), CAEREC_ERANGE. */
CAEREC_API int caerec_config_set(caerec_config *cfg, const char *name,
                                 const char *value);
/** Reads an option; integer options are returned as exact doubles too.
 *  Errors: CAEREC_EINVAL. */
CAEREC_API int caerec_config_get_int(const caerec_config *cfg,
                                     caerec_option opt, int64_t *out);
CAEREC_API int caerec_config_get_double(const caerec_config *cfg,
                                        caerec_option opt, double *out);
/** The name of an option ("hidden") or NULL for an unknown option. */
CAEREC_API const char *caerec_option_name(caerec_option opt);

/* ======================================================================== */
/* 6. Model creation and training                                            */
/* ======================================================================== */

/** A model: its configuration, the id maps and interactions of its training
 *  data, its parameters and (until training ends) its optimizer state.
 *  Training functions need exclusive access; a model that is not being
 *  trained is read-only and may serve predictions from any number of threads
 *  at once.
 *
 *  Reproducibility. Bit-identical, on the same machine and library build:
 *  the parameters after the same training calls on the same data (same
 *  insertion order of ids), configuration, seed and thread count; a run
 *  resumed from a checkpoint and an uninterrupted one; predictions and
 *  recommendations of one model, whatever the number of threads calling.
 *  Not promised: identical bits across thread counts (BLIS may split a
 *  product differently, although on our test machines the bits matched),
 *  across CPUs with different BLIS kernels, or across library versions (a
 *  version may change kernels; model files keep loading and predicting,
 *  within float rounding). Ids are mapped in order of first appearance, so the
 *  same interactions added in another order give another (equally good)
 *  model. */
typedef struct caerec_model caerec_model;

/** Memory caerec_model_create would need for cfg and train, in bytes,
 *  computed without allocating: *out_training is the peak while training
 *  (parameters, Adam moments, batch workspace, interactions), *out_serving
 *  what a loaded model needs to predict. Either out pointer may be NULL.
 *  Errors: CAEREC_EINVAL, CAEREC_EEMPTY (empty dataset), CAEREC_ETOOBIG
 *  (sizes overflow size_t). */
CAEREC_API int caerec_estimate_memory(const caerec_config *cfg,
                                      const caerec_dataset *train,
                                      size_t *out_training,
                                      size_t *out_serving);

/** Creates a model for the training data: copies cfg, the scale, the types,
 *  the id maps and the interactions (train may be freed afterwards), and
 *  initialises the parameters from the seed (Glorot-uniform weights, zero
 *  biases). Errors: CAEREC_EINVAL, CAEREC_EEMPTY (no interactions),
 *  CAEREC_ETOOBIG (estimate above max-memory, or overflowing sizes),
 *  CAEREC_ENOMEM. */
CAEREC_API int caerec_model_create(caerec_model **out, const caerec_config *cfg,
                                   const caerec_dataset *train);

/** Releases a model. NULL is a no-op. */
CAEREC_API void caerec_model_free(caerec_model *model);

/** Loss terms, averaged per row as in the model's loss: sample is the
 *  alpha-weighted sampling NLL, rating the beta-weighted rating NLL, error
 *  the gamma-weighted squared rating error, l2 the penalty; total is their
 *  sum. */
typedef struct caerec_losses {
    double sample;
    double rating;
    double error;
    double l2;
    double total;
} caerec_losses;

/** Runs one Adam step on the next mini-batch of the current epoch (rows in
 *  an order shuffled from the seed at each epoch start). out may be NULL.
 *  Returns CAEREC_OK, or 1 when this step completed an epoch.
 *  Errors: CAEREC_EINVAL, CAEREC_ENUMERIC (non-finite loss or gradient: the
 *  step is not applied and the parameters stay at their last good values),
 *  CAEREC_ESTATE (model loaded without training state). */
CAEREC_API int caerec_model_train_step(caerec_model *model, caerec_losses *out);

/** Runs the steps left in the current epoch (a whole epoch when called at
 *  an epoch boundary). out receives the losses averaged over the epoch's
 *  steps; may be NULL. Errors: as caerec_model_train_step. */
CAEREC_API int caerec_model_train_epoch(caerec_model *model,
                                        caerec_losses *out);

/** What caerec_model_fit reports after each epoch. Validation fields are NaN
 *  without a validation set. */
typedef struct caerec_epoch_report {
    size_t struct_size;
    unsigned epoch;      /**< 1-based */
    caerec_losses train; /**< averaged over the epoch */
    double valid_loss;   /**< validation NLL per validation row */
    double valid_rmse;   /**< RMSE of expected ratings on validation ratings */
    double valid_ndcg;   /**< NDCG@20 of held-out validation cells */
    double seconds;      /**< wall time of the epoch, validation included */
    int improved;        /**< 1 if this epoch is the best so far */
} caerec_epoch_report;

#define CAEREC_EPOCH_REPORT_INIT                                               \
    {                                                                          \
        sizeof(caerec_epoch_report), 0, {0, 0, 0, 0, 0}, 0, 0, 0, 0, 0         \
    }

/** Called after every epoch of caerec_model_fit; return non-zero to stop
 *  training (the best parameters are still kept). */
typedef int (*caerec_epoch_callback)(const caerec_epoch_report *report,
                                     void *user);

/** Trains for up to the configured number of epochs. With a validation
 *  dataset (cells held out of the training users, same scale; cells of
 *  unknown users or items are ignored) it evaluates after each epoch, stops
 *  after `patience` epochs without improvement of the early-stop metric,
 *  and restores the parameters of the best epoch. callback may be NULL.
 *  best may be NULL; otherwise it receives the report of the kept epoch.
 *  Errors: as caerec_model_train_step; CAEREC_EINVAL for a validation set
 *  with a different scale. On CAEREC_ENUMERIC the model keeps the best
 *  parameters seen so far (the last good ones without validation). */
CAEREC_API int caerec_model_fit(caerec_model *model,
                                const caerec_dataset *valid,
                                caerec_epoch_callback callback, void *user,
                                caerec_epoch_report *best);

/** Completed epochs and steps so far. */
CAEREC_API unsigned caerec_model_epoch(const caerec_model *model);

/** Model facts. Counts are 0 for NULL. Index lookups as for datasets:
 *  indices are dense in the model's own item order, the order of the
 *  scores written by caerec_scorer_all. */
CAEREC_API size_t caerec_model_n_users(const caerec_model *model);
CAEREC_API size_t caerec_model_n_items(const caerec_model *model);
CAEREC_API size_t caerec_model_n_levels(const caerec_model *model);
CAEREC_API size_t caerec_model_levels(const caerec_model *model, double *out,
                                      size_t capacity);
CAEREC_API size_t caerec_model_n_types(const caerec_model *model);
CAEREC_API const char *caerec_model_type_name(const caerec_model *model,
                                              uint32_t t);
/** Number of parameters (weights and biases). */
CAEREC_API size_t caerec_model_n_params(const caerec_model *model);
CAEREC_API int caerec_model_user_id(const caerec_model *model, size_t index,
                                    int64_t *out_user);
CAEREC_API int caerec_model_item_id(const caerec_model *model, size_t index,
                                    int64_t *out_item);
CAEREC_API int caerec_model_item_index(const caerec_model *model, int64_t item,
                                       size_t *out_index);
/** For a model loaded from a file or buffer: the file's format version and
 *  the CAEREC_VERSION_NUMBER of the library that wrote it; 0 and 0 for a
 *  model made by caerec_model_create. Either out pointer may be NULL.
 *  Errors: CAEREC_EINVAL (NULL model). */
CAEREC_API int caerec_model_file_version(const caerec_model *model,
                                         unsigned *out_format,
                                         unsigned *out_library);
/** A copy of the model's configuration, owned by the caller. */
CAEREC_API int caerec_model_config(caerec_config **out,
                                   const caerec_model *model);

/* ======================================================================== */
/* 7. Prediction and recommendation                                          */
/* ======================================================================== */

/** The scores of the model's predictions table for a (user, item) pair. */
typedef enum caerec_score {
    CAEREC_SCORE_SAMPLE = 0,   /**< P(i | u): share of u's interactions on i */
    CAEREC_SCORE_CONSUME = 1,  /**< 1 - (1 - P(i | u))^N_u: consumes i at all */
    CAEREC_SCORE_RATING = 2,   /**< expected rating sum_k v_k P(k | u, i) */
    CAEREC_SCORE_LIKE = 3,     /**< P(rating >= tau | u, i, consumed) */
    CAEREC_SCORE_JOINT = 4,    /**< consume-and-like: P(i | u) * like */
    CAEREC_SCORE_DISCOVERY = 5 /**< like * (1 - consume) */
} caerec_score;
#define CAEREC_SCORE_COUNT 6

/** Name of a score ("sample", "consume", "rating", "like", "joint",
 *  "discovery"), or NULL. And the reverse; returns CAEREC_EINVAL for an
 *  unknown name. */
CAEREC_API const char *caerec_score_name(caerec_score score);
CAEREC_API int caerec_score_from_name(const char *name, caerec_score *out);

/** A scorer holds one user's computed scores over all items, and the scratch
 *  space to compute them. Use one scorer per thread; any number of scorers
 *  may share one model. The model must outlive its scorers. */
typedef struct caerec_scorer caerec_scorer;

CAEREC_API int caerec_scorer_create(caerec_scorer **out,
                                    const caerec_model *model);
CAEREC_API void caerec_scorer_free(caerec_scorer *scorer);

/** Computes every score of a training user for every item.
 *  Errors: CAEREC_EINVAL, CAEREC_ENOTFOUND (user not in training data). */
CAEREC_API int caerec_scorer_set_user(caerec_scorer *scorer, int64_t user);

/** Fold-in: computes the scores of a user from that user's interactions in
 *  `history` (a dataset with the model's scale; any user id, it need not be
 *  known to the model), as a new user who was not in the training data.
 *  Items unknown to the model are skipped and counted in *out_skipped (may
 *  be NULL). The history's items are that user's "seen" items.
 *  User orientation runs the encoder on the history (cheap: one row).
 *  Item orientation has no decoder weights for a user it was not trained
 *  on, so it fits that user's decoder column by maximum likelihood with
 *  every other parameter frozen (docs/model.md, "Fold-in"); this costs 80
 *  Adam iterations of two (m x d)(d x C2) products (about 0.4 s for a
 *  MovieLens-1M-sized model on 2 cores) and approximates what training
 *  would learn (tests/predict/test_scorer.c measures how closely).
 *  Errors: CAEREC_EINVAL (NULL, different scale, unknown type name),
 *  CAEREC_ENOTFOUND (user not in history), CAEREC_ENOMEM. */
CAEREC_API int caerec_scorer_set_history(caerec_scorer *scorer,
                                         const caerec_dataset *history,
                                         int64_t user, size_t *out_skipped);

/** One score of the current user for one item. Errors: CAEREC_EINVAL,
 *  CAEREC_ESTATE (no user set), CAEREC_ENOTFOUND (unknown item). */
CAEREC_API int caerec_scorer_get(const caerec_scorer *scorer, int64_t item,
                                 caerec_score score, double *out);

/** The rating distribution P(k | u, i) over the K levels of the current
 *  user for an item: writes min(K, capacity) probabilities to out and
 *  returns K through *out_n (may be NULL). */
CAEREC_API int caerec_scorer_levels(const caerec_scorer *scorer, int64_t item,
                                    double *out, size_t capacity,
                                    size_t *out_n);

/** Whether the current user interacted with the item in the training data
 *  (or the fold-in history). */
CAEREC_API int caerec_scorer_seen(const caerec_scorer *scorer, int64_t item,
                                  int *out_seen);

/** One score for every item, in the model's item index order
 *  (caerec_model_item_id). out has room for n_items floats. */
CAEREC_API int caerec_scorer_all(const caerec_scorer *scorer,
                                 caerec_score score, float *out,
                                 size_t n_items);

/** Options of top-k recommendation. */
typedef struct caerec_rec_options {
    size_t struct_size;
    caerec_score score;   /**< ranking score; default CAEREC_SCORE_SAMPLE */
    int include_seen;     /**< 0 (default): exclude the user's seen items */
    const int64_t *allow; /**< if non-NULL, only these items are candidates */
    size_t n_allow;
    const int64_t *deny; /**< items never recommended; may be NULL */
    size_t n_deny;
} caerec_rec_options;

#define CAEREC_REC_OPTIONS_INIT                                                \
    {                                                                          \
        sizeof(caerec_rec_options), CAEREC_SCORE_SAMPLE, 0, NULL, 0, NULL, 0   \
    }

/** The top-k items of the current user by opts->score (opts may be NULL for
 *  defaults), best first, ties broken by the lower item index. Writes up to
 *  k item ids (and their scores if out_scores is non-NULL) and the number
 *  written to *out_n: fewer than k when fewer candidates remain, 0 when the
 *  user has seen every item. Unknown ids in allow/deny lists are ignored.
 *  Errors: CAEREC_EINVAL, CAEREC_ESTATE (no user set). */
CAEREC_API int caerec_scorer_recommend(const caerec_scorer *scorer, size_t k,
                                       const caerec_rec_options *opts,
                                       int64_t *out_items, double *out_scores,
                                       size_t *out_n);

/** One-shot convenience: the score of one pair, through a temporary scorer.
 *  Thread-safe on a shared model. */
CAEREC_API int caerec_predict(const caerec_model *model, int64_t user,
                              int64_t item, caerec_score score, double *out);

/** Top-k for many training users at once (scored in GEMM batches, using the
 *  model's thread setting). out_items and out_scores (may be NULL) have
 *  room for n_users * k entries, row u at offset u * k; out_counts (n_users
 *  entries) receives how many were written per user. An unknown user fails
 *  the whole call with CAEREC_ENOTFOUND before anything is written. */
CAEREC_API int caerec_recommend_batch(const caerec_model *model,
                                      const int64_t *users, size_t n_users,
                                      size_t k, const caerec_rec_options *opts,
                                      int64_t *out_items, double *out_scores,
                                      size_t *out_counts);

/* ======================================================================== */
/* 8. Evaluation                                                             */
/* ======================================================================== */

/** Rating accuracy on a test dataset's ratings, expected ratings clipped to
 *  the scale. skipped counts test cells whose user or item the model does
 *  not know. */
typedef struct caerec_rating_metrics {
    size_t struct_size;
    double rmse;
    double mae;
    size_t n_ratings;
    size_t skipped;
} caerec_rating_metrics;
#define CAEREC_RATING_METRICS_INIT                                             \
    {                                                                          \
        sizeof(caerec_rating_metrics), 0, 0, 0, 0                              \
    }

/** Top-k accuracy on held-out cells (every test cell counts as relevant),
 *  ranking all items not in the user's training data by `score`, averaged
 *  over test users known to the model with at least one known test item.
 *  Recall@k = hits / min(k, |T_u|); NDCG@k with binary relevance and IDCG
 *  over min(k, |T_u|) items; precision@k = hits / k; hit rate = share of
 *  users with at least one hit. */
typedef struct caerec_topk_metrics {
    size_t struct_size;
    size_t k;
    double recall;
    double ndcg;
    double precision;
    double hit_rate;
    size_t users;
} caerec_topk_metrics;
#define CAEREC_TOPK_METRICS_INIT                                               \
    {                                                                          \
        sizeof(caerec_topk_metrics), 0, 0, 0, 0, 0, 0                          \
    }

/** RMSE and MAE over test's ratings. Errors: CAEREC_EINVAL (NULL,
 *  different scale), CAEREC_EUNSUPPORTED (model without ratings, K = 0). */
CAEREC_API int caerec_evaluate_ratings(const caerec_model *model,
                                       const caerec_dataset *test,
                                       caerec_rating_metrics *out);

/** Top-k metrics for n_k cut-offs ks[0..n_k) in one pass, ranking by
 *  CAEREC_SCORE_SAMPLE. out is an array of n_k structs, each with
 *  struct_size set. Errors: CAEREC_EINVAL (NULL, k == 0). */
CAEREC_API int caerec_evaluate_topk(const caerec_model *model,
                                    const caerec_dataset *test,
                                    const size_t *ks, size_t n_k,
                                    caerec_topk_metrics *out);

/* ======================================================================== */
/* 9. Persistence                                                            */
/* ======================================================================== */

/** Model files (format in docs/model-format.md) hold everything prediction
 *  needs: configuration, scale, type names, id maps, training interactions
 *  and weights. Every later version of the library loads every earlier
 *  format version. Saving writes a temporary file in the same directory and
 *  renames it over `path`, so a failed save leaves any previous file intact.
 *  A loaded model predicts; it cannot be trained further (CAEREC_ESTATE):
 *  use checkpoints for that. Errors: CAEREC_EINVAL, CAEREC_EIO,
 *  CAEREC_ENOMEM. */
CAEREC_API int caerec_model_save(const caerec_model *model, const char *path);

/** Loads a model file, validating it entirely before trusting it. A
 *  checkpoint file loads too (its optimizer state is dropped, so the model
 *  predicts but cannot be trained). The first prediction after a load
 *  builds the inference cache (one encoder pass; for item orientation also
 *  one pass over the decoder): seconds for MovieLens-1M-sized models.
 *  Errors: CAEREC_EINVAL, CAEREC_EIO, CAEREC_EFORMAT (not a model file),
 *  CAEREC_EVERSION (newer format), CAEREC_ECORRUPT (truncated, including an
 *  empty file; checksum; inconsistent sizes or contents), CAEREC_ETOOBIG,
 *  CAEREC_ENOMEM. */
CAEREC_API int caerec_model_load(caerec_model **out, const char *path);

/** The same to and from memory. *out_buffer is released with caerec_free.
 *  The loader copies what it keeps; buffer may be freed afterwards. */
CAEREC_API int caerec_model_save_buffer(const caerec_model *model,
                                        void **out_buffer, size_t *out_size);
CAEREC_API int caerec_model_load_buffer(caerec_model **out, const void *buffer,
                                        size_t size);

/** Training checkpoints: the model plus the optimizer state, the epoch,
 *  the position in the epoch and the random generator state. Training a
 *  model loaded from a checkpoint ends with parameters bit-identical to an
 *  uninterrupted run (same thread count). Errors: as for model files, and
 *  CAEREC_ESTATE when saving a model that has no training state. */
CAEREC_API int caerec_checkpoint_save(const caerec_model *model,
                                      const char *path);
CAEREC_API int caerec_checkpoint_load(caerec_model **out, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* CAEREC_H */
