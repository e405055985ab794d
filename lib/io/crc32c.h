/* CRC-32C (Castagnoli), the checksum of model files and checkpoints. */
#ifndef CAEREC_IO_CRC32C_H
#define CAEREC_IO_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Continues a CRC-32C over n more bytes: start with crc = 0; the result of
 * one call is the `crc` of the next. Reflected polynomial 0x82F63B78,
 * initial value and final xor 0xFFFFFFFF (the iSCSI/ext4 CRC): the CRC of
 * the ASCII bytes "123456789" is 0xE3069283. */
uint32_t caerec__crc32c(uint32_t crc, const void *data, size_t n);

#endif
