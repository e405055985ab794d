/* Shared pieces of the training loop. */
#ifndef CAEREC_TRAIN_TRAIN_H
#define CAEREC_TRAIN_TRAIN_H

#include "model/batch.h"

/* A batch workspace for batches of B rows of `inputs`. */
int caerec__batch_ws_for(const caerec_model *m, const caerec_csr *inputs,
                         size_t B, caerec_batch_ws **out);
void caerec__batch_ws_destroy(caerec_batch_ws *ws);

/* Validation targets: for each model row, the held-out cells of a
 * validation dataset mapped to the model's indices (unknown users or items
 * dropped). */
typedef struct caerec_valid_set {
    caerec_csr targets; /* m rows over n columns, model orientation */
    size_t n_cells;
} caerec_valid_set;

int caerec__valid_set_build(caerec_valid_set *out, const caerec_model *m,
                            const caerec_dataset *valid);
void caerec__valid_set_free(caerec_valid_set *vs);

/* Validation NLL (alpha, beta and gamma weighted as in training) per row
 * with held-out cells, inputs being the training rows without dropout. */
int caerec__valid_loss(const caerec_model *m, const caerec_valid_set *vs,
                       double *out);
/* The same through the training forward pass (any activation); the
 * reference the fused path of caerec__valid_loss is tested against. */
int caerec__valid_loss_batch(const caerec_model *m, const caerec_valid_set *vs,
                             double *out);

#endif
