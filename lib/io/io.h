/* Serialising models and checkpoints to bytes and parsing them back; the
 * file functions (file.c) and the fuzz target sit on top of these. */
#ifndef CAEREC_IO_IO_H
#define CAEREC_IO_IO_H

#include "io/bytes.h"
#include "model/model.h"

#include <stddef.h>

/* What a parse accepts and what it restores. */
enum {
    /* Accept only checkpoints and restore the training state (otherwise a
     * checkpoint loads as a model, its optimizer state dropped). */
    CAEREC_PARSE_CHECKPOINT = 1,
    /* Skip the CRC check. Only for the fuzz target and tests, so random
     * mutations reach the validation behind the checksum. */
    CAEREC_PARSE_NO_CHECKSUM = 2
};

/* Appends the file image of model (a checkpoint with its training state
 * when `checkpoint`, which then needs model->train) to w, which must be
 * empty. 0, or CAEREC_ENOMEM / CAEREC_ETOOBIG with a message. */
int caerec__serialize(const caerec_model *model, int checkpoint,
                      caerec_wbuf *w);

/* Parses and validates a file image. `name` names the source in messages
 * (a path, or "<buffer>"). On success *out is a new model; on failure *out
 * is untouched, nothing leaks, and the message names what is wrong. */
int caerec__parse(caerec_model **out, const unsigned char *data, size_t size,
                  const char *name, int flags);

/* The configuration keys of the format: every caerec_option with a name
 * must have one (tests check it). NULL when opt has none. `type` receives
 * CAEREC_FMT_CFG_INT or CAEREC_FMT_CFG_REAL, `critical` whether the option
 * changes predictions. */
const char *caerec__cfg_key(int opt, int *type, int *critical);

/* The name of tensor t (CAEREC_T_*) as the file spells it: up to 4 bytes,
 * zero padded ("E", "bE", "V", "bh", "W", "cb", "U", "bU"). */
const char *caerec__tensor_name(int t);

#endif
