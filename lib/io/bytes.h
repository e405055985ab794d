/* Explicit little-endian encoding, so files are the same bytes on every
 * machine: a growable output buffer and a bounds-checked input cursor. */
#ifndef CAEREC_IO_BYTES_H
#define CAEREC_IO_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Output buffer. The first failed allocation makes it sticky-failed: later
 * writes are no-ops and `status` holds CAEREC_ENOMEM or CAEREC_ETOOBIG, so
 * a serialiser checks once at the end. */
typedef struct caerec_wbuf {
    unsigned char *data;
    size_t len, cap;
    int status;
} caerec_wbuf;

void caerec__wb_init(caerec_wbuf *w);
void caerec__wb_free(caerec_wbuf *w);
/* Makes room for n more bytes and returns where they go, or NULL. */
unsigned char *caerec__wb_extend(caerec_wbuf *w, size_t n);
void caerec__wb_bytes(caerec_wbuf *w, const void *p, size_t n);
void caerec__wb_zeros(caerec_wbuf *w, size_t n);
/* Zero bytes up to the next multiple of `align` (a power of two). */
void caerec__wb_align(caerec_wbuf *w, size_t align);
void caerec__wb_u8(caerec_wbuf *w, uint8_t v);
void caerec__wb_u16(caerec_wbuf *w, uint16_t v);
void caerec__wb_u32(caerec_wbuf *w, uint32_t v);
void caerec__wb_u64(caerec_wbuf *w, uint64_t v);
void caerec__wb_f64(caerec_wbuf *w, double v);
void caerec__wb_f32_array(caerec_wbuf *w, const float *v, size_t n);
void caerec__wb_u32_array(caerec_wbuf *w, const uint32_t *v, size_t n);
/* Overwrites bytes already written (offsets of a table filled later). */
void caerec__wb_patch_u32(caerec_wbuf *w, size_t at, uint32_t v);
void caerec__wb_patch_u64(caerec_wbuf *w, size_t at, uint64_t v);

/* Decoding fixed-width little-endian values from raw bytes. */
static inline uint16_t caerec__le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}
static inline uint32_t caerec__le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}
static inline uint64_t caerec__le64(const unsigned char *p)
{
    return (uint64_t)caerec__le32(p) | (uint64_t)caerec__le32(p + 4) << 32;
}
static inline void caerec__put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}
static inline void caerec__put_le64(unsigned char *p, uint64_t v)
{
    caerec__put_le32(p, (uint32_t)v);
    caerec__put_le32(p + 4, (uint32_t)(v >> 32));
}

/* Input cursor over [p, p + len). Every read checks the bounds and returns
 * false (leaving the cursor where it was) when the bytes are not there. */
typedef struct caerec_rbuf {
    const unsigned char *p;
    size_t len, pos;
} caerec_rbuf;

static inline size_t caerec__rb_left(const caerec_rbuf *r)
{
    return r->len - r->pos;
}
bool caerec__rb_skip(caerec_rbuf *r, size_t n);
/* Points *out at the next n bytes and advances past them. */
bool caerec__rb_view(caerec_rbuf *r, size_t n, const unsigned char **out);
bool caerec__rb_u8(caerec_rbuf *r, uint8_t *v);
bool caerec__rb_u16(caerec_rbuf *r, uint16_t *v);
bool caerec__rb_u32(caerec_rbuf *r, uint32_t *v);
bool caerec__rb_u64(caerec_rbuf *r, uint64_t *v);
bool caerec__rb_f64(caerec_rbuf *r, double *v);

/* Bit patterns of IEEE-754 values (the formats store floats as their
 * little-endian bit patterns). */
uint32_t caerec__f32_bits(float v);
float caerec__f32_from_bits(uint32_t b);
uint64_t caerec__f64_bits(double v);
double caerec__f64_from_bits(uint64_t b);

#endif
