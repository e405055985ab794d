/* Serialising a model or checkpoint into its file image (format.h,
 * docs/model-format.md). The whole image is built in memory, so the file
 * functions can write it with one call and the CRC is computed once. */
#include "caerec.h"
#include "common/error.h"
#include "io/crc32c.h"
#include "io/format.h"
#include "io/io.h"
#include "model/config.h"

#include <string.h>

/* The section being written: where its table entry is. */
typedef struct {
    caerec_wbuf *w;
    size_t table;   /* offset of the section table */
    unsigned index; /* next table entry */
    size_t start;   /* offset of the open section */
} writer;

static void begin(writer *s)
{
    caerec__wb_align(s->w, CAEREC_FMT_ALIGN);
    s->start = s->w->len;
}

/* Fills the table entry of the section that began at s->start. */
static void end(writer *s, const char *tag)
{
    caerec_wbuf *w = s->w;
    if (w->status)
        return;
    size_t at = s->table + (size_t)s->index++ * CAEREC_FMT_ENTRY_SIZE;
    memcpy(w->data + at, tag, 4);
    caerec__wb_patch_u32(w, at + 4, CAEREC_FMT_SEC_REQUIRED);
    caerec__wb_patch_u64(w, at + 8, s->start);
    caerec__wb_patch_u64(w, at + 16, w->len - s->start);
    caerec__wb_patch_u64(w, at + 24, 0);
}

static void put_config(caerec_wbuf *w, const caerec_cfg *cfg)
{
    caerec_config c;
    c.v = *cfg;
    size_t count_at = w->len;
    caerec__wb_u32(w, 0);
    uint32_t n = 0;
    for (int opt = 0; caerec_option_name((caerec_option)opt); opt++) {
        int type, critical;
        const char *key = caerec__cfg_key(opt, &type, &critical);
        if (!key)
            continue; /* tests make sure this never happens */
        size_t len = strlen(key);
        caerec__wb_u16(w, (uint16_t)len);
        caerec__wb_bytes(w, key, len);
        caerec__wb_u8(w, (uint8_t)type);
        caerec__wb_u8(w, critical ? CAEREC_FMT_CFG_CRITICAL : 0);
        caerec__wb_u32(w, 8);
        if (type == CAEREC_FMT_CFG_INT) {
            int64_t v = 0;
            caerec_config_get_int(&c, (caerec_option)opt, &v);
            caerec__wb_u64(w, (uint64_t)v);
        } else {
            double v = 0;
            caerec_config_get_double(&c, (caerec_option)opt, &v);
            caerec__wb_f64(w, v);
        }
        n++;
    }
    caerec__wb_patch_u32(w, count_at, n);
}

static void put_ids(caerec_wbuf *w, const caerec_idmap *ids)
{
    caerec__wb_u64(w, ids->n);
    for (size_t i = 0; i < ids->n; i++)
        caerec__wb_u64(w, (uint64_t)ids->ids[i]);
}

static void put_rows(caerec_wbuf *w, const caerec_csr *csr)
{
    caerec__wb_u64(w, csr->n_rows);
    caerec__wb_u64(w, csr->n_cols);
    caerec__wb_u64(w, csr->nnz);
    for (size_t r = 0; r <= csr->n_rows; r++)
        caerec__wb_u64(w, csr->ptr[r]);
    caerec__wb_u32_array(w, csr->col, csr->nnz);
    caerec__wb_u32_array(w, csr->types, csr->nnz);
    unsigned char *lv = caerec__wb_extend(w, csr->nnz);
    if (lv)
        for (size_t p = 0; p < csr->nnz; p++)
            lv[p] = (unsigned char)csr->level[p];
}

static const char tensor_names[CAEREC_N_TENSORS][4] = {
    [CAEREC_T_E] = "E",   [CAEREC_T_BE] = "bE", [CAEREC_T_V] = "V",
    [CAEREC_T_BH] = "bh", [CAEREC_T_W] = "W",   [CAEREC_T_CB] = "cb",
    [CAEREC_T_U] = "U",   [CAEREC_T_BU] = "bU",
};

static void put_tensor_dir(caerec_wbuf *w, const caerec_layout *L)
{
    caerec__wb_u32(w, CAEREC_N_TENSORS);
    for (int t = 0; t < CAEREC_N_TENSORS; t++) {
        caerec__wb_bytes(w, tensor_names[t], 4);
        caerec__wb_u64(w, L->offset[t]);
        caerec__wb_u64(w, L->count[t]);
    }
}

static void put_optim(caerec_wbuf *w, const caerec_train_state *ts)
{
    caerec__wb_u64(w, ts->step);
    caerec__wb_u32(w, ts->epoch);
    caerec__wb_u32(w, ts->order_valid ? 1 : 0);
    caerec__wb_u64(w, ts->cursor);
    caerec__wb_f64(w, ts->lr);
    for (int i = 0; i < 4; i++)
        caerec__wb_u64(w, ts->rng.s[i]);
}

const char *caerec__tensor_name(int t) { return tensor_names[t]; }

int caerec__serialize(const caerec_model *m, int checkpoint, caerec_wbuf *w)
{
    caerec_layout L;
    if (caerec__layout(&L, &m->dims))
        return caerec__fail(CAEREC_ETOOBIG, "model sizes overflow");
    const int prior = m->cfg.decoder_l2 == CAEREC_DECODER_L2_REGRESSED;
    unsigned n_sections = (checkpoint ? 12 : 8) + (prior ? 1 : 0);

    /* Header; file size and CRC are filled in at the end. */
    caerec__wb_bytes(
        w, checkpoint ? CAEREC_FMT_MAGIC_CHECKPOINT : CAEREC_FMT_MAGIC_MODEL,
        CAEREC_FMT_MAGIC_LEN);
    caerec__wb_u32(w, CAEREC_FMT_VERSION);
    caerec__wb_u32(w, CAEREC_FMT_MINOR);
    caerec__wb_u32(w, CAEREC_FMT_BYTE_ORDER);
    caerec__wb_u32(w, CAEREC_FMT_HEADER_SIZE);
    caerec__wb_u32(w, CAEREC_VERSION_NUMBER);
    caerec__wb_u32(w, 0);                      /* flags */
    caerec__wb_u64(w, 0);                      /* file size, patched */
    caerec__wb_u64(w, CAEREC_FMT_HEADER_SIZE); /* table right after */
    caerec__wb_u32(w, n_sections);
    caerec__wb_zeros(w, CAEREC_FMT_HEADER_SIZE - 52);

    writer s = {w, w->len, 0, 0};
    caerec__wb_zeros(w, (size_t)n_sections * CAEREC_FMT_ENTRY_SIZE);

    begin(&s);
    put_config(w, &m->cfg);
    end(&s, CAEREC_SEC_CONFIG);

    begin(&s);
    caerec__wb_u32(w, (uint32_t)m->dims.K);
    for (size_t k = 0; k < m->dims.K; k++)
        caerec__wb_f64(w, m->levels[k]);
    end(&s, CAEREC_SEC_SCALE);

    begin(&s);
    caerec__wb_u32(w, (uint32_t)m->dims.T);
    for (size_t t = 0; t < m->dims.T; t++) {
        size_t len = strlen(m->type_names[t]);
        caerec__wb_u32(w, (uint32_t)len);
        caerec__wb_bytes(w, m->type_names[t], len);
    }
    end(&s, CAEREC_SEC_TYPES);

    begin(&s);
    put_ids(w, &m->users);
    end(&s, CAEREC_SEC_USERS);

    begin(&s);
    put_ids(w, &m->items);
    end(&s, CAEREC_SEC_ITEMS);

    begin(&s);
    put_rows(w, &m->rows);
    end(&s, CAEREC_SEC_ROWS);

    begin(&s);
    put_tensor_dir(w, &L);
    end(&s, CAEREC_SEC_TENSORS);

    begin(&s);
    caerec__wb_f32_array(w, m->params.data, L.total);
    end(&s, CAEREC_SEC_WEIGHTS);

    if (checkpoint) {
        const caerec_train_state *ts = m->train;
        begin(&s);
        put_optim(w, ts);
        end(&s, CAEREC_SEC_OPTIM);

        begin(&s);
        /* The shuffle is only meaningful (and initialised) mid-epoch. */
        size_t n_order = ts->order_valid ? m->dims.m : 0;
        caerec__wb_u64(w, n_order);
        caerec__wb_u32_array(w, ts->order, n_order);
        end(&s, CAEREC_SEC_ORDER);

        begin(&s);
        caerec__wb_f32_array(w, ts->adam_m, L.total);
        end(&s, CAEREC_SEC_ADAM_M);

        begin(&s);
        caerec__wb_f32_array(w, ts->adam_v, L.total);
        end(&s, CAEREC_SEC_ADAM_V);
    }

    if (prior) {
        begin(&s);
        caerec__wb_u32(w, (uint32_t)m->prior.fitted);
        caerec__wb_u32(w, 0);
        caerec__wb_u64(w, m->dims.m);
        caerec__wb_u64(w, m->prior.width);
        caerec__wb_f32_array(w, m->prior.state, caerec__prior_state_floats(m));
        end(&s, CAEREC_SEC_PRIOR);
    }

    size_t body = w->len;
    caerec__wb_patch_u64(w, CAEREC_FMT_H_FILE_SIZE,
                         (uint64_t)body + CAEREC_FMT_TRAILER_SIZE);
    if (!w->status)
        caerec__wb_u32(w, caerec__crc32c(0, w->data, body));
    if (w->status)
        return caerec__fail(w->status,
                            "cannot serialise the model (%zu parameters): %s",
                            L.total, caerec_strerror(w->status));
    return CAEREC_OK;
}
