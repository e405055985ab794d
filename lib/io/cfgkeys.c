/* The configuration keys of the file format. Spelled out here rather than
 * taken from the option table so that renaming an option in the API can
 * never change the bytes of files (tests check that the two agree). */
#include "io/format.h"
#include "io/io.h"

#include <stddef.h>

typedef struct {
    const char *key;
    int type;
    int critical; /* changes what the stored weights predict */
} cfg_key;

static const cfg_key keys[] = {
    [CAEREC_OPT_ORIENTATION] = {"orientation", CAEREC_FMT_CFG_INT, 1},
    [CAEREC_OPT_HIDDEN] = {"hidden", CAEREC_FMT_CFG_INT, 1},
    [CAEREC_OPT_C1] = {"c1", CAEREC_FMT_CFG_INT, 1},
    [CAEREC_OPT_C2] = {"c2", CAEREC_FMT_CFG_INT, 1},
    [CAEREC_OPT_ACT_IN] = {"act-in", CAEREC_FMT_CFG_INT, 1},
    [CAEREC_OPT_ACT_HIDDEN] = {"act-hidden", CAEREC_FMT_CFG_INT, 1},
    [CAEREC_OPT_ACT_OUT] = {"act-out", CAEREC_FMT_CFG_INT, 1},
    [CAEREC_OPT_DROPOUT] = {"dropout", CAEREC_FMT_CFG_REAL, 0},
    [CAEREC_OPT_ALPHA] = {"alpha", CAEREC_FMT_CFG_REAL, 0},
    [CAEREC_OPT_BETA] = {"beta", CAEREC_FMT_CFG_REAL, 0},
    [CAEREC_OPT_GAMMA] = {"gamma", CAEREC_FMT_CFG_REAL, 0},
    [CAEREC_OPT_L2] = {"l2", CAEREC_FMT_CFG_REAL, 0},
    [CAEREC_OPT_LR] = {"lr", CAEREC_FMT_CFG_REAL, 0},
    [CAEREC_OPT_LR_DECAY] = {"lr-decay", CAEREC_FMT_CFG_REAL, 0},
    [CAEREC_OPT_BATCH] = {"batch", CAEREC_FMT_CFG_INT, 0},
    [CAEREC_OPT_EPOCHS] = {"epochs", CAEREC_FMT_CFG_INT, 0},
    [CAEREC_OPT_PATIENCE] = {"patience", CAEREC_FMT_CFG_INT, 0},
    [CAEREC_OPT_SEED] = {"seed", CAEREC_FMT_CFG_INT, 0},
    [CAEREC_OPT_THREADS] = {"threads", CAEREC_FMT_CFG_INT, 0},
    [CAEREC_OPT_LIKE_THRESHOLD] = {"like-threshold", CAEREC_FMT_CFG_REAL, 1},
    [CAEREC_OPT_EARLY_STOP] = {"early-stop", CAEREC_FMT_CFG_INT, 0},
    [CAEREC_OPT_MAX_MEMORY] = {"max-memory", CAEREC_FMT_CFG_INT, 0},
    [CAEREC_OPT_LR_DECAY_STEPS] = {"lr-decay-steps", CAEREC_FMT_CFG_INT, 0},
    [CAEREC_OPT_MIN_IMPROVEMENT] = {"min-improvement", CAEREC_FMT_CFG_REAL, 0},
    [CAEREC_OPT_DECODER_L2] = {"decoder-l2", CAEREC_FMT_CFG_INT, 0},
    [CAEREC_OPT_DECODER_L2_WEIGHT] = {"decoder-l2-weight", CAEREC_FMT_CFG_REAL,
                                      0},
    [CAEREC_OPT_ENCODER_NORM] = {"encoder-norm", CAEREC_FMT_CFG_REAL, 1},
    [CAEREC_OPT_ENCODER_NORM_REF] = {"encoder-norm-ref", CAEREC_FMT_CFG_REAL,
                                     1},
    [CAEREC_OPT_DECODER_L2_RIDGE] = {"decoder-l2-ridge", CAEREC_FMT_CFG_REAL,
                                     0},
};

const char *caerec__cfg_key(int opt, int *type, int *critical)
{
    if (opt < 0 || (size_t)opt >= sizeof keys / sizeof keys[0] ||
        keys[opt].key == NULL)
        return NULL;
    if (type)
        *type = keys[opt].type;
    if (critical)
        *critical = keys[opt].critical;
    return keys[opt].key;
}
