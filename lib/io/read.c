/* Parsing and validating a model file or checkpoint image (format.h,
 * docs/model-format.md). Nothing in the input is trusted: the header, the
 * checksum and every section length are checked before anything sized by
 * the file is allocated, every allocation is bounded by the bytes that
 * justify it, and every index is range-checked before the model that would
 * use it exists. */
#include "caerec.h"
#include "common/alloc.h"
#include "common/error.h"
#include "io/crc32c.h"
#include "io/format.h"
#include "io/io.h"
#include "model/config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sections this version knows, in file order. */
enum {
    S_CONF,
    S_SCAL,
    S_TYPE,
    S_USER,
    S_ITEM,
    S_ROWS,
    S_TDIR,
    S_WGTS,
    S_OPTM,
    S_ORDR,
    S_ADMM,
    S_ADMV,
    S_PRIO, /* decoder-l2 regressed only */
    N_SECTIONS
};
#define N_MODEL_SECTIONS      S_OPTM     /* sections every file has */
#define N_CHECKPOINT_SECTIONS (S_ADMV + 1) /* and every checkpoint */

static const struct {
    const char *tag;
    const char *what;
} known[N_SECTIONS] = {
    [S_CONF] = {CAEREC_SEC_CONFIG, "configuration"},
    [S_SCAL] = {CAEREC_SEC_SCALE, "rating scale"},
    [S_TYPE] = {CAEREC_SEC_TYPES, "interaction types"},
    [S_USER] = {CAEREC_SEC_USERS, "user ids"},
    [S_ITEM] = {CAEREC_SEC_ITEMS, "item ids"},
    [S_ROWS] = {CAEREC_SEC_ROWS, "training interactions"},
    [S_TDIR] = {CAEREC_SEC_TENSORS, "tensor directory"},
    [S_WGTS] = {CAEREC_SEC_WEIGHTS, "weights"},
    [S_OPTM] = {CAEREC_SEC_OPTIM, "optimizer state"},
    [S_ORDR] = {CAEREC_SEC_ORDER, "epoch order"},
    [S_ADMM] = {CAEREC_SEC_ADAM_M, "Adam first moments"},
    [S_ADMV] = {CAEREC_SEC_ADAM_V, "Adam second moments"},
    [S_PRIO] = {CAEREC_SEC_PRIOR, "decoder prior"},
};

typedef struct {
    const unsigned char *p;
    size_t off, len;
    int present;
} section;

/* Everything learnt from the file before the model is allocated. */
typedef struct {
    const unsigned char *data;
    size_t size;
    const char *name;
    int flags;
    section sec[N_SECTIONS];
    caerec_config cfg;
    size_t K, T;
    double levels[CAEREC_MAX_LEVELS];
    const unsigned char *type_name[CAEREC_MAX_TYPES];
    size_t type_len[CAEREC_MAX_TYPES];
    size_t n_users, n_items;
    caerec_dims dims;
    caerec_layout layout;
    size_t nnz;
    uint32_t version, library; /* header: format and writer versions */
    uint32_t prior_fitted;     /* PRIO: the decoder prior holds a fit */
    /* checkpoint scalars */
    uint64_t step;
    uint32_t epoch, order_valid;
    uint64_t cursor;
    double lr;
    uint64_t rng[4];
} parser;

static int bad(const parser *p, int code, const char *fmt, ...)
    CAEREC_PRINTF(3, 4);
static int bad(const parser *p, int code, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return caerec__fail(code, "%s: %s", p->name, msg);
}

/* A tag or key from the file, made printable for a message. */
static void printable(char *out, size_t cap, const unsigned char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n && i + 1 < cap; i++)
        out[i] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
    out[i] = '\0';
}

static caerec_rbuf reader(const parser *p, int s)
{
    caerec_rbuf r = {p->sec[s].p, p->sec[s].len, 0};
    return r;
}

static int section_size(const parser *p, int s, size_t expect)
{
    if (p->sec[s].len != expect)
        return bad(p, CAEREC_ECORRUPT,
                   "section '%s' (%s) is %zu bytes at byte %zu, but its "
                   "contents need %zu",
                   known[s].tag, known[s].what, p->sec[s].len, p->sec[s].off,
                   expect);
    return CAEREC_OK;
}

static int truncated_in(const parser *p, int s, const char *field)
{
    return bad(p, CAEREC_ECORRUPT,
               "section '%s' (%s) ends (%zu bytes) before its %s", known[s].tag,
               known[s].what, p->sec[s].len, field);
}

/* ---- header, checksum, section table ---- */

static int parse_header(parser *p)
{
    const unsigned char *d = p->data;
    size_t size = p->size;
    int ckpt_only = p->flags & CAEREC_PARSE_CHECKPOINT;
    size_t head = size < CAEREC_FMT_MAGIC_LEN ? size : CAEREC_FMT_MAGIC_LEN;
    int is_model = memcmp(d, CAEREC_FMT_MAGIC_MODEL, head) == 0;
    int is_ckpt = memcmp(d, CAEREC_FMT_MAGIC_CHECKPOINT, head) == 0;
    if (!is_model && !is_ckpt)
        return bad(p, CAEREC_EFORMAT,
                   "not a caerec %s (it does not start with the magic "
                   "\"CAEREC\\0%c\")",
                   ckpt_only ? "checkpoint" : "model file",
                   ckpt_only ? 'C' : 'M');
    if (size < CAEREC_FMT_HEADER_SIZE + CAEREC_FMT_TRAILER_SIZE)
        return bad(
            p, CAEREC_ECORRUPT,
            "truncated: %zu bytes, shorter than the %d-byte header and trailer",
            size, CAEREC_FMT_HEADER_SIZE + CAEREC_FMT_TRAILER_SIZE);
    if (ckpt_only && !is_ckpt)
        return bad(p, CAEREC_EFORMAT,
                   "is a model file, not a checkpoint: it holds no optimizer "
                   "state (load it with caerec_model_load)");
    uint32_t version = caerec__le32(d + CAEREC_FMT_H_VERSION);
    uint32_t minor = caerec__le32(d + CAEREC_FMT_H_MINOR);
    uint32_t lib = caerec__le32(d + CAEREC_FMT_H_LIBRARY);
    if (version == 0)
        return bad(p, CAEREC_ECORRUPT, "format version 0 does not exist");
    if (version > CAEREC_FMT_VERSION)
        return bad(
            p, CAEREC_EVERSION,
            "format version %u.%u (written by libcaerec %u.%u.%u) is newer "
            "than the version %u this library (%s) reads; upgrade libcaerec",
            version, minor, lib / 10000, lib / 100 % 100, lib % 100,
            CAEREC_FMT_VERSION, CAEREC_VERSION_STRING);
    p->version = version;
    p->library = lib;
    uint32_t bom = caerec__le32(d + CAEREC_FMT_H_BYTE_ORDER);
    if (bom != CAEREC_FMT_BYTE_ORDER)
        return bad(p, CAEREC_ECORRUPT,
                   "byte-order marker is 0x%08x, expected 0x%08x (bytes 0d 0c "
                   "0b 0a at offset %d)",
                   bom, CAEREC_FMT_BYTE_ORDER, CAEREC_FMT_H_BYTE_ORDER);
    uint64_t fsize = caerec__le64(d + CAEREC_FMT_H_FILE_SIZE);
    if (fsize > size)
        return bad(
            p, CAEREC_ECORRUPT,
            "truncated: %zu bytes, but the header says the file has %llu", size,
            (unsigned long long)fsize);
    if (fsize < size)
        return bad(p, CAEREC_ECORRUPT,
                   "%zu bytes, but the header says the file ends at byte %llu",
                   size, (unsigned long long)fsize);
    if (!(p->flags & CAEREC_PARSE_NO_CHECKSUM)) {
        size_t body = size - CAEREC_FMT_TRAILER_SIZE;
        uint32_t stored = caerec__le32(d + body);
        uint32_t actual = caerec__crc32c(0, d, body);
        if (stored != actual)
            return bad(p, CAEREC_ECORRUPT,
                       "checksum mismatch: the file says CRC-32C 0x%08x, its "
                       "%zu bytes give 0x%08x (the file is damaged)",
                       stored, body, actual);
    }
    uint32_t hsize = caerec__le32(d + CAEREC_FMT_H_HEADER_SIZE);
    if (hsize < CAEREC_FMT_HEADER_SIZE ||
        hsize > size - CAEREC_FMT_TRAILER_SIZE)
        return bad(p, CAEREC_ECORRUPT, "header size %u is invalid (%d to %zu)",
                   hsize, CAEREC_FMT_HEADER_SIZE,
                   size - CAEREC_FMT_TRAILER_SIZE);
    return CAEREC_OK;
}

static int parse_table(parser *p)
{
    const unsigned char *d = p->data;
    size_t body = p->size - CAEREC_FMT_TRAILER_SIZE;
    size_t hsize = caerec__le32(d + CAEREC_FMT_H_HEADER_SIZE);
    uint64_t toff = caerec__le64(d + CAEREC_FMT_H_TABLE);
    uint32_t count = caerec__le32(d + CAEREC_FMT_H_N_SECTIONS);
    if (count > CAEREC_FMT_MAX_SECTIONS)
        return bad(p, CAEREC_ECORRUPT, "%u sections (at most %d)", count,
                   CAEREC_FMT_MAX_SECTIONS);
    size_t tlen = (size_t)count * CAEREC_FMT_ENTRY_SIZE;
    if (toff < hsize || toff > body || tlen > body - toff)
        return bad(p, CAEREC_ECORRUPT,
                   "section table (%u entries at byte %llu) lies outside bytes "
                   "%zu..%zu",
                   count, (unsigned long long)toff, hsize, body);
    size_t tend = (size_t)toff + tlen;
    for (uint32_t i = 0; i < count; i++) {
        const unsigned char *e = d + toff + (size_t)i * CAEREC_FMT_ENTRY_SIZE;
        char tag[5];
        printable(tag, sizeof tag, e, 4);
        uint32_t flags = caerec__le32(e + 4);
        uint64_t off = caerec__le64(e + 8), len = caerec__le64(e + 16);
        if (off < hsize || off % CAEREC_FMT_ALIGN || off > body)
            return bad(p, CAEREC_ECORRUPT,
                       "section '%s' starts at byte %llu: not a multiple of %d "
                       "between %zu and %zu",
                       tag, (unsigned long long)off, CAEREC_FMT_ALIGN, hsize,
                       body);
        if (len > body - off)
            return bad(p, CAEREC_ECORRUPT,
                       "section '%s' ends at byte %llu, past the end of the "
                       "data (%zu bytes)",
                       tag, (unsigned long long)off + (unsigned long long)len,
                       body);
        if (len && off < tend && off + len > toff)
            return bad(
                p, CAEREC_ECORRUPT,
                "section '%s' (bytes %llu..%llu) overlaps the section table",
                tag, (unsigned long long)off, (unsigned long long)(off + len));
        /* Sections must not overlap: compare with the earlier entries. */
        for (uint32_t j = 0; j < i && len; j++) {
            const unsigned char *f =
                d + toff + (size_t)j * CAEREC_FMT_ENTRY_SIZE;
            uint64_t o2 = caerec__le64(f + 8), l2 = caerec__le64(f + 16);
            if (l2 && off < o2 + l2 && o2 < off + len)
                return bad(p, CAEREC_ECORRUPT,
                           "section '%s' overlaps section %u", tag, j);
        }
        int s;
        for (s = 0; s < N_SECTIONS; s++)
            if (memcmp(e, known[s].tag, 4) == 0)
                break;
        if (s == N_SECTIONS) {
            if (flags & CAEREC_FMT_SEC_REQUIRED)
                return bad(p, CAEREC_EVERSION,
                           "section '%s' is marked required but this library "
                           "(%s) does not know it; upgrade libcaerec",
                           tag, CAEREC_VERSION_STRING);
            continue; /* optional section of a newer minor revision */
        }
        if (p->sec[s].present)
            return bad(p, CAEREC_ECORRUPT, "section '%s' (%s) appears twice",
                       tag, known[s].what);
        p->sec[s].present = 1;
        p->sec[s].p = d + off;
        p->sec[s].off = (size_t)off;
        p->sec[s].len = (size_t)len;
    }
    int need =
        p->flags & CAEREC_PARSE_CHECKPOINT ? N_CHECKPOINT_SECTIONS
                                           : N_MODEL_SECTIONS;
    for (int s = 0; s < need; s++)
        if (!p->sec[s].present)
            return bad(p, CAEREC_ECORRUPT, "has no '%s' section (%s)",
                       known[s].tag, known[s].what);
    return CAEREC_OK;
}

/* ---- small metadata sections ---- */

static int apply_config(parser *p, int opt, int type, uint64_t bits,
                        const char *key)
{
    int rc;
    if (type == CAEREC_FMT_CFG_REAL) {
        rc = caerec_config_set_double(&p->cfg, (caerec_option)opt,
                                      caerec__f64_from_bits(bits));
    } else if (opt == CAEREC_OPT_MAX_MEMORY) {
        p->cfg.v.max_memory = bits; /* any uint64 is valid */
        rc = CAEREC_OK;
    } else {
        rc = caerec_config_set_int(&p->cfg, (caerec_option)opt, (int64_t)bits);
    }
    if (rc) {
        char why[256];
        snprintf(why, sizeof why, "%s", caerec_last_error());
        return bad(p, CAEREC_ECORRUPT, "configuration key '%s': %s", key, why);
    }
    return CAEREC_OK;
}

static int parse_config(parser *p)
{
    caerec__cfg_defaults(&p->cfg.v); /* keys a file lacks keep defaults */
    caerec_rbuf r = reader(p, S_CONF);
    uint32_t count;
    if (!caerec__rb_u32(&r, &count))
        return truncated_in(p, S_CONF, "record count");
    uint64_t seen = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint16_t klen;
        const unsigned char *key, *val;
        uint8_t type, flags;
        uint32_t vlen;
        if (!caerec__rb_u16(&r, &klen) || !caerec__rb_view(&r, klen, &key) ||
            !caerec__rb_u8(&r, &type) || !caerec__rb_u8(&r, &flags) ||
            !caerec__rb_u32(&r, &vlen) || !caerec__rb_view(&r, vlen, &val))
            return bad(
                p, CAEREC_ECORRUPT,
                "section 'CONF' (configuration) ends inside record %u of %u", i,
                count);
        char kname[64];
        printable(kname, sizeof kname, key, klen);
        int opt, expect = 0, found = 0;
        for (opt = 0; opt < 64; opt++) {
            const char *k = caerec__cfg_key(opt, &expect, NULL);
            if (!k)
                break;
            if (strlen(k) == klen && memcmp(k, key, klen) == 0) {
                found = 1;
                break;
            }
        }
        if (!found) {
            if (flags & CAEREC_FMT_CFG_CRITICAL)
                return bad(
                    p, CAEREC_EVERSION,
                    "configuration key '%s' changes predictions but this "
                    "library (%s) does not know it; upgrade libcaerec",
                    kname, CAEREC_VERSION_STRING);
            continue; /* option of a newer library that does not matter here */
        }
        if (seen >> opt & 1)
            return bad(p, CAEREC_ECORRUPT,
                       "configuration key '%s' appears twice", kname);
        seen |= (uint64_t)1 << opt;
        if (type != expect || vlen != 8)
            return bad(p, CAEREC_ECORRUPT,
                       "configuration key '%s' has type %u and %u bytes, "
                       "expected type %d and 8 bytes",
                       kname, type, vlen, expect);
        int rc = apply_config(p, opt, type, caerec__le64(val), kname);
        if (rc)
            return rc;
    }
    /* Files written before lr-decay-steps existed were trained with the
     * per-epoch decay; a resumed checkpoint must keep that schedule rather
     * than take today's default. */
    if (!(seen >> CAEREC_OPT_LR_DECAY_STEPS & 1))
        p->cfg.v.lr_decay_steps = 0;
    /* Likewise their patience counted every improvement, however small. */
    if (!(seen >> CAEREC_OPT_MIN_IMPROVEMENT & 1))
        p->cfg.v.min_improvement = 0.0;
    /* And their L2 pulled the decoder weights toward zero. */
    if (!(seen >> CAEREC_OPT_DECODER_L2 & 1))
        p->cfg.v.decoder_l2 = CAEREC_DECODER_L2_ZERO;
    /* with the same l2 on W as on the other weights. */
    if (!(seen >> CAEREC_OPT_DECODER_L2_WEIGHT & 1))
        p->cfg.v.decoder_l2_weight = 1.0;
    /* Their encoder summed a row's cells unscaled. */
    if (!(seen >> CAEREC_OPT_ENCODER_NORM & 1))
        p->cfg.v.encoder_norm = 0.0;
    if (!(seen >> CAEREC_OPT_ENCODER_NORM_REF & 1))
        p->cfg.v.encoder_norm_ref = 1.0;
    /* A written model holds the resolved reference: NaN would make every
     * hidden code NaN. */
    if (isnan(p->cfg.v.encoder_norm_ref))
        return bad(p, CAEREC_ECORRUPT,
                   "configuration key 'encoder-norm-ref' is NaN; a model "
                   "file holds the row length it was trained with");
    if (caerec__rb_left(&r))
        return bad(
            p, CAEREC_ECORRUPT,
            "section 'CONF' (configuration) has %zu bytes after its %u records",
            caerec__rb_left(&r), count);
    return CAEREC_OK;
}

static int parse_scale(parser *p)
{
    caerec_rbuf r = reader(p, S_SCAL);
    uint32_t K;
    if (!caerec__rb_u32(&r, &K))
        return truncated_in(p, S_SCAL, "level count");
    if (K > CAEREC_MAX_LEVELS)
        return bad(p, CAEREC_ECORRUPT, "%u rating levels (at most %d)", K,
                   CAEREC_MAX_LEVELS);
    int rc = section_size(p, S_SCAL, 4 + 8 * (size_t)K);
    if (rc)
        return rc;
    for (uint32_t k = 0; k < K; k++) {
        caerec__rb_f64(&r, &p->levels[k]);
        if (!isfinite(p->levels[k]) ||
            (k && !(p->levels[k] > p->levels[k - 1])))
            return bad(
                p, CAEREC_ECORRUPT,
                "rating level %u is %g: levels must be finite and increasing",
                k, p->levels[k]);
    }
    p->K = K;
    return CAEREC_OK;
}

static int parse_types(parser *p)
{
    caerec_rbuf r = reader(p, S_TYPE);
    uint32_t T;
    if (!caerec__rb_u32(&r, &T))
        return truncated_in(p, S_TYPE, "type count");
    if (T > CAEREC_MAX_TYPES)
        return bad(p, CAEREC_ECORRUPT, "%u interaction types (at most %d)", T,
                   CAEREC_MAX_TYPES);
    for (uint32_t t = 0; t < T; t++) {
        uint32_t len;
        const unsigned char *s;
        if (!caerec__rb_u32(&r, &len) || !caerec__rb_view(&r, len, &s))
            return truncated_in(p, S_TYPE, "type names");
        if (len == 0 || len > CAEREC_FMT_MAX_NAME || memchr(s, 0, len))
            return bad(p, CAEREC_ECORRUPT,
                       "interaction type %u has an invalid name (%u bytes, "
                       "empty, too long or with a zero byte)",
                       t, len);
        for (uint32_t u = 0; u < t; u++)
            if (p->type_len[u] == len && memcmp(p->type_name[u], s, len) == 0)
                return bad(p, CAEREC_ECORRUPT,
                           "interaction types %u and %u have the same name", u,
                           t);
        p->type_name[t] = s;
        p->type_len[t] = len;
    }
    if (caerec__rb_left(&r))
        return bad(p, CAEREC_ECORRUPT,
                   "section 'TYPE' has %zu bytes after its %u names",
                   caerec__rb_left(&r), T);
    p->T = T;
    if (p->K + p->T == 0)
        return bad(p, CAEREC_ECORRUPT,
                   "no rating levels and no interaction types");
    return CAEREC_OK;
}

static int id_count(parser *p, int s, size_t *out)
{
    caerec_rbuf r = reader(p, s);
    uint64_t n;
    if (!caerec__rb_u64(&r, &n))
        return truncated_in(p, s, "id count");
    if (n == 0 || n > (p->sec[s].len - 8) / 8 || n >= UINT32_MAX)
        return bad(p, CAEREC_ECORRUPT,
                   "section '%s' (%s) claims %llu ids but holds %zu bytes",
                   known[s].tag, known[s].what, (unsigned long long)n,
                   p->sec[s].len);
    *out = (size_t)n;
    return section_size(p, s, 8 + 8 * (size_t)n);
}

/* PRIO: u32 fitted (0 or 1), u32 0, u64 rows, u64 width, then f32 Wbar
 * [width] and dQ [rows x width]; there exactly when decoder-l2 is
 * regressed. */
static int check_prior(parser *p)
{
    const caerec_dims *dm = &p->dims;
    const int want = p->cfg.v.decoder_l2 == CAEREC_DECODER_L2_REGRESSED;
    if (want != p->sec[S_PRIO].present)
        return bad(p, CAEREC_ECORRUPT,
                   want ? "decoder-l2 is regressed but there is no 'PRIO' "
                          "section (decoder prior)"
                        : "has a 'PRIO' section (decoder prior) but its "
                          "decoder-l2 is not regressed");
    if (!want)
        return CAEREC_OK;
    caerec_rbuf r = reader(p, S_PRIO);
    uint32_t zero;
    uint64_t rows, width;
    if (!caerec__rb_u32(&r, &p->prior_fitted) || !caerec__rb_u32(&r, &zero) ||
        !caerec__rb_u64(&r, &rows) || !caerec__rb_u64(&r, &width))
        return truncated_in(p, S_PRIO, "sizes");
    if (p->prior_fitted > 1)
        return bad(p, CAEREC_ECORRUPT, "decoder prior: fit flag is %u (0 or 1)",
                   p->prior_fitted);
    if (rows != dm->m || width != dm->d * dm->c2)
        return bad(p, CAEREC_ECORRUPT,
                   "decoder prior is %llu rows of %llu values, but the model "
                   "has %zu rows and hidden %zu x c2 %zu",
                   (unsigned long long)rows, (unsigned long long)width, dm->m,
                   dm->d, dm->c2);
    size_t n, bytes;
    if (!caerec__mul(dm->m + 1, dm->d * dm->c2, &n) ||
        !caerec__mul(n, 4, &bytes) || !caerec__add(bytes, 24, &bytes))
        return bad(p, CAEREC_ETOOBIG, "decoder prior of %zu rows overflows",
                   dm->m);
    return section_size(p, S_PRIO, bytes);
}

/* Sizes of everything else, checked against the section lengths before
 * anything is allocated. */
static int check_sizes(parser *p)
{
    int rc = id_count(p, S_USER, &p->n_users);
    if (!rc)
        rc = id_count(p, S_ITEM, &p->n_items);
    if (rc)
        return rc;
    const caerec_cfg *c = &p->cfg.v;
    caerec_dims *dm = &p->dims;
    caerec__dims_make(dm, c, p->n_users, p->n_items, p->K, p->T);
    if (caerec__layout(&p->layout, dm))
        return bad(p, CAEREC_ETOOBIG,
                   "%zu x %zu model with hidden %zu, c1 %zu, c2 %zu: parameter "
                   "count overflows",
                   dm->m, dm->n, dm->d, dm->c1, dm->c2);

    /* ROWS: n_rows, n_cols, nnz, ptr, col, types, level. */
    caerec_rbuf r = reader(p, S_ROWS);
    uint64_t rows, cols, nnz;
    if (!caerec__rb_u64(&r, &rows) || !caerec__rb_u64(&r, &cols) ||
        !caerec__rb_u64(&r, &nnz))
        return truncated_in(p, S_ROWS, "sizes");
    if (rows != dm->m || cols != dm->n)
        return bad(p, CAEREC_ECORRUPT,
                   "interactions are %llu x %llu but the id maps and "
                   "orientation (%s) make the model %zu x %zu",
                   (unsigned long long)rows, (unsigned long long)cols,
                   c->orientation == CAEREC_ORIENT_ITEM ? "item" : "user",
                   dm->m, dm->n);
    if (nnz == 0 || nnz > p->sec[S_ROWS].len / 9)
        return bad(
            p, CAEREC_ECORRUPT,
            "section 'ROWS' claims %llu interactions but holds %zu bytes",
            (unsigned long long)nnz, p->sec[S_ROWS].len);
    p->nnz = (size_t)nnz;
    /* m + 1 <= 2^32 and nnz <= len / 9: the sum cannot overflow. */
    rc = section_size(p, S_ROWS, 24 + 8 * (dm->m + 1) + 9 * p->nnz);
    if (!rc)
        rc = check_prior(p);
    if (rc)
        return rc;

    /* TDIR must describe exactly the layout the dimensions give. */
    rc = section_size(p, S_TDIR, 4 + 20 * (size_t)CAEREC_N_TENSORS);
    if (rc)
        return rc;
    r = reader(p, S_TDIR);
    uint32_t nt;
    caerec__rb_u32(&r, &nt);
    if (nt != CAEREC_N_TENSORS)
        return bad(p, CAEREC_ECORRUPT,
                   "tensor directory lists %u tensors, expected %d", nt,
                   CAEREC_N_TENSORS);
    for (int t = 0; t < CAEREC_N_TENSORS; t++) {
        const unsigned char *name;
        uint64_t off, cnt;
        caerec__rb_view(&r, 4, &name);
        caerec__rb_u64(&r, &off);
        caerec__rb_u64(&r, &cnt);
        char shown[5];
        const unsigned char *nul = memchr(name, 0, 4);
        printable(shown, sizeof shown, name, nul ? (size_t)(nul - name) : 4);
        if (memcmp(name, caerec__tensor_name(t), 4) != 0)
            return bad(p, CAEREC_ECORRUPT,
                       "tensor %d is named '%s', expected '%s'", t, shown,
                       caerec__tensor_name(t));
        if (off != p->layout.offset[t] || cnt != p->layout.count[t])
            return bad(
                p, CAEREC_ECORRUPT,
                "tensor '%s' is %llu values at %llu, but the configuration "
                "(hidden %zu, c1 %zu, c2 %zu) and %zu columns need %zu at %zu",
                shown, (unsigned long long)cnt, (unsigned long long)off, dm->d,
                dm->c1, dm->c2, dm->n, p->layout.count[t], p->layout.offset[t]);
    }
    size_t total = p->layout.total;
    for (int s = S_WGTS; s <= S_ADMV; s++) {
        if (s == S_OPTM || s == S_ORDR)
            continue;
        if (!(p->flags & CAEREC_PARSE_CHECKPOINT) && s != S_WGTS)
            continue;
        if (total > p->sec[s].len / 4 || p->sec[s].len != total * 4)
            return bad(
                p, CAEREC_ECORRUPT,
                "section '%s' (%s) is %zu bytes, but %zu parameters need %zu",
                known[s].tag, known[s].what, p->sec[s].len, total,
                total > SIZE_MAX / 4 ? SIZE_MAX : total * 4);
    }
    if (!(p->flags & CAEREC_PARSE_CHECKPOINT))
        return CAEREC_OK;

    rc = section_size(p, S_OPTM, 64);
    if (rc)
        return rc;
    r = reader(p, S_OPTM);
    caerec__rb_u64(&r, &p->step);
    caerec__rb_u32(&r, &p->epoch);
    caerec__rb_u32(&r, &p->order_valid);
    caerec__rb_u64(&r, &p->cursor);
    caerec__rb_f64(&r, &p->lr);
    for (int i = 0; i < 4; i++)
        caerec__rb_u64(&r, &p->rng[i]);
    if (p->order_valid > 1)
        return bad(p, CAEREC_ECORRUPT,
                   "optimizer state: order flag is %u (0 or 1)",
                   p->order_valid);
    /* The trainer's states: mid-epoch (a shuffle and a position inside
     * it) or at an epoch boundary (no shuffle, position 0). */
    if (p->order_valid ? p->cursor >= dm->m : p->cursor != 0)
        return bad(
            p, CAEREC_ECORRUPT,
            "optimizer state: epoch position %llu is invalid (%zu rows, %s)",
            (unsigned long long)p->cursor, dm->m,
            p->order_valid ? "mid-epoch" : "at an epoch boundary");
    if (!isfinite(p->lr) || !(p->lr > 0))
        return bad(p, CAEREC_ECORRUPT, "optimizer state: learning rate %g",
                   p->lr);
    if ((p->rng[0] | p->rng[1] | p->rng[2] | p->rng[3]) == 0)
        return bad(p, CAEREC_ECORRUPT,
                   "optimizer state: random generator state is all zero");
    r = reader(p, S_ORDR);
    uint64_t n_order;
    if (!caerec__rb_u64(&r, &n_order))
        return truncated_in(p, S_ORDR, "count");
    size_t want = p->order_valid ? dm->m : 0;
    if (n_order != want)
        return bad(p, CAEREC_ECORRUPT,
                   "epoch order has %llu rows, expected %zu",
                   (unsigned long long)n_order, want);
    return section_size(p, S_ORDR, 8 + 4 * want);
}

/* ---- the big sections, decoded into the model ---- */

static int decode_ids(parser *p, int s, caerec_idmap *map, size_t n)
{
    caerec__idmap_init(map);
    if (caerec__idmap_reserve(map, n))
        return bad(p, CAEREC_ENOMEM, "out of memory for %zu ids", n);
    const unsigned char *d = p->sec[s].p + 8;
    for (size_t i = 0; i < n; i++) {
        int64_t id = (int64_t)caerec__le64(d + 8 * i);
        size_t at = caerec__idmap_insert(map, id);
        if (at != i)
            return bad(
                p, CAEREC_ECORRUPT,
                "section '%s': id %lld appears twice (indices %zu and %zu)",
                known[s].tag, (long long)id, at, i);
    }
    return CAEREC_OK;
}

static int decode_rows(parser *p, caerec_csr *csr)
{
    size_t m = p->dims.m, n = p->dims.n, nnz = p->nnz;
    memset(csr, 0, sizeof *csr);
    csr->ptr = caerec__malloc_array(m + 1, sizeof *csr->ptr);
    csr->col = caerec__malloc_array(nnz, sizeof *csr->col);
    csr->types = caerec__malloc_array(nnz, sizeof *csr->types);
    csr->level = caerec__malloc_array(nnz, sizeof *csr->level);
    csr->n_rows = m;
    csr->n_cols = n;
    csr->nnz = nnz;
    if (!csr->ptr || !csr->col || !csr->types || !csr->level)
        return bad(p, CAEREC_ENOMEM, "out of memory for %zu interactions", nnz);
    const unsigned char *d = p->sec[S_ROWS].p + 24;
    for (size_t r = 0; r <= m; r++, d += 8) {
        uint64_t v = caerec__le64(d);
        uint64_t prev = r ? csr->ptr[r - 1] : 0;
        if ((r == 0 && v != 0) || v < prev || v > nnz || (r == m && v != nnz))
            return bad(
                p, CAEREC_ECORRUPT,
                "row pointer %zu is %llu (after %llu; %zu interactions): "
                "pointers must start at 0, never decrease and end at the count",
                r, (unsigned long long)v, (unsigned long long)prev, nnz);
        csr->ptr[r] = (size_t)v;
    }
    const unsigned char *dc = d, *dt = d + 4 * nnz, *dl = d + 8 * nnz;
    uint64_t type_mask = ((uint64_t)1 << p->T) - 1;
    for (size_t r = 0; r < m; r++) {
        for (size_t q = csr->ptr[r]; q < csr->ptr[r + 1]; q++) {
            uint32_t col = caerec__le32(dc + 4 * q);
            uint32_t types = caerec__le32(dt + 4 * q);
            int8_t level = (int8_t)dl[q];
            if (col >= n || (q > csr->ptr[r] && col <= csr->col[q - 1]))
                return bad(p, CAEREC_ECORRUPT,
                           "interaction %zu (row %zu) has column %u: columns "
                           "must be below %zu and increase within a row",
                           q, r, col, n);
            if (level != CAEREC_NO_LEVEL &&
                (level < 0 || (size_t)level >= p->K))
                return bad(p, CAEREC_ECORRUPT,
                           "interaction %zu (row %zu, column %u) has rating "
                           "level %d, but the scale has %zu",
                           q, r, col, level, p->K);
            if (types & ~type_mask)
                return bad(p, CAEREC_ECORRUPT,
                           "interaction %zu (row %zu, column %u) has type bits "
                           "0x%x, but there are %zu types",
                           q, r, col, types, p->T);
            if (level == CAEREC_NO_LEVEL && types == 0)
                return bad(p, CAEREC_ECORRUPT,
                           "interaction %zu (row %zu, column %u) has neither a "
                           "rating nor a type",
                           q, r, col);
            csr->col[q] = col;
            csr->types[q] = types;
            csr->level[q] = level;
        }
    }
    return CAEREC_OK;
}

/* Decodes a float section into dst, refusing NaN and Inf (and negative
 * values when nonneg: Adam second moments). */
static int decode_floats(parser *p, int s, float *dst, int nonneg)
{
    const unsigned char *d = p->sec[s].p;
    const caerec_layout *L = &p->layout;
    for (size_t i = 0; i < L->total; i++) {
        float v = caerec__f32_from_bits(caerec__le32(d + 4 * i));
        if (!isfinite(v) || (nonneg && v < 0)) {
            int t = 0;
            while (t + 1 < CAEREC_N_TENSORS && i >= L->offset[t + 1])
                t++;
            return bad(
                p, CAEREC_ECORRUPT,
                "section '%s' (%s): value %zu (tensor '%s', element %zu) is %g",
                known[s].tag, known[s].what, i, caerec__tensor_name(t),
                i - L->offset[t], (double)v);
        }
        dst[i] = v;
    }
    return CAEREC_OK;
}

static int decode_prior(parser *p, caerec_model *m)
{
    const unsigned char *d = p->sec[S_PRIO].p + 24;
    const size_t n = caerec__prior_state_floats(m);
    for (size_t i = 0; i < n; i++) {
        float v = caerec__f32_from_bits(caerec__le32(d + 4 * i));
        if (!isfinite(v))
            return bad(p, CAEREC_ECORRUPT, "decoder prior: value %zu is %g", i,
                       (double)v);
        m->prior.state[i] = v;
    }
    m->prior.fitted = (int)p->prior_fitted;
    return CAEREC_OK;
}

static int decode_train(parser *p, caerec_model *m)
{
    if (caerec__train_state_alloc(m))
        return bad(p, CAEREC_ENOMEM, "out of memory for the optimizer state");
    caerec_train_state *ts = m->train;
    int rc = decode_floats(p, S_ADMM, ts->adam_m, 0);
    if (!rc)
        rc = decode_floats(p, S_ADMV, ts->adam_v, 1);
    if (rc)
        return rc;
    ts->step = p->step;
    ts->epoch = p->epoch;
    ts->cursor = (size_t)p->cursor;
    ts->order_valid = (int)p->order_valid;
    ts->lr = p->lr;
    for (int i = 0; i < 4; i++)
        ts->rng.s[i] = p->rng[i];
    if (!p->order_valid)
        return CAEREC_OK;
    size_t rows = m->dims.m;
    unsigned char *seen = calloc(rows, 1);
    if (!seen)
        return bad(p, CAEREC_ENOMEM, "out of memory checking the epoch order");
    const unsigned char *d = p->sec[S_ORDR].p + 8;
    for (size_t i = 0; i < rows; i++) {
        uint32_t v = caerec__le32(d + 4 * i);
        if (v >= rows || seen[v]) {
            free(seen);
            return bad(p, CAEREC_ECORRUPT,
                       "epoch order entry %zu is row %u: the order must be a "
                       "permutation of the %zu rows",
                       i, v, rows);
        }
        seen[v] = 1;
        ts->order[i] = v;
    }
    free(seen);
    return CAEREC_OK;
}

static int build(parser *p, caerec_model *m)
{
    m->levels = caerec__malloc_array(p->K, sizeof *m->levels);
    m->type_names =
        caerec__calloc_array(p->T ? p->T : 1, sizeof *m->type_names);
    if (!m->levels || !m->type_names)
        return bad(p, CAEREC_ENOMEM, "out of memory");
    if (p->K)
        memcpy(m->levels, p->levels, p->K * sizeof *m->levels);
    /* Writers store the resolved weight; a NaN one is resolved as at
     * creation rather than trained with. */
    m->cfg.gamma = caerec__gamma(&m->cfg, m->levels, p->K);
    for (size_t t = 0; t < p->T; t++) {
        char *s = malloc(p->type_len[t] + 1);
        if (!s)
            return bad(p, CAEREC_ENOMEM, "out of memory");
        memcpy(s, p->type_name[t], p->type_len[t]);
        s[p->type_len[t]] = '\0';
        m->type_names[t] = s;
    }
    int rc = decode_ids(p, S_USER, &m->users, p->n_users);
    if (!rc)
        rc = decode_ids(p, S_ITEM, &m->items, p->n_items);
    if (!rc)
        rc = decode_rows(p, &m->rows);
    if (!rc && m->cfg.orientation == CAEREC_ORIENT_ITEM &&
        caerec__csr_transpose(&m->by_user, &m->rows))
        rc = bad(p, CAEREC_ENOMEM, "out of memory for the user view");
    /* Writers store the resolved mu; a NaN one is resolved as at creation
     * (the same rows give the same number). */
    if (!rc && caerec__prior_ridge(&m->cfg.decoder_l2_ridge, &m->rows))
        rc = bad(p, CAEREC_ENOMEM, "out of memory resolving decoder-l2-ridge");
    if (!rc)
        rc = decode_floats(p, S_WGTS, m->params.data, 0);
    if (!rc && p->sec[S_PRIO].present)
        rc = decode_prior(p, m);
    if (!rc && (p->flags & CAEREC_PARSE_CHECKPOINT))
        rc = decode_train(p, m);
    return rc;
}

int caerec__parse(caerec_model **out, const unsigned char *data, size_t size,
                  const char *name, int flags)
{
    parser *p = calloc(1, sizeof *p);
    if (!p)
        return caerec__fail(CAEREC_ENOMEM, "%s: out of memory", name);
    p->data = data;
    p->size = size;
    p->name = name;
    p->flags = flags;
    int rc = parse_header(p);
    if (!rc)
        rc = parse_table(p);
    if (!rc)
        rc = parse_config(p);
    if (!rc)
        rc = parse_scale(p);
    if (!rc)
        rc = parse_types(p);
    if (!rc)
        rc = check_sizes(p);
    caerec_model *m = NULL;
    if (!rc && caerec__model_alloc(&m, &p->cfg.v, &p->dims))
        rc = bad(p, CAEREC_ENOMEM, "out of memory for %zu parameters",
                 p->layout.total);
    if (!rc)
        rc = build(p, m);
    if (!rc) {
        m->file_format = p->version;
        m->file_library = p->library;
    }
    free(p);
    if (rc) {
        caerec_model_free(m);
        return rc;
    }
    /* The inference cache stays invalid: the first prediction builds it. */
    *out = m;
    return CAEREC_OK;
}
