/* crc32c.h - CRC-32C (Castagnoli), the checksum of TFRecord files */
#ifndef CRC32C_H
#define CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * The CRC-32C of p[0..n), continuing from crc (0 to start): the reflected
 * polynomial 0x82F63B78 with the usual pre- and post-inversion, so that
 * crc32c(0, "123456789", 9) is 0xE3069283, its published check value.
 */
uint32_t crc32c(uint32_t crc, const void *p, size_t n);

/*
 * The masked form TFRecord stores (TensorFlow's crc32c::Mask): rotated
 * right by 15 and offset by 0xA282EAD8, because a CRC of data that holds
 * its own CRC is weak.
 */
uint32_t crc32c_masked(const void *p, size_t n);

#endif
