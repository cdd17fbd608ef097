/*
 * bytes.h - little-endian integers in a replay's bytes
 *
 * The MPQ container and the attributes member store fixed-size integers
 * little-endian at any alignment; read them byte by byte, whatever the
 * machine's own order.
 */
#ifndef BYTES_H
#define BYTES_H

#include <stdint.h>

static inline uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

#endif
