/* Trains a small model and prints a digest of its parameters and the
 * number of OpenMP threads the process saw, so a script can check that
 * OMP_NUM_THREADS / BLIS_NUM_THREADS in the environment change neither
 * the result nor our threading (tests/model/env_threads.sh). */
#include "caerec.h"
#include "model/model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    const char *threads = argc > 1 ? argv[1] : "1";
    caerec_synthetic_options so = CAEREC_SYNTHETIC_OPTIONS_INIT;
    so.n_users = 300;
    so.n_items = 200;
    caerec_dataset *ds;
    caerec_config *cfg;
    caerec_model *m;
    if (caerec_dataset_synthetic(&ds, &so) || caerec_config_create(&cfg) ||
        caerec_config_set(cfg, "hidden", "48") ||
        caerec_config_set(cfg, "threads", threads) ||
        caerec_config_set(cfg, "epochs", "2") ||
        caerec_model_create(&m, cfg, ds) ||
        caerec_model_fit(m, NULL, NULL, NULL, NULL)) {
        fprintf(stderr, "params_digest: %s\n", caerec_last_error());
        return 1;
    }
    /* FNV-1a over the parameter bytes. */
    uint64_t h = 1469598103934665603ULL;
    const unsigned char *b = (const unsigned char *)m->params.data;
    for (size_t i = 0; i < m->params.size * sizeof(float); i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    printf("%016" PRIx64 "\n", h);
    caerec_model_free(m);
    caerec_config_free(cfg);
    caerec_dataset_free(ds);
    return 0;
}
