/* Editing file images in tests: find a section, patch bytes, fix the CRC,
 * append a section. Mirrors the layout in docs/model-format.md. */
#ifndef CAEREC_TESTS_IO_IMAGE_H
#define CAEREC_TESTS_IO_IMAGE_H

#include "io/bytes.h"
#include "io/crc32c.h"
#include "io/format.h"

#include <stdlib.h>
#include <string.h>

/* Recomputes the trailer so an edit is tested behind the checksum. */
static inline void img_fix_crc(unsigned char *img, size_t size)
{
    caerec__put_le32(img + size - 4, caerec__crc32c(0, img, size - 4));
}

/* Offset and length of the section with this tag; 0 when absent. */
static inline int img_section(const unsigned char *img, const char *tag,
                              size_t *off, size_t *len)
{
    size_t toff = (size_t)caerec__le64(img + CAEREC_FMT_H_TABLE);
    uint32_t n = caerec__le32(img + CAEREC_FMT_H_N_SECTIONS);
    *off = *len = 0;
    for (uint32_t i = 0; i < n; i++) {
        const unsigned char *e = img + toff + 32 * (size_t)i;
        if (memcmp(e, tag, 4) == 0) {
            *off = (size_t)caerec__le64(e + 8);
            *len = (size_t)caerec__le64(e + 16);
            return 1;
        }
    }
    return 0;
}

/* The table entry of a section (to patch its tag, flags, offset...). */
static inline unsigned char *img_entry(unsigned char *img, const char *tag)
{
    size_t toff = (size_t)caerec__le64(img + CAEREC_FMT_H_TABLE);
    uint32_t n = caerec__le32(img + CAEREC_FMT_H_N_SECTIONS);
    for (uint32_t i = 0; i < n; i++)
        if (memcmp(img + toff + 32 * (size_t)i, tag, 4) == 0)
            return img + toff + 32 * (size_t)i;
    return NULL;
}

/* First occurrence of needle in [img, img + size), or NULL. */
static inline unsigned char *img_find(unsigned char *img, size_t size,
                                      const void *needle, size_t n)
{
    for (size_t i = 0; i + n <= size; i++)
        if (memcmp(img + i, needle, n) == 0)
            return img + i;
    return NULL;
}

/* A new image (malloc'ed) with one more section appended: the payload goes
 * after the old sections and a new, longer table after it (the old table
 * is left behind as unused bytes). */
static inline unsigned char *img_add_section(const unsigned char *img,
                                             size_t size, const char *tag,
                                             uint32_t flags,
                                             const void *payload, size_t plen,
                                             size_t *out_size)
{
    size_t toff = (size_t)caerec__le64(img + CAEREC_FMT_H_TABLE);
    uint32_t n = caerec__le32(img + CAEREC_FMT_H_N_SECTIONS);
    size_t body = size - 4;
    size_t soff = (body + 63) & ~(size_t)63;
    size_t ntoff = soff + plen;
    size_t nsize = ntoff + 32 * ((size_t)n + 1) + 4;
    unsigned char *out = calloc(1, nsize);
    memcpy(out, img, body);
    memcpy(out + soff, payload, plen);
    memcpy(out + ntoff, img + toff, 32 * (size_t)n);
    unsigned char *e = out + ntoff + 32 * (size_t)n;
    memcpy(e, tag, 4);
    caerec__put_le32(e + 4, flags);
    caerec__put_le64(e + 8, soff);
    caerec__put_le64(e + 16, plen);
    caerec__put_le64(out + CAEREC_FMT_H_TABLE, ntoff);
    caerec__put_le32(out + CAEREC_FMT_H_N_SECTIONS, n + 1);
    caerec__put_le64(out + CAEREC_FMT_H_FILE_SIZE, nsize);
    img_fix_crc(out, nsize);
    *out_size = nsize;
    return out;
}

#endif
