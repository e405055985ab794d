/* Model files round-trip: a model saved to a buffer or a file and loaded
 * back is the same model (every stored field, every parameter byte, every
 * prediction), in both orientations, with and without ratings or types,
 * trained or not; the configuration survives exactly; loaded models cannot
 * be trained; the checksum is the standard CRC-32C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/crc32c.h"
#include "io/format.h"
#include "io/io.h"
#include "io_compare.h"
#include "io_test_util.h"

static char tmpdir[] = "/tmp/caerec-io-rt-XXXXXX";

static void crc32c_known_values(void **state)
{
    (void)state;
    /* The check value of CRC-32C, and the iSCSI test vectors (RFC 3720). */
    assert_int_equal(caerec__crc32c(0, "123456789", 9), 0xE3069283u);
    unsigned char zeros[32] = {0}, ones[32];
    memset(ones, 0xff, sizeof ones);
    assert_int_equal(caerec__crc32c(0, zeros, 32), 0x8A9136AAu);
    assert_int_equal(caerec__crc32c(0, ones, 32), 0x62A8AB43u);
    assert_int_equal(caerec__crc32c(0, "", 0), 0);
    /* Continuing a CRC over pieces gives the CRC of the whole. */
    uint32_t c = caerec__crc32c(0, "12345", 5);
    assert_int_equal(caerec__crc32c(c, "6789", 4), 0xE3069283u);
}

/* Every option has a file key, spelled as the API spells it: a new option
 * added to caerec.h without a key would silently not be saved. */
static void every_option_has_a_key(void **state)
{
    (void)state;
    int n = 0;
    for (int o = 0; caerec_option_name((caerec_option)o); o++, n++) {
        int type = 0, critical = -1;
        const char *key = caerec__cfg_key(o, &type, &critical);
        assert_non_null(key);
        assert_string_equal(key, caerec_option_name((caerec_option)o));
        assert_true(type == CAEREC_FMT_CFG_INT || type == CAEREC_FMT_CFG_REAL);
        assert_true(critical == 0 || critical == 1);
        caerec_config *cfg;
        assert_int_equal(caerec_config_create(&cfg), 0);
        int64_t v;
        int is_int = caerec_config_get_int(cfg, (caerec_option)o, &v) == 0;
        assert_int_equal(is_int, type == CAEREC_FMT_CFG_INT);
        caerec_config_free(cfg);
    }
    assert_int_equal(n, 29);
    assert_null(caerec__cfg_key(n, NULL, NULL));
}

static caerec_model *roundtrip_buffer(const caerec_model *m)
{
    void *buf = NULL;
    size_t size = 0;
    assert_int_equal(caerec_model_save_buffer(m, &buf, &size), CAEREC_OK);
    assert_true(size > CAEREC_FMT_HEADER_SIZE);
    assert_memory_equal(buf, CAEREC_FMT_MAGIC_MODEL, 8);
    caerec_model *back = NULL;
    assert_int_equal(caerec_model_load_buffer(&back, buf, size), CAEREC_OK);
    /* The loader copied what it keeps. */
    memset(buf, 0xAB, size);
    caerec_free(buf);
    return back;
}

static void check_roundtrip(small_spec s, int train_epochs)
{
    caerec_model *m = small_model(&s);
    for (int e = 0; e < train_epochs; e++) {
        int rc = caerec_model_train_epoch(m, NULL);
        assert_true(rc == CAEREC_OK || rc == 1);
    }
    caerec_model *back = roundtrip_buffer(m);
    assert_same_model(m, back);
    /* A model file holds no optimizer state. */
    assert_null(back->train);
    assert_int_equal(caerec_model_train_step(back, NULL), CAEREC_ESTATE);
    assert_int_equal(caerec_checkpoint_save(back, "/nonexistent/x"),
                     CAEREC_ESTATE);
    /* Saving the loaded model again gives the same bytes. */
    void *b1, *b2;
    size_t s1, s2;
    assert_int_equal(caerec_model_save_buffer(m, &b1, &s1), 0);
    assert_int_equal(caerec_model_save_buffer(back, &b2, &s2), 0);
    assert_int_equal(s1, s2);
    assert_memory_equal(b1, b2, s1);
    caerec_free(b1);
    caerec_free(b2);
    caerec_model_free(back);
    caerec_model_free(m);
}

static void roundtrip_user_orientation(void **state)
{
    (void)state;
    small_spec s = SMALL_SPEC_INIT;
    check_roundtrip(s, 0);
    check_roundtrip(s, 1);
}

static void roundtrip_item_orientation(void **state)
{
    (void)state;
    small_spec s = SMALL_SPEC_INIT;
    s.orientation = CAEREC_ORIENT_ITEM;
    check_roundtrip(s, 0);
    check_roundtrip(s, 1);
}

/* decoder-l2 regressed: the prior's state (Wbar, dQ and whether they hold
 * a fit) is in the file, before and after the first refit. */
static void roundtrip_regressed_prior(void **state)
{
    (void)state;
    for (int o = 0; o < 2; o++) {
        small_spec s = SMALL_SPEC_INIT;
        s.orientation = o ? CAEREC_ORIENT_ITEM : CAEREC_ORIENT_USER;
        s.regressed = 1;
        check_roundtrip(s, 0);
        check_roundtrip(s, 2);
    }
}

static void roundtrip_implicit_only(void **state)
{
    (void)state;
    small_spec s = SMALL_SPEC_INIT; /* K = 0 with types */
    s.n_levels = 0;
    check_roundtrip(s, 1);
    s.orientation = CAEREC_ORIENT_ITEM;
    s.n_types = 1;
    check_roundtrip(s, 1);
}

static void roundtrip_ratings_only(void **state)
{
    (void)state;
    small_spec s = SMALL_SPEC_INIT;
    s.n_types = 0;
    check_roundtrip(s, 1);
}

/* Every option set away from its default, including 64-bit values that do
 * not fit a double or an int64 and a NaN-able real. */
static void roundtrip_config_values(void **state)
{
    (void)state;
    small_spec s = SMALL_SPEC_INIT;
    caerec_dataset *ds = small_dataset(&s);
    caerec_config *cfg = small_config(&s);
    const char *set[][2] = {
        {"act-in", "tanh"},
        {"act-hidden", "relu"},
        {"act-out", "elu"},
        {"alpha", "0.3"},
        {"beta", "1.7"},
        {"gamma", "0.1"},
        {"l2", "0.001"},
        {"lr-decay", "0.97"},
        {"lr-decay-steps", "13"},
        {"epochs", "7"},
        {"patience", "2"},
        {"min-improvement", "0.001"},
        {"decoder-l2", "zero"},
        {"decoder-l2-weight", "2.5"},
        {"encoder-norm", "0.75"},
        {"encoder-norm-ref", "12.5"},
        {"seed", "18446744073709551615"},
        {"like-threshold", "3.5"},
        {"early-stop", "ndcg"},
        {"max-memory", "18446744073709551615"},
        {"dropout", "0.125"},
    };
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        assert_int_equal(caerec_config_set(cfg, set[i][0], set[i][1]), 0);
    caerec_model *m;
    assert_int_equal(caerec_model_create(&m, cfg, ds), 0);
    caerec_model *back = roundtrip_buffer(m);
    assert_same_model(m, back);
    assert_true(back->cfg.seed == UINT64_MAX);
    assert_true(back->cfg.max_memory == UINT64_MAX);
    assert_true(back->cfg.like_threshold == 3.5);
    assert_true(back->cfg.lr_decay_steps == 13);
    assert_true(back->cfg.min_improvement == 0.001);
    assert_int_equal(back->cfg.decoder_l2, CAEREC_DECODER_L2_ZERO);
    assert_true(back->cfg.decoder_l2_weight == 2.5);
    assert_true(back->cfg.encoder_norm == 0.75);
    assert_true(back->cfg.encoder_norm_ref == 12.5);
    assert_int_equal(back->cfg.act_out, CAEREC_ACT_ELU);
    caerec_model_free(back);
    caerec_model_free(m);
    caerec_config_free(cfg);
    caerec_dataset_free(ds);
}

static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return b;
}

static void roundtrip_file(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/model.cmod", tmpdir);
    for (int o = 0; o < 2; o++) {
        small_spec s = SMALL_SPEC_INIT;
        s.orientation = o;
        caerec_model *m = small_model(&s);
        assert_int_equal(caerec_model_train_epoch(m, NULL) >= 0, 1);
        assert_int_equal(caerec_model_save(m, path), CAEREC_OK);
        caerec_model *back = NULL;
        assert_int_equal(caerec_model_load(&back, path), CAEREC_OK);
        assert_same_model(m, back);
        /* The file is exactly the buffer image, with ordinary permissions. */
        void *buf;
        size_t size, fsize;
        assert_int_equal(caerec_model_save_buffer(m, &buf, &size), 0);
        unsigned char *file = slurp(path, &fsize);
        assert_int_equal(fsize, size);
        assert_memory_equal(file, buf, size);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0644);
        free(file);
        caerec_free(buf);
        caerec_model_free(back);
        caerec_model_free(m);
    }
    unlink(path);
}

/* A checkpoint also loads as a model (its optimizer state dropped); a model
 * file is not a checkpoint. */
static void checkpoint_and_model_kinds(void **state)
{
    (void)state;
    char mpath[256], cpath[256];
    snprintf(mpath, sizeof mpath, "%s/kind.cmod", tmpdir);
    snprintf(cpath, sizeof cpath, "%s/kind.ckpt", tmpdir);
    small_spec s = SMALL_SPEC_INIT;
    caerec_model *m = small_model(&s);
    assert_int_equal(caerec_model_train_step(m, NULL) >= 0, 1);
    assert_int_equal(caerec_model_save(m, mpath), 0);
    assert_int_equal(caerec_checkpoint_save(m, cpath), 0);
    caerec_model *back = (caerec_model *)&back; /* must stay untouched */
    caerec_model *sentinel = back;
    assert_int_equal(caerec_checkpoint_load(&back, mpath), CAEREC_EFORMAT);
    assert_ptr_equal(back, sentinel);
    assert_non_null(strstr(caerec_last_error(), mpath));
    assert_non_null(strstr(caerec_last_error(), "not a checkpoint"));
    assert_int_equal(caerec_model_load(&back, cpath), CAEREC_OK);
    assert_null(back->train);
    assert_same_model(m, back);
    caerec_model_free(back);
    caerec_model_free(m);
    unlink(mpath);
    unlink(cpath);
}

static void bad_arguments(void **state)
{
    (void)state;
    small_spec s = SMALL_SPEC_INIT;
    caerec_model *m = small_model(&s), *out = NULL;
    void *buf;
    size_t size;
    assert_int_equal(caerec_model_save(NULL, "x"), CAEREC_EINVAL);
    assert_int_equal(caerec_model_save(m, NULL), CAEREC_EINVAL);
    assert_int_equal(caerec_model_load(NULL, "x"), CAEREC_EINVAL);
    assert_int_equal(caerec_model_load(&out, NULL), CAEREC_EINVAL);
    assert_int_equal(caerec_model_save_buffer(m, NULL, &size), CAEREC_EINVAL);
    assert_int_equal(caerec_model_save_buffer(m, &buf, NULL), CAEREC_EINVAL);
    assert_int_equal(caerec_model_load_buffer(&out, NULL, 10), CAEREC_EINVAL);
    assert_int_equal(caerec_checkpoint_save(NULL, "x"), CAEREC_EINVAL);
    assert_int_equal(caerec_checkpoint_load(&out, NULL), CAEREC_EINVAL);
    char path[256];
    snprintf(path, sizeof path, "%s/missing.cmod", tmpdir);
    assert_int_equal(caerec_model_load(&out, path), CAEREC_EIO);
    assert_non_null(strstr(caerec_last_error(), path));
    assert_int_equal(caerec_model_load(&out, tmpdir), CAEREC_EIO);
    /* A text file is refused from its first bytes. */
    FILE *f = fopen(path, "wb");
    fputs("user,item,rating\n1,2,5\n", f);
    fclose(f);
    assert_int_equal(caerec_model_load(&out, path), CAEREC_EFORMAT);
    assert_non_null(strstr(caerec_last_error(), path));
    assert_int_equal(caerec_checkpoint_load(&out, path), CAEREC_EFORMAT);
    unlink(path);
    assert_null(out);
    caerec_model_free(m);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc32c_known_values),
        cmocka_unit_test(every_option_has_a_key),
        cmocka_unit_test(roundtrip_user_orientation),
        cmocka_unit_test(roundtrip_item_orientation),
        cmocka_unit_test(roundtrip_regressed_prior),
        cmocka_unit_test(roundtrip_implicit_only),
        cmocka_unit_test(roundtrip_ratings_only),
        cmocka_unit_test(roundtrip_config_values),
        cmocka_unit_test(roundtrip_file),
        cmocka_unit_test(checkpoint_and_model_kinds),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
