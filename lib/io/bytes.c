/* Little-endian writer and bounds-checked reader (see bytes.h). */
#include "io/bytes.h"

#include "caerec.h"
#include "common/alloc.h"

#include <stdlib.h>
#include <string.h>

void caerec__wb_init(caerec_wbuf *w) { memset(w, 0, sizeof *w); }

void caerec__wb_free(caerec_wbuf *w)
{
    free(w->data);
    memset(w, 0, sizeof *w);
}

unsigned char *caerec__wb_extend(caerec_wbuf *w, size_t n)
{
    if (w->status)
        return NULL;
    size_t need;
    if (!caerec__add(w->len, n, &need)) {
        w->status = CAEREC_ETOOBIG;
        return NULL;
    }
    if (need > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < need) {
            if (!caerec__mul(cap, 2, &cap)) {
                cap = need;
                break;
            }
        }
        unsigned char *d = realloc(w->data, cap);
        if (!d) {
            w->status = CAEREC_ENOMEM;
            return NULL;
        }
        w->data = d;
        w->cap = cap;
    }
    unsigned char *at = w->data + w->len;
    w->len = need;
    return at;
}

void caerec__wb_bytes(caerec_wbuf *w, const void *p, size_t n)
{
    unsigned char *at = caerec__wb_extend(w, n);
    if (at && n)
        memcpy(at, p, n);
}

void caerec__wb_zeros(caerec_wbuf *w, size_t n)
{
    unsigned char *at = caerec__wb_extend(w, n);
    if (at && n)
        memset(at, 0, n);
}

void caerec__wb_align(caerec_wbuf *w, size_t align)
{
    size_t rem = w->len & (align - 1);
    if (rem)
        caerec__wb_zeros(w, align - rem);
}

void caerec__wb_u8(caerec_wbuf *w, uint8_t v)
{
    unsigned char *at = caerec__wb_extend(w, 1);
    if (at)
        at[0] = v;
}

void caerec__wb_u16(caerec_wbuf *w, uint16_t v)
{
    unsigned char *at = caerec__wb_extend(w, 2);
    if (at) {
        at[0] = (unsigned char)v;
        at[1] = (unsigned char)(v >> 8);
    }
}

void caerec__wb_u32(caerec_wbuf *w, uint32_t v)
{
    unsigned char *at = caerec__wb_extend(w, 4);
    if (at)
        caerec__put_le32(at, v);
}

void caerec__wb_u64(caerec_wbuf *w, uint64_t v)
{
    unsigned char *at = caerec__wb_extend(w, 8);
    if (at)
        caerec__put_le64(at, v);
}

void caerec__wb_f64(caerec_wbuf *w, double v)
{
    caerec__wb_u64(w, caerec__f64_bits(v));
}

void caerec__wb_f32_array(caerec_wbuf *w, const float *v, size_t n)
{
    size_t bytes;
    if (!caerec__mul(n, 4, &bytes)) {
        if (!w->status)
            w->status = CAEREC_ETOOBIG;
        return;
    }
    unsigned char *at = caerec__wb_extend(w, bytes);
    if (at)
        for (size_t i = 0; i < n; i++)
            caerec__put_le32(at + 4 * i, caerec__f32_bits(v[i]));
}

void caerec__wb_u32_array(caerec_wbuf *w, const uint32_t *v, size_t n)
{
    size_t bytes;
    if (!caerec__mul(n, 4, &bytes)) {
        if (!w->status)
            w->status = CAEREC_ETOOBIG;
        return;
    }
    unsigned char *at = caerec__wb_extend(w, bytes);
    if (at)
        for (size_t i = 0; i < n; i++)
            caerec__put_le32(at + 4 * i, v[i]);
}

void caerec__wb_patch_u32(caerec_wbuf *w, size_t at, uint32_t v)
{
    if (!w->status && at <= w->len && w->len - at >= 4)
        caerec__put_le32(w->data + at, v);
}

void caerec__wb_patch_u64(caerec_wbuf *w, size_t at, uint64_t v)
{
    if (!w->status && at <= w->len && w->len - at >= 8)
        caerec__put_le64(w->data + at, v);
}

bool caerec__rb_skip(caerec_rbuf *r, size_t n)
{
    if (n > caerec__rb_left(r))
        return false;
    r->pos += n;
    return true;
}

bool caerec__rb_view(caerec_rbuf *r, size_t n, const unsigned char **out)
{
    if (n > caerec__rb_left(r))
        return false;
    *out = r->p + r->pos;
    r->pos += n;
    return true;
}

bool caerec__rb_u8(caerec_rbuf *r, uint8_t *v)
{
    if (caerec__rb_left(r) < 1)
        return false;
    *v = r->p[r->pos++];
    return true;
}

bool caerec__rb_u16(caerec_rbuf *r, uint16_t *v)
{
    if (caerec__rb_left(r) < 2)
        return false;
    *v = caerec__le16(r->p + r->pos);
    r->pos += 2;
    return true;
}

bool caerec__rb_u32(caerec_rbuf *r, uint32_t *v)
{
    if (caerec__rb_left(r) < 4)
        return false;
    *v = caerec__le32(r->p + r->pos);
    r->pos += 4;
    return true;
}

bool caerec__rb_u64(caerec_rbuf *r, uint64_t *v)
{
    if (caerec__rb_left(r) < 8)
        return false;
    *v = caerec__le64(r->p + r->pos);
    r->pos += 8;
    return true;
}

bool caerec__rb_f64(caerec_rbuf *r, double *v)
{
    uint64_t b;
    if (!caerec__rb_u64(r, &b))
        return false;
    *v = caerec__f64_from_bits(b);
    return true;
}

/* memcpy is the defined way to reinterpret; compilers turn it into a move. */
uint32_t caerec__f32_bits(float v)
{
    uint32_t b;
    memcpy(&b, &v, 4);
    return b;
}

float caerec__f32_from_bits(uint32_t b)
{
    float v;
    memcpy(&v, &b, 4);
    return v;
}

uint64_t caerec__f64_bits(double v)
{
    uint64_t b;
    memcpy(&b, &v, 8);
    return b;
}

double caerec__f64_from_bits(uint64_t b)
{
    double v;
    memcpy(&v, &b, 8);
    return v;
}
