/* Damaged and hostile model files: every truncation, every single-bit flip,
 * wrong magic, future versions, unknown sections and keys, and edits behind
 * a recomputed checksum (out-of-range indices, bad pointers, duplicate ids,
 * NaN weights, sizes that disagree or overflow). Each must fail with its
 * specific code and a message naming the source, leave *out untouched,
 * never crash and never leak (the suite also runs under ASan/valgrind). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/io.h"
#include "io_compare.h"
#include "io_image.h"
#include "io_test_util.h"

typedef struct {
    unsigned char *img;
    size_t size;
} image;

/* The image of a tiny model (or checkpoint, mid-epoch). */
static image make_image_spec(int orientation, int checkpoint, int regressed)
{
    small_spec s = SMALL_SPEC_INIT;
    s.orientation = orientation;
    s.regressed = regressed;
    s.n_users = 6; /* > batch: one step stays mid-epoch */
    s.n_items = 3;
    caerec_model *m = small_model(&s);
    assert_true(caerec_model_train_step(m, NULL) >= 0);
    caerec_wbuf w;
    caerec__wb_init(&w);
    assert_int_equal(caerec__serialize(m, checkpoint, &w), 0);
    caerec_model_free(m);
    image im = {w.data, w.len};
    return im;
}

static image make_image(int orientation, int checkpoint)
{
    return make_image_spec(orientation, checkpoint, 0);
}

/* Loads and expects `code` with a message naming the buffer. */
static void expect_fail(const unsigned char *img, size_t size, int code,
                        const char *in_message)
{
    caerec_model *sentinel = (caerec_model *)&sentinel, *out = sentinel;
    int rc = caerec_model_load_buffer(&out, img, size);
    if (rc != code)
        fail_msg("expected %s, got %s: %s", caerec_strerror(code),
                 caerec_strerror(rc), caerec_last_error());
    assert_ptr_equal(out, sentinel);
    assert_non_null(strstr(caerec_last_error(), "<buffer>"));
    if (in_message && !strstr(caerec_last_error(), in_message))
        fail_msg("message \"%s\" does not mention \"%s\"", caerec_last_error(),
                 in_message);
}

static void every_truncation(void **state)
{
    (void)state;
    image im = make_image(CAEREC_ORIENT_USER, 0);
    for (size_t n = 0; n < im.size; n++)
        expect_fail(im.img, n, CAEREC_ECORRUPT, n >= 68 ? "truncated" : NULL);
    /* Extra bytes at the end are damage too. */
    unsigned char *longer = calloc(1, im.size + 16);
    memcpy(longer, im.img, im.size);
    expect_fail(longer, im.size + 16, CAEREC_ECORRUPT, "header says");
    free(longer);
    free(im.img);
}

/* A file truncated on disk names the file. */
static void truncated_file_names_path(void **state)
{
    (void)state;
    image im = make_image(CAEREC_ORIENT_ITEM, 0);
    char path[] = "/tmp/caerec-io-trunc-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    fwrite(im.img, 1, im.size / 2, f);
    fclose(f);
    caerec_model *out = NULL;
    assert_int_equal(caerec_model_load(&out, path), CAEREC_ECORRUPT);
    assert_null(out);
    assert_non_null(strstr(caerec_last_error(), path));
    assert_non_null(strstr(caerec_last_error(), "truncated"));
    unlink(path);
    free(im.img);
}

/* Any single-bit flip is detected: in the magic as "not a model file", in
 * the version field as an unknown version (or version 0), elsewhere by the
 * checksum or the checks before it. */
static void every_bit_flip(void **state)
{
    (void)state;
    for (int ck = 0; ck < 2; ck++) {
        image im = make_image(CAEREC_ORIENT_USER, ck);
        for (size_t i = 0; i < im.size; i++) {
            /* All 8 bits in the header, one (rotating) bit elsewhere. */
            int bits = i < CAEREC_FMT_HEADER_SIZE ? 8 : 1;
            for (int b = 0; b < bits; b++) {
                unsigned char bit =
                    (unsigned char)(1u << ((i + (size_t)b) % 8));
                im.img[i] ^= bit;
                int expect = CAEREC_ECORRUPT;
                if (i < 8)
                    expect = CAEREC_EFORMAT;
                else if (i >= 8 && i < 12 && caerec__le32(im.img + 8) > 1)
                    expect = CAEREC_EVERSION;
                expect_fail(im.img, im.size, expect, NULL);
                if (ck) {
                    caerec_model *out = NULL;
                    char path[64];
                    (void)path;
                    int rc = caerec__parse(&out, im.img, im.size, "ckpt",
                                           CAEREC_PARSE_CHECKPOINT);
                    assert_true(rc < 0);
                    assert_null(out);
                }
                im.img[i] ^= bit;
            }
        }
        free(im.img);
    }
}

/* Behind the checksum: flips and byte overwrites with the CRC check off must
 * never crash; whatever loads must be a usable, freeable model. */
static void no_crash_without_checksum(void **state)
{
    (void)state;
    for (int ck = 0; ck < 2; ck++) {
        for (int o = 0; o < 2; o++) {
            image im = make_image(o, ck);
            int flags =
                CAEREC_PARSE_NO_CHECKSUM | (ck ? CAEREC_PARSE_CHECKPOINT : 0);
            size_t loaded = 0;
            static const unsigned char values[] = {0x00, 0xff, 0x7f, 0x80,
                                                   0x01};
            for (size_t i = 0; i < im.size - 4; i++) {
                unsigned char keep = im.img[i];
                for (size_t v = 0; v < sizeof values + 1; v++) {
                    im.img[i] = v < sizeof values
                                    ? values[v]
                                    : (unsigned char)(keep ^ (1u << (i % 8)));
                    if (im.img[i] == keep)
                        continue;
                    caerec_model *out = NULL;
                    int rc = caerec__parse(&out, im.img, im.size, "x", flags);
                    if (rc == CAEREC_OK) {
                        loaded++;
                        assert_non_null(out);
                        int64_t user;
                        assert_int_equal(caerec_model_user_id(out, 0, &user),
                                         0);
                        caerec_model_free(out);
                    } else {
                        assert_null(out);
                        assert_true(
                            rc == CAEREC_ECORRUPT || rc == CAEREC_EFORMAT ||
                            rc == CAEREC_EVERSION || rc == CAEREC_ETOOBIG ||
                            rc == CAEREC_ENOMEM);
                    }
                }
                im.img[i] = keep;
            }
            /* Weights, ids and config values change freely: some loads. */
            assert_true(loaded > 0);
            free(im.img);
        }
    }
}

static void wrong_magic(void **state)
{
    (void)state;
    image im = make_image(CAEREC_ORIENT_USER, 0);
    im.img[7] = 'X';
    img_fix_crc(im.img, im.size);
    expect_fail(im.img, im.size, CAEREC_EFORMAT, "not a caerec model");
    const char *text = "user,item,rating\n1,2,5\n";
    expect_fail((const unsigned char *)text, strlen(text), CAEREC_EFORMAT,
                NULL);
    unsigned char zeros[200] = {0};
    expect_fail(zeros, sizeof zeros, CAEREC_EFORMAT, NULL);
    free(im.img);
}

static void version_checks(void **state)
{
    (void)state;
    image im = make_image(CAEREC_ORIENT_USER, 0);
    /* A future version, with a valid checksum so it is really the version
     * check that refuses it. */
    caerec__put_le32(im.img + CAEREC_FMT_H_VERSION, 2);
    img_fix_crc(im.img, im.size);
    expect_fail(im.img, im.size, CAEREC_EVERSION, "format version 2");
    caerec__put_le32(im.img + CAEREC_FMT_H_VERSION, 0xFFFFFFFFu);
    expect_fail(im.img, im.size, CAEREC_EVERSION, "upgrade");
    caerec__put_le32(im.img + CAEREC_FMT_H_VERSION, 0);
    img_fix_crc(im.img, im.size);
    expect_fail(im.img, im.size, CAEREC_ECORRUPT, "version 0");
    /* A newer minor revision of version 1 still loads. */
    caerec__put_le32(im.img + CAEREC_FMT_H_VERSION, 1);
    caerec__put_le32(im.img + CAEREC_FMT_H_MINOR, 7);
    img_fix_crc(im.img, im.size);
    caerec_model *m = NULL;
    assert_int_equal(caerec_model_load_buffer(&m, im.img, im.size), 0);
    caerec_model_free(m);
    /* A byte-swapped writer is caught by the byte-order marker. */
    caerec__put_le32(im.img + CAEREC_FMT_H_BYTE_ORDER, 0x0D0C0B0Au);
    img_fix_crc(im.img, im.size);
    expect_fail(im.img, im.size, CAEREC_ECORRUPT, "byte-order");
    free(im.img);
}

/* Sections a newer minor revision might add: optional ones are skipped,
 * required ones refuse the file. */
static void unknown_sections(void **state)
{
    (void)state;
    small_spec s = SMALL_SPEC_INIT;
    caerec_model *orig = small_model(&s);
    void *buf;
    size_t size, nsize;
    assert_int_equal(caerec_model_save_buffer(orig, &buf, &size), 0);
    const char payload[] = "something new";
    unsigned char *img =
        img_add_section(buf, size, "XTRA", 0, payload, sizeof payload, &nsize);
    caerec_model *m = NULL;
    assert_int_equal(caerec_model_load_buffer(&m, img, nsize), CAEREC_OK);
    assert_same_model(orig, m);
    caerec_model_free(m);
    free(img);
    img = img_add_section(buf, size, "XTRA", CAEREC_FMT_SEC_REQUIRED, payload,
                          sizeof payload, &nsize);
    expect_fail(img, nsize, CAEREC_EVERSION, "'XTRA'");
    free(img);
    /* A second weights section is an error, not a choice. */
    img = img_add_section(buf, size, "WGTS", CAEREC_FMT_SEC_REQUIRED, payload,
                          sizeof payload, &nsize);
    expect_fail(img, nsize, CAEREC_ECORRUPT, "twice");
    free(img);
    /* A missing section. */
    unsigned char *copy = malloc(size);
    memcpy(copy, buf, size);
    memcpy(img_entry(copy, "ROWS"), "ROWZ", 4);
    caerec__put_le32(img_entry(copy, "ROWZ") + 4, 0); /* optional: skipped */
    img_fix_crc(copy, size);
    expect_fail(copy, size, CAEREC_ECORRUPT, "no 'ROWS' section");
    free(copy);
    caerec_free(buf);
    caerec_model_free(orig);
}

/* The configuration record of `key`: u16 key length, key, u8 type, u8
 * flags, u32 value size, value. */
static unsigned char *config_record(image *im, const char *key)
{
    unsigned char pattern[66];
    size_t n = strlen(key);
    assert_true(n <= 64);
    pattern[0] = (unsigned char)n; /* little-endian u16 */
    pattern[1] = 0;
    memcpy(pattern + 2, key, n);
    unsigned char *k = img_find(im->img, im->size, pattern, n + 2);
    assert_non_null(k);
    return k;
}

/* Config keys of a newer library: non-critical ones are ignored (the
 * option keeps its default), critical ones refuse the file. */
static void unknown_config_keys(void **state)
{
    (void)state;
    image im = make_image(CAEREC_ORIENT_USER, 0);
    unsigned char *k = config_record(&im, "epochs");
    k[7] = 'z';
    img_fix_crc(im.img, im.size);
    caerec_model *m = NULL;
    assert_int_equal(caerec_model_load_buffer(&m, im.img, im.size), 0);
    assert_int_equal(m->cfg.epochs, 50); /* the default */
    caerec_model_free(m);
    k[7] = 's';
    k = config_record(&im, "hidden");
    k[7] = 'X';
    img_fix_crc(im.img, im.size);
    expect_fail(im.img, im.size, CAEREC_EVERSION, "hiddeX");
    k[7] = 'n';
    /* A value outside the option's range. */
    assert_int_equal(k[8], CAEREC_FMT_CFG_INT);
    caerec__put_le64(k + 14, 0);
    img_fix_crc(im.img, im.size);
    expect_fail(im.img, im.size, CAEREC_ECORRUPT, "hidden");
    /* A different but valid hidden size disagrees with the tensors. */
    caerec__put_le64(k + 14, 9);
    img_fix_crc(im.img, im.size);
    expect_fail(im.img, im.size, CAEREC_ECORRUPT, "tensor");
    free(im.img);
}

/* encoder-norm-ref accepts NaN as an option (the default, resolved at
 * creation) but a file must hold the resolved number: NaN would make
 * every hidden code NaN. */
static void nan_encoder_norm_ref(void **state)
{
    (void)state;
    image im = make_image(CAEREC_ORIENT_ITEM, 0);
    unsigned char *k = config_record(&im, "encoder-norm-ref");
    assert_int_equal(k[18], CAEREC_FMT_CFG_REAL);
    caerec__put_le64(k + 24, caerec__f64_bits(NAN));
    img_fix_crc(im.img, im.size);
    expect_fail(im.img, im.size, CAEREC_ECORRUPT, "encoder-norm-ref");
    free(im.img);
}

/* Applies edit() to a copy of the image, fixes the CRC, expects failure. */
static void edited(const image *im, const char *tag, size_t at,
                   void (*edit)(unsigned char *p), int code, const char *msg)
{
    unsigned char *c = malloc(im->size);
    memcpy(c, im->img, im->size);
    size_t off, len;
    assert_true(img_section(c, tag, &off, &len));
    assert_true(at < len);
    edit(c + off + at);
    img_fix_crc(c, im->size);
    expect_fail(c, im->size, code, msg);
    free(c);
}

static void set_u32_big(unsigned char *p) { caerec__put_le32(p, 1000); }
static void set_u64_big(unsigned char *p)
{
    caerec__put_le64(p, UINT64_MAX / 2);
}
static void set_u64_huge(unsigned char *p) { caerec__put_le64(p, UINT64_MAX); }
static void set_u64_zero(unsigned char *p) { caerec__put_le64(p, 0); }
static void set_u64_one(unsigned char *p) { caerec__put_le64(p, 1); }
static void set_u64_2(unsigned char *p) { caerec__put_le64(p, 2); }
static void set_byte_9(unsigned char *p) { *p = 9; }
static void set_byte_m2(unsigned char *p) { *p = 0xFE; }
static void set_types_high(unsigned char *p) { caerec__put_le32(p, 1u << 5); }
static void set_nan(unsigned char *p)
{
    caerec__put_le32(p, caerec__f32_bits(NAN));
}
static void set_inf(unsigned char *p)
{
    caerec__put_le32(p, caerec__f32_bits(INFINITY));
}
static void set_f64_nan(unsigned char *p)
{
    caerec__put_le64(p, caerec__f64_bits(NAN));
}
static void copy_prev_id(unsigned char *p) { memcpy(p, p - 8, 8); }
static void swap_levels(unsigned char *p)
{
    unsigned char t[8];
    memcpy(t, p, 8);
    memcpy(p, p + 8, 8);
    memcpy(p + 8, t, 8);
}

static void set_u64_m1(unsigned char *p) { caerec__put_le64(p, UINT64_MAX); }

/* PRIO (decoder-l2 regressed): its flag, sizes and values are checked, and
 * it is there exactly when the configuration says regressed. */
static void prior_section_checks(void **state)
{
    (void)state;
    /* 3 item rows, batch 4: the one step ends an epoch and fits the prior */
    image im = make_image_spec(CAEREC_ORIENT_ITEM, 0, 1);
    caerec_model *m = NULL;
    assert_int_equal(caerec_model_load_buffer(&m, im.img, im.size), 0);
    assert_int_equal(m->prior.fitted, 1);
    caerec_model_free(m);
    edited(&im, "PRIO", 0, set_u32_big, CAEREC_ECORRUPT, "fit flag");
    edited(&im, "PRIO", 8, set_u64_big, CAEREC_ECORRUPT, "decoder prior is");
    edited(&im, "PRIO", 16, set_u64_m1, CAEREC_ECORRUPT, "decoder prior is");
    edited(&im, "PRIO", 24, set_nan, CAEREC_ECORRUPT, "decoder prior: value 0");
    edited(&im, "PRIO", 28, set_inf, CAEREC_ECORRUPT, "decoder prior: value 1");
    unsigned char *k = config_record(&im, "decoder-l2");
    assert_int_equal(caerec__le64(k + 18), CAEREC_DECODER_L2_REGRESSED);
    caerec__put_le64(k + 18, CAEREC_DECODER_L2_COLUMN_MEAN);
    img_fix_crc(im.img, im.size);
    expect_fail(im.img, im.size, CAEREC_ECORRUPT, "has a 'PRIO' section");
    free(im.img);
    for (int ck = 0; ck < 2; ck++) { /* regressed without its section */
        image plain = make_image(CAEREC_ORIENT_USER, ck);
        k = config_record(&plain, "decoder-l2");
        caerec__put_le64(k + 18, CAEREC_DECODER_L2_REGRESSED);
        img_fix_crc(plain.img, plain.size);
        expect_fail(plain.img, plain.size, CAEREC_ECORRUPT,
                    "no 'PRIO' section");
        free(plain.img);
    }
}

static void inconsistent_contents(void **state)
{
    (void)state;
    image im = make_image(CAEREC_ORIENT_USER, 0);
    size_t off, len;
    assert_true(img_section(im.img, "ROWS", &off, &len));
    uint64_t m = caerec__le64(im.img + off),
             nnz = caerec__le64(im.img + off + 16);
    size_t ptr = 24, col = 24 + 8 * (m + 1), types = col + 4 * nnz,
           level = types + 4 * nnz;

    edited(&im, "ROWS", 0, set_u64_big, CAEREC_ECORRUPT, "interactions are");
    edited(&im, "ROWS", 16, set_u64_huge, CAEREC_ECORRUPT, "claims");
    edited(&im, "ROWS", 16, set_u64_one, CAEREC_ECORRUPT, "ROWS");
    edited(&im, "ROWS", ptr, set_u64_one, CAEREC_ECORRUPT, "row pointer 0");
    edited(&im, "ROWS", ptr + 8, set_u64_big, CAEREC_ECORRUPT, "row pointer 1");
    edited(&im, "ROWS", ptr + 16, set_u64_zero, CAEREC_ECORRUPT,
           "row pointer 2");
    edited(&im, "ROWS", col, set_u32_big, CAEREC_ECORRUPT, "column 1000");
    edited(&im, "ROWS", col + 4, set_u32_big, CAEREC_ECORRUPT, "column");
    edited(&im, "ROWS", level, set_byte_9, CAEREC_ECORRUPT, "rating level 9");
    edited(&im, "ROWS", level, set_byte_m2, CAEREC_ECORRUPT, "rating level -2");
    edited(&im, "ROWS", types, set_types_high, CAEREC_ECORRUPT, "type bits");
    edited(&im, "USER", 16, copy_prev_id, CAEREC_ECORRUPT, "appears twice");
    edited(&im, "ITEM", 0, set_u64_zero, CAEREC_ECORRUPT, "ids");
    edited(&im, "ITEM", 0, set_u64_huge, CAEREC_ECORRUPT, "ids");
    edited(&im, "SCAL", 4, swap_levels, CAEREC_ECORRUPT, "increasing");
    edited(&im, "SCAL", 4, set_f64_nan, CAEREC_ECORRUPT,
           "rating level 0 is nan");
    edited(&im, "WGTS", 0, set_nan, CAEREC_ECORRUPT, "tensor 'E', element 0");
    edited(&im, "WGTS", 8, set_inf, CAEREC_ECORRUPT, "inf");
    edited(&im, "TDIR", 4 + 20 * 2 + 12, set_u64_2, CAEREC_ECORRUPT,
           "tensor 'V'");
    edited(&im, "CONF", 0, set_u32_big, CAEREC_ECORRUPT, "CONF");
    edited(&im, "TYPE", 0, set_u32_big, CAEREC_ECORRUPT,
           "1000 interaction types");

    /* Section table entries that lie. */
    unsigned char *c = malloc(im.size);
    memcpy(c, im.img, im.size);
    unsigned char *e = img_entry(c, "WGTS");
    caerec__put_le64(e + 16, im.size);
    img_fix_crc(c, im.size);
    expect_fail(c, im.size, CAEREC_ECORRUPT, "past the end");
    caerec__put_le64(e + 16, UINT64_MAX);
    img_fix_crc(c, im.size);
    expect_fail(c, im.size, CAEREC_ECORRUPT, "past the end");
    memcpy(c, im.img, im.size);
    e = img_entry(c, "WGTS");
    caerec__put_le64(e + 8, caerec__le64(e + 8) + 4);
    img_fix_crc(c, im.size);
    expect_fail(c, im.size, CAEREC_ECORRUPT, "multiple of 64");
    memcpy(c, im.img, im.size);
    e = img_entry(c, "ITEM");
    memcpy(e + 8, img_entry(c, "USER") + 8, 16);
    img_fix_crc(c, im.size);
    expect_fail(c, im.size, CAEREC_ECORRUPT, "overlaps");
    memcpy(c, im.img, im.size);
    caerec__put_le32(c + CAEREC_FMT_H_N_SECTIONS, 0xFFFFFFFFu);
    img_fix_crc(c, im.size);
    expect_fail(c, im.size, CAEREC_ECORRUPT, "sections");
    memcpy(c, im.img, im.size);
    caerec__put_le64(c + CAEREC_FMT_H_TABLE, UINT64_MAX - 8);
    img_fix_crc(c, im.size);
    expect_fail(c, im.size, CAEREC_ECORRUPT, "section table");
    free(c);
    free(im.img);
}

/* Absurd dimensions (a 2^36-float parameter block) are refused from the
 * section sizes before anything is allocated. */
static void huge_dimensions(void **state)
{
    (void)state;
    image im = make_image(CAEREC_ORIENT_USER, 0);
    unsigned char *k = img_find(im.img, im.size,
                                "\x06\x00"
                                "hidden",
                                8);
    caerec__put_le64(k + 14, 65536);
    unsigned char *c1 = img_find(im.img, im.size,
                                 "\x02\x00"
                                 "c1",
                                 4);
    caerec__put_le64(c1 + 10, 1024);
    img_fix_crc(im.img, im.size);
    /* Large but representable: the sections disagree with the sizes. */
    expect_fail(im.img, im.size, CAEREC_ECORRUPT, "tensor");
    free(im.img);
}

static void checkpoint_state_checks(void **state)
{
    (void)state;
    image im = make_image(CAEREC_ORIENT_USER, 1);
    caerec_model *m = NULL;
    const int ck = CAEREC_PARSE_CHECKPOINT;
    assert_int_equal(caerec__parse(&m, im.img, im.size, "c", ck), 0);
    assert_non_null(m->train);
    assert_int_equal(m->train->order_valid, 1);
    size_t rows = m->dims.m;
    caerec_model_free(m);
    struct {
        const char *tag;
        size_t at;
        void (*edit)(unsigned char *);
        const char *msg;
    } cases[] = {
        {"OPTM", 12, set_byte_9, "order flag"},
        {"OPTM", 16, set_u64_big, "epoch position"},
        {"OPTM", 24, set_u64_huge, "learning rate"},
        {"OPTM", 24, set_u64_zero, "learning rate"},
        {"ORDR", 8, copy_prev_id, "permutation"},
        {"ORDR", 8, set_u32_big, "permutation"},
        {"ORDR", 0, set_u64_2, "epoch order"},
        {"ADMV", 0, set_nan, "Adam second"},
        {"ADMM", 4, set_inf, "Adam first"},
    };
    (void)rows;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char *c = malloc(im.size);
        memcpy(c, im.img, im.size);
        size_t off, len;
        assert_true(img_section(c, cases[i].tag, &off, &len));
        cases[i].edit(c + off + cases[i].at);
        img_fix_crc(c, im.size);
        m = NULL;
        int rc = caerec__parse(&m, c, im.size, "c", ck);
        if (rc != CAEREC_ECORRUPT || !strstr(caerec_last_error(), cases[i].msg))
            fail_msg("case %zu: %s: %s", i, caerec_strerror(rc),
                     caerec_last_error());
        assert_null(m);
        free(c);
    }
    /* Negative second moment, all-zero generator state. */
    unsigned char *c = malloc(im.size);
    memcpy(c, im.img, im.size);
    size_t off, len;
    assert_true(img_section(c, "ADMV", &off, &len));
    caerec__put_le32(c + off, caerec__f32_bits(-1.0f));
    img_fix_crc(c, im.size);
    assert_int_equal(caerec__parse(&m, c, im.size, "c", ck), CAEREC_ECORRUPT);
    memcpy(c, im.img, im.size);
    assert_true(img_section(c, "OPTM", &off, &len));
    memset(c + off + 32, 0, 32);
    img_fix_crc(c, im.size);
    assert_int_equal(caerec__parse(&m, c, im.size, "c", ck), CAEREC_ECORRUPT);
    assert_non_null(strstr(caerec_last_error(), "all zero"));
    free(c);
    free(im.img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_truncation),
        cmocka_unit_test(truncated_file_names_path),
        cmocka_unit_test(every_bit_flip),
        cmocka_unit_test(no_crash_without_checksum),
        cmocka_unit_test(wrong_magic),
        cmocka_unit_test(version_checks),
        cmocka_unit_test(unknown_sections),
        cmocka_unit_test(unknown_config_keys),
        cmocka_unit_test(nan_encoder_norm_ref),
        cmocka_unit_test(inconsistent_contents),
        cmocka_unit_test(prior_section_checks),
        cmocka_unit_test(huge_dimensions),
        cmocka_unit_test(checkpoint_state_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
