/* Constants of the model file and checkpoint format, version 1. The
 * byte-by-byte specification is docs/model-format.md; keep the two in sync.
 *
 * Layout: a 64-byte header, a section table, sections each starting on a
 * 64-byte boundary, and a 4-byte CRC-32C trailer over everything before
 * it. Every integer and float is little-endian. */
#ifndef CAEREC_IO_FORMAT_H
#define CAEREC_IO_FORMAT_H

#include <stdint.h>

/* Magic (bytes 0..7): "CAEREC", a zero byte, then the kind of file. */
#define CAEREC_FMT_MAGIC_LEN        8
#define CAEREC_FMT_MAGIC_MODEL      "CAEREC\0M"
#define CAEREC_FMT_MAGIC_CHECKPOINT "CAEREC\0C"

/* The newest format version this library writes and reads. Readers load
 * every version from 1 up to this; a larger one is CAEREC_EVERSION. The
 * minor revision only adds optional sections or non-critical config keys,
 * which older readers of the same version skip. */
#define CAEREC_FMT_VERSION 1u
#define CAEREC_FMT_MINOR   1u

/* Written as the u32 0x0A0B0C0D, so the file holds 0D 0C 0B 0A: a file
 * written by a (buggy) big-endian writer that forgot to swap is detected. */
#define CAEREC_FMT_BYTE_ORDER 0x0A0B0C0Du

/* Header fields: byte offsets. */
enum {
    CAEREC_FMT_H_MAGIC = 0,
    CAEREC_FMT_H_VERSION = 8,      /* u32 */
    CAEREC_FMT_H_MINOR = 12,       /* u32 */
    CAEREC_FMT_H_BYTE_ORDER = 16,  /* u32 */
    CAEREC_FMT_H_HEADER_SIZE = 20, /* u32, 64 in version 1 */
    CAEREC_FMT_H_LIBRARY = 24,     /* u32 CAEREC_VERSION_NUMBER of the writer */
    CAEREC_FMT_H_FLAGS = 28,       /* u32, 0; readers ignore it */
    CAEREC_FMT_H_FILE_SIZE = 32,   /* u64 total bytes, trailer included */
    CAEREC_FMT_H_TABLE = 40,       /* u64 offset of the section table */
    CAEREC_FMT_H_N_SECTIONS = 48,  /* u32 */
    CAEREC_FMT_HEADER_SIZE = 64    /* bytes 52..63 are zero */
};

/* One section table entry: tag[4], u32 flags, u64 offset, u64 length,
 * u64 reserved (0). */
#define CAEREC_FMT_ENTRY_SIZE 32
/* Entry flag: a reader that does not know the tag must refuse the file
 * (CAEREC_EVERSION) instead of skipping the section. */
#define CAEREC_FMT_SEC_REQUIRED 1u
/* Sections start at multiples of this (so tensors can be mapped aligned). */
#define CAEREC_FMT_ALIGN        64
#define CAEREC_FMT_TRAILER_SIZE 4
/* No sane file has more sections than this (the table is read first). */
#define CAEREC_FMT_MAX_SECTIONS 4096

/* Section tags. */
#define CAEREC_SEC_CONFIG  "CONF" /* typed key/value configuration */
#define CAEREC_SEC_SCALE   "SCAL" /* rating levels */
#define CAEREC_SEC_TYPES   "TYPE" /* interaction type names */
#define CAEREC_SEC_USERS   "USER" /* user ids by index */
#define CAEREC_SEC_ITEMS   "ITEM" /* item ids by index */
#define CAEREC_SEC_ROWS    "ROWS" /* training interactions (CSR) */
#define CAEREC_SEC_TENSORS "TDIR" /* tensor directory of WGTS */
#define CAEREC_SEC_WEIGHTS "WGTS" /* float32 parameter block */
#define CAEREC_SEC_OPTIM   "OPTM" /* checkpoint: optimizer scalars */
#define CAEREC_SEC_ORDER   "ORDR" /* checkpoint: epoch shuffle */
#define CAEREC_SEC_ADAM_M  "ADMM" /* checkpoint: Adam first moments */
#define CAEREC_SEC_ADAM_V  "ADMV" /* checkpoint: Adam second moments */
#define CAEREC_SEC_PRIOR   "PRIO" /* decoder-l2 regressed: Wbar and dQ */

/* Config record value types. */
#define CAEREC_FMT_CFG_INT  1 /* 8 bytes, two's complement (u64 bits) */
#define CAEREC_FMT_CFG_REAL 2 /* 8 bytes, IEEE-754 binary64 */
/* Config record flag: a reader that does not know the key (or its type)
 * must refuse the file (CAEREC_EVERSION): the option changes predictions. */
#define CAEREC_FMT_CFG_CRITICAL 1u

/* Bounds a valid file never exceeds (checked before allocating). */
#define CAEREC_FMT_MAX_NAME 4096 /* bytes of a type name */

#endif
