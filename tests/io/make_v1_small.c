/* Writes tests/io/data/v1-small.cmod, the format-version-1 model file that
 * test_io_golden loads in every later version of the library. It only
 * needs to be run again if the file is lost; never to "update" it (a new
 * format version gets a new golden file next to this one):
 *
 *   ninja -C build tests/io/make_v1_small
 *   build/tests/io/make_v1_small tests/io/data/v1-small.cmod
 *
 * The model is small_model(SMALL_SPEC_INIT) saved right after creation, so
 * its weights are the seeded Glorot initialisation and the test can
 * re-derive them. */
#include "io_test_util.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTPUT.cmod\n", argv[0]);
        return 2;
    }
    small_spec s = SMALL_SPEC_INIT;
    caerec_model *m = small_model(&s);
    io_check(caerec_model_save(m, argv[1]), "caerec_model_save");
    caerec_model_free(m);
    return 0;
}
