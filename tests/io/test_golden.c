/* The format-version-1 file committed as tests/io/data/v1-small.cmod (made
 * by make_v1_small.c) must load in every later version of the library, as
 * the model it was saved from: sizes, ids, scale, types, interactions and
 * the weights, re-derived here by creating the same model from the same
 * data and seed. If the seeded initialisation ever changes on purpose,
 * compare against values read from this version instead; never regenerate
 * the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/bytes.h"
#include "io_compare.h"
#include "io_test_util.h"

static const char *golden_path;

static void golden_v1_loads(void **state)
{
    (void)state;
    caerec_model *m = NULL;
    int rc = caerec_model_load(&m, golden_path);
    if (rc)
        fail_msg("%s", caerec_last_error());

    /* The file really is format version 1 (not rewritten by a newer one). */
    FILE *f = fopen(golden_path, "rb");
    unsigned char head[16];
    assert_int_equal(fread(head, 1, 16, f), 16);
    fclose(f);
    assert_memory_equal(head, "CAEREC\0M", 8);
    assert_int_equal(caerec__le32(head + 8), 1);

    /* Facts of SMALL_SPEC_INIT, stated independently of the generator. */
    assert_int_equal(caerec_model_n_users(m), 9);
    assert_int_equal(caerec_model_n_items(m), 7);
    double levels[5];
    assert_int_equal(caerec_model_levels(m, levels, 5), 5);
    for (int k = 0; k < 5; k++)
        assert_true(levels[k] == k + 1);
    assert_int_equal(caerec_model_n_types(m), 2);
    assert_string_equal(caerec_model_type_name(m, 0), "view");
    assert_string_equal(caerec_model_type_name(m, 1), "cart");
    int64_t id;
    assert_int_equal(caerec_model_user_id(m, 0, &id), 0);
    assert_int_equal(id, 1000);
    /* User 0 skips item 0 (id 50): the first item seen is item 1. */
    assert_int_equal(caerec_model_item_id(m, 0, &id), 0);
    assert_int_equal(id, 47);
    assert_int_equal(m->cfg.hidden, 8);
    assert_int_equal(m->cfg.orientation, CAEREC_ORIENT_USER);
    /* It predates lr-decay-steps: its schedule stays the per-epoch decay. */
    assert_int_equal(m->cfg.lr_decay_steps, 0);
    /* and its patience counts every improvement */
    assert_true(m->cfg.min_improvement == 0.0);
    /* and its L2 pulled the decoder toward zero */
    assert_int_equal(m->cfg.decoder_l2, CAEREC_DECODER_L2_ZERO);
    /* with the same weight on every tensor */
    assert_true(m->cfg.decoder_l2_weight == 1.0);
    /* and its encoder summed rows unscaled */
    assert_true(m->cfg.encoder_norm == 0.0);
    assert_null(m->train);
    unsigned format, writer;
    assert_int_equal(caerec_model_file_version(m, &format, &writer), 0);
    assert_int_equal(format, 1);
    assert_int_equal(writer, 100); /* written by libcaerec 0.1.0 */

    /* Everything else, weights included, against the model re-created from
     * the same data and the configuration the file records (not today's
     * defaults, which may have been retuned since the file was written). */
    small_spec s = SMALL_SPEC_INIT;
    caerec_dataset *ds = small_dataset(&s);
    caerec_config *cfg;
    assert_int_equal(caerec_model_config(&cfg, m), 0);
    caerec_model *fresh;
    assert_int_equal(caerec_model_create(&fresh, cfg, ds), 0);
    assert_same_model(fresh, m);
    caerec_model_free(fresh);
    caerec_config_free(cfg);
    caerec_dataset_free(ds);
    caerec_model_free(m);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s v1-small.cmod\n", argv[0]);
        return 2;
    }
    golden_path = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_v1_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
