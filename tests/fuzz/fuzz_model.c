/* libFuzzer target for the model file and checkpoint loader. Each input is
 * loaded three ways: through the public caerec_model_load_buffer (checksum
 * verified: random mutations mostly stop there), and through the internal
 * parser with the checksum check off, as a model and as a checkpoint, so
 * the validation behind the checksum is fuzzed too. Whatever loads must be
 * usable: it predicts, serialises to an image that loads again, and a
 * loaded checkpoint takes a training step. Must never crash, leak or trip
 * the sanitizers. Run e.g.:
 *   build/tests/fuzz/fuzz_model -max_total_time=60 tests/fuzz/corpus/model */
#include "caerec.h"
#include "io/io.h"
#include "model/model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void exercise(caerec_model *m)
{
    /* A fuzzed config may ask for 256 threads: irrelevant here, and slow. */
    m->cfg.threads = 1;
    int64_t user, item;
    if (caerec_model_user_id(m, 0, &user) || caerec_model_item_id(m, 0, &item))
        abort(); /* a loaded model has at least one user and item */
    double out;
    int rc = caerec_predict(m, user, item, CAEREC_SCORE_SAMPLE, &out);
    if (rc != CAEREC_OK && rc != CAEREC_ENOMEM)
        abort();
    caerec_predict(m, user, item, CAEREC_SCORE_RATING, &out);

    /* What loaded must save and load again to the same image. */
    caerec_wbuf w, w2;
    caerec__wb_init(&w);
    caerec__wb_init(&w2);
    if (caerec__serialize(m, m->train != NULL, &w) == CAEREC_OK) {
        caerec_model *again = NULL;
        int flags = m->train ? CAEREC_PARSE_CHECKPOINT : 0;
        if (caerec__parse(&again, w.data, w.len, "again", flags) != CAEREC_OK)
            abort();
        if (caerec__serialize(again, again->train != NULL, &w2) != CAEREC_OK ||
            w2.len != w.len || memcmp(w.data, w2.data, w.len) != 0)
            abort();
        caerec_model_free(again);
    }
    caerec__wb_free(&w);
    caerec__wb_free(&w2);

    if (m->train) {
        rc = caerec_model_train_step(m, NULL);
        if (rc == CAEREC_ESTATE || rc == CAEREC_EINVAL)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    caerec_model *m = NULL;
    if (caerec_model_load_buffer(&m, data, size) == CAEREC_OK) {
        exercise(m);
        caerec_model_free(m);
    }
    static const int modes[] = {CAEREC_PARSE_NO_CHECKSUM,
                                CAEREC_PARSE_NO_CHECKSUM |
                                    CAEREC_PARSE_CHECKPOINT};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        m = NULL;
        if (caerec__parse(&m, data, size, "fuzz", modes[i]) == CAEREC_OK) {
            exercise(m);
            caerec_model_free(m);
        } else if (m) {
            abort(); /* *out must be untouched on failure */
        }
    }
    return 0;
}
