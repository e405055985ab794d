/* caerec_config: a table of options (name, kind, range, field), so setters,
 * getters, by-name parsing and messages all come from one place. */
#include "model/config.h"

#include "common/error.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void caerec__cfg_defaults(caerec_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->orientation = CAEREC_ORIENT_ITEM;
    c->hidden = 300;
    c->c1 = 16;
    c->c2 = 0; /* resolved per scale by caerec__c2 */
    c->act_in = CAEREC_ACT_IDENTITY;
    c->act_hidden = CAEREC_ACT_SIGMOID;
    c->act_out = CAEREC_ACT_IDENTITY;
    c->dropout = 0.5;
    c->alpha = 1.0;
    c->beta = 1.0;
    c->gamma = NAN; /* resolved per scale by caerec__gamma */
    c->l2 = 0.1;
    c->lr = 3e-3;
    c->lr_decay = 0.85;
    c->lr_decay_steps = 58;
    c->batch = 64;
    c->epochs = 50;
    c->patience = 5;
    c->min_improvement = 1e-4;
    c->decoder_l2 = CAEREC_DECODER_L2_COLUMN_MEAN;
    c->decoder_l2_weight = NAN; /* resolved per row count */
    c->decoder_l2_ridge = NAN; /* resolved from the training data */
    c->encoder_norm = 0.5;
    c->encoder_norm_ref = NAN; /* resolved from the training data */
    c->seed = 42;
    c->threads = 1;
    c->like_threshold = NAN;
    c->early_stop = CAEREC_METRIC_RMSE;
    c->max_memory = 0;
}

double caerec__like_threshold(const caerec_cfg *cfg, const double *levels,
                              size_t n_levels)
{
    if (!isnan(cfg->like_threshold) || n_levels == 0)
        return cfg->like_threshold;
    double lo = levels[0], hi = levels[n_levels - 1];
    double cut = lo + 0.6 * (hi - lo);
    for (size_t k = 0; k < n_levels; k++)
        if (levels[k] >= cut - 1e-9 * (fabs(cut) + 1))
            return levels[k];
    return hi;
}

double caerec__gamma(const caerec_cfg *cfg, const double *levels,
                     size_t n_levels)
{
    if (!isnan(cfg->gamma))
        return cfg->gamma;
    if (n_levels < 2)
        return 0.0;
    double range = levels[n_levels - 1] - levels[0];
    return 12.0 / (range * range);
}

double caerec__decoder_l2_weight(const caerec_cfg *cfg, size_t rows)
{
    if (!isnan(cfg->decoder_l2_weight))
        return cfg->decoder_l2_weight;
    if (!caerec__decoder_l2_centred(cfg) || rows >= 1500)
        return 1.0;
    return sqrt(1500.0 / (double)(rows ? rows : 1));
}

double caerec__encoder_norm_ref(const caerec_cfg *cfg, size_t cells,
                                size_t rows)
{
    if (!isnan(cfg->encoder_norm_ref))
        return cfg->encoder_norm_ref;
    if (cells == 0 || rows == 0)
        return 1.0;
    return (double)cells / (double)rows;
}

size_t caerec__c2(const caerec_cfg *cfg, size_t n_levels)
{
    if (cfg->c2)
        return cfg->c2;
    size_t want = n_levels + 1;
    return want < 8 ? 8 : want > 32 ? 32 : want;
}

double caerec__epoch_lr_decay(const caerec_cfg *cfg, size_t n_rows)
{
    if (cfg->lr_decay_steps == 0 || cfg->batch == 0)
        return cfg->lr_decay;
    size_t steps = n_rows / cfg->batch + (n_rows % cfg->batch != 0);
    return pow(cfg->lr_decay, (double)steps / (double)cfg->lr_decay_steps);
}

typedef enum { K_SIZE, K_INT, K_U64, K_REAL, K_ENUM } kind_t;

typedef struct {
    const char *name;
    kind_t kind;
    double lo, hi; /* inclusive range for numbers */
    int open_lo;   /* lo excluded */
    int open_hi;   /* hi excluded */
    size_t offset;
    const char *const *enum_names; /* for K_ENUM */
    int nan_default; /* K_REAL: NaN is accepted and means "chosen from the
                        training data (its rating scale or size)" */
} option_t;

static const char *const orient_names[] = {"user", "item", NULL};
static const char *const act_names[] = {"identity", "relu", "sigmoid", "tanh",
                                        "selu",     "elu",  NULL};
static const char *const metric_names[] = {"loss", "rmse", "ndcg", NULL};
static const char *const decoder_l2_names[] = {"zero", "column-mean",
                                               "regressed", NULL};

#define OFF(f) offsetof(caerec_cfg, f)
static const option_t options[] = {
    [CAEREC_OPT_ORIENTATION] = {"orientation", K_ENUM, 0, 1, 0, 0,
                                OFF(orientation), orient_names},
    [CAEREC_OPT_HIDDEN] = {"hidden", K_SIZE, 1, 65536, 0, 0, OFF(hidden), NULL},
    [CAEREC_OPT_C1] = {"c1", K_SIZE, 1, 1024, 0, 0, OFF(c1), NULL},
    [CAEREC_OPT_C2] = {"c2", K_SIZE, 0, 1024, 0, 0, OFF(c2), NULL},
    [CAEREC_OPT_ACT_IN] = {"act-in", K_ENUM, 0, 5, 0, 0, OFF(act_in),
                           act_names},
    [CAEREC_OPT_ACT_HIDDEN] = {"act-hidden", K_ENUM, 0, 5, 0, 0,
                               OFF(act_hidden), act_names},
    [CAEREC_OPT_ACT_OUT] = {"act-out", K_ENUM, 0, 5, 0, 0, OFF(act_out),
                            act_names},
    [CAEREC_OPT_DROPOUT] = {"dropout", K_REAL, 0, 1, 0, 1, OFF(dropout), NULL},
    [CAEREC_OPT_ALPHA] = {"alpha", K_REAL, 0, 1e6, 0, 0, OFF(alpha), NULL},
    [CAEREC_OPT_BETA] = {"beta", K_REAL, 0, 1e6, 0, 0, OFF(beta), NULL},
    [CAEREC_OPT_GAMMA] = {"gamma", K_REAL, 0, 1e6, 0, 0, OFF(gamma), NULL, 1},
    [CAEREC_OPT_L2] = {"l2", K_REAL, 0, 1e6, 0, 0, OFF(l2), NULL},
    [CAEREC_OPT_LR] = {"lr", K_REAL, 0, 1e6, 1, 0, OFF(lr), NULL},
    [CAEREC_OPT_LR_DECAY] = {"lr-decay", K_REAL, 0, 1, 1, 0, OFF(lr_decay),
                             NULL},
    [CAEREC_OPT_BATCH] = {"batch", K_SIZE, 1, 1 << 20, 0, 0, OFF(batch), NULL},
    [CAEREC_OPT_EPOCHS] = {"epochs", K_SIZE, 0, 1e6, 0, 0, OFF(epochs), NULL},
    [CAEREC_OPT_PATIENCE] = {"patience", K_SIZE, 0, 1e6, 0, 0, OFF(patience),
                             NULL},
    [CAEREC_OPT_SEED] = {"seed", K_U64, 0, 18446744073709551615.0, 0, 0,
                         OFF(seed), NULL},
    [CAEREC_OPT_THREADS] = {"threads", K_INT, 1, 256, 0, 0, OFF(threads), NULL},
    [CAEREC_OPT_LIKE_THRESHOLD] = {"like-threshold", K_REAL, -1e300, 1e300, 0,
                                   0, OFF(like_threshold), NULL, 1},
    [CAEREC_OPT_EARLY_STOP] = {"early-stop", K_ENUM, 0, 2, 0, 0,
                               OFF(early_stop), metric_names},
    [CAEREC_OPT_MAX_MEMORY] = {"max-memory", K_U64, 0, 18446744073709551615.0,
                               0, 0, OFF(max_memory), NULL},
    [CAEREC_OPT_LR_DECAY_STEPS] = {"lr-decay-steps", K_SIZE, 0, 1e9, 0, 0,
                                   OFF(lr_decay_steps), NULL},
    [CAEREC_OPT_MIN_IMPROVEMENT] = {"min-improvement", K_REAL, 0, 1, 0, 1,
                                    OFF(min_improvement), NULL},
    [CAEREC_OPT_DECODER_L2] = {"decoder-l2", K_ENUM, 0, 2, 0, 0,
                               OFF(decoder_l2), decoder_l2_names},
    [CAEREC_OPT_DECODER_L2_WEIGHT] = {"decoder-l2-weight", K_REAL, 0, 1e6, 0, 0,
                                      OFF(decoder_l2_weight), NULL, 1},
    [CAEREC_OPT_ENCODER_NORM] = {"encoder-norm", K_REAL, 0, 1, 0, 0,
                                 OFF(encoder_norm), NULL},
    [CAEREC_OPT_ENCODER_NORM_REF] = {"encoder-norm-ref", K_REAL, 0, 1e12, 1, 0,
                                     OFF(encoder_norm_ref), NULL, 1},
    [CAEREC_OPT_DECODER_L2_RIDGE] = {"decoder-l2-ridge", K_REAL, 0, 1e6, 1, 0,
                                     OFF(decoder_l2_ridge), NULL, 1},
};
#define N_OPTIONS (sizeof options / sizeof options[0])

static const option_t *lookup(caerec_option opt)
{
    if ((unsigned)opt >= N_OPTIONS || options[opt].name == NULL)
        return NULL;
    return &options[opt];
}

static int range_error(const option_t *o, double v)
{
    if (o->kind == K_ENUM) {
        char list[128] = "";
        for (size_t i = 0; o->enum_names[i]; i++) {
            strncat(list, i ? "|" : "", sizeof list - strlen(list) - 1);
            strncat(list, o->enum_names[i], sizeof list - strlen(list) - 1);
        }
        return caerec__fail(CAEREC_ERANGE, "option %s: %g is not one of %s",
                            o->name, v, list);
    }
    return caerec__fail(CAEREC_ERANGE,
                        "option %s: %g is outside the allowed range %c%g, %g%c",
                        o->name, v, o->open_lo ? '(' : '[', o->lo, o->hi,
                        o->open_hi ? ')' : ']');
}

/* Stores v (already range-checked) in the field. */
static void store(caerec_cfg *c, const option_t *o, double v, uint64_t u)
{
    char *field = (char *)c + o->offset;
    switch (o->kind) {
    case K_SIZE: *(size_t *)field = (size_t)u; break;
    case K_INT:
    case K_ENUM: *(int *)field = (int)u; break;
    case K_U64: *(uint64_t *)field = u; break;
    case K_REAL: *(double *)field = v; break;
    }
}

static int check_range(const option_t *o, double v)
{
    if (isnan(v))
        return 0;
    if (v < o->lo || v > o->hi || (o->open_lo && v == o->lo) ||
        (o->open_hi && v == o->hi))
        return 0;
    return 1;
}

CAEREC_API int caerec_config_create(caerec_config **out)
{
    CAEREC_CHECK_NULL(out);
    caerec_config *c = malloc(sizeof *c);
    if (!c)
        return caerec__fail(CAEREC_ENOMEM,
                            "caerec_config_create: out of memory");
    caerec__cfg_defaults(&c->v);
    *out = c;
    return CAEREC_OK;
}

CAEREC_API void caerec_config_free(caerec_config *cfg) { free(cfg); }

CAEREC_API int caerec_config_clone(caerec_config **out,
                                   const caerec_config *cfg)
{
    CAEREC_CHECK_NULL(out);
    CAEREC_CHECK_NULL(cfg);
    caerec_config *c = malloc(sizeof *c);
    if (!c)
        return caerec__fail(CAEREC_ENOMEM,
                            "caerec_config_clone: out of memory");
    *c = *cfg;
    *out = c;
    return CAEREC_OK;
}

CAEREC_API int caerec_config_set_int(caerec_config *cfg, caerec_option opt,
                                     int64_t value)
{
    CAEREC_CHECK_NULL(cfg);
    const option_t *o = lookup(opt);
    if (!o)
        return caerec__fail(CAEREC_EINVAL,
                            "caerec_config_set_int: unknown option %d",
                            (int)opt);
    if (o->kind == K_REAL)
        return caerec__fail(
            CAEREC_EINVAL,
            "option %s is real-valued: use caerec_config_set_double", o->name);
    if (o->kind == K_U64) {
        if (value < 0 && opt != CAEREC_OPT_SEED)
            return range_error(o, (double)value);
        store(&cfg->v, o, 0, (uint64_t)value);
        return CAEREC_OK;
    }
    if (!check_range(o, (double)value))
        return range_error(o, (double)value);
    store(&cfg->v, o, 0, (uint64_t)value);
    return CAEREC_OK;
}

CAEREC_API int caerec_config_set_double(caerec_config *cfg, caerec_option opt,
                                        double value)
{
    CAEREC_CHECK_NULL(cfg);
    const option_t *o = lookup(opt);
    if (!o)
        return caerec__fail(CAEREC_EINVAL,
                            "caerec_config_set_double: unknown option %d",
                            (int)opt);
    if (o->kind == K_REAL) {
        if (isnan(value) && o->nan_default) {
            store(&cfg->v, o, value, 0);
            return CAEREC_OK;
        }
        if (!check_range(o, value))
            return range_error(o, value);
        store(&cfg->v, o, value, 0);
        return CAEREC_OK;
    }
    if (!(value == floor(value)) || !check_range(o, value))
        return range_error(o, value);
    if (o->kind == K_U64 && value >= 18446744073709551616.0)
        return range_error(o, value);
    store(&cfg->v, o, value, (uint64_t)value);
    return CAEREC_OK;
}

CAEREC_API int caerec_config_set(caerec_config *cfg, const char *name,
                                 const char *value)
{
    CAEREC_CHECK_NULL(cfg);
    CAEREC_CHECK_NULL(name);
    CAEREC_CHECK_NULL(value);
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const option_t *o = &options[i];
        if (!o->name || strcmp(o->name, name) != 0)
            continue;
        if (o->kind == K_ENUM) {
            for (size_t e = 0; o->enum_names[e]; e++)
                if (strcasecmp(o->enum_names[e], value) == 0)
                    return caerec_config_set_int(cfg, (caerec_option)i,
                                                 (int64_t)e);
            return caerec__fail(CAEREC_EINVAL, "option %s: unknown value '%s'",
                                name, value);
        }
        char *end;
        errno = 0;
        if (o->kind == K_U64 || o->kind == K_SIZE || o->kind == K_INT) {
            if (*value == '-' && o->kind != K_INT)
                return caerec__fail(CAEREC_ERANGE,
                                    "option %s: '%s' must not be negative",
                                    name, value);
            unsigned long long u = strtoull(value, &end, 10);
            if (end == value || *end != '\0' || errno == ERANGE)
                return caerec__fail(CAEREC_EINVAL,
                                    "option %s: '%s' is not an integer", name,
                                    value);
            if (o->kind == K_U64) {
                store(&cfg->v, o, 0, (uint64_t)u);
                return CAEREC_OK;
            }
            return caerec_config_set_double(cfg, (caerec_option)i, (double)u);
        }
        double v = strtod(value, &end);
        if (end == value || *end != '\0')
            return caerec__fail(CAEREC_EINVAL,
                                "option %s: '%s' is not a number", name, value);
        return caerec_config_set_double(cfg, (caerec_option)i, v);
    }
    return caerec__fail(CAEREC_EINVAL, "unknown option '%s'", name);
}

CAEREC_API int caerec_config_get_int(const caerec_config *cfg,
                                     caerec_option opt, int64_t *out)
{
    CAEREC_CHECK_NULL(cfg);
    CAEREC_CHECK_NULL(out);
    const option_t *o = lookup(opt);
    if (!o)
        return caerec__fail(CAEREC_EINVAL,
                            "caerec_config_get_int: unknown option %d",
                            (int)opt);
    const char *field = (const char *)&cfg->v + o->offset;
    switch (o->kind) {
    case K_SIZE: *out = (int64_t) * (const size_t *)field; break;
    case K_INT:
    case K_ENUM: *out = *(const int *)field; break;
    case K_U64: *out = (int64_t) * (const uint64_t *)field; break;
    case K_REAL:
        return caerec__fail(
            CAEREC_EINVAL,
            "option %s is real-valued: use caerec_config_get_double", o->name);
    }
    return CAEREC_OK;
}

CAEREC_API int caerec_config_get_double(const caerec_config *cfg,
                                        caerec_option opt, double *out)
{
    CAEREC_CHECK_NULL(cfg);
    CAEREC_CHECK_NULL(out);
    const option_t *o = lookup(opt);
    if (!o)
        return caerec__fail(CAEREC_EINVAL,
                            "caerec_config_get_double: unknown option %d",
                            (int)opt);
    const char *field = (const char *)&cfg->v + o->offset;
    switch (o->kind) {
    case K_SIZE: *out = (double)*(const size_t *)field; break;
    case K_INT:
    case K_ENUM: *out = *(const int *)field; break;
    case K_U64: *out = (double)*(const uint64_t *)field; break;
    case K_REAL: *out = *(const double *)field; break;
    }
    return CAEREC_OK;
}

CAEREC_API const char *caerec_option_name(caerec_option opt)
{
    const option_t *o = lookup(opt);
    return o ? o->name : NULL;
}
