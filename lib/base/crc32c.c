/*
 * crc32c.c - CRC-32C (Castagnoli), the checksum of TFRecord files
 *
 * TensorBoard reads its event files as TFRecords, whose length and payload
 * each carry a masked CRC-32C; a reader that finds a wrong one drops the
 * rest of the file. A byte-wise table is plenty: the driver checksums a few
 * hundred bytes per finished job.
 */
#include "crc32c.h"

/* The reflected Castagnoli polynomial. */
#define CRC32C_POLY 0x82F63B78u

static uint32_t table[256];
static int table_ready;

static void
make_table(void)
{
	uint32_t i, c;
	int k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ CRC32C_POLY : c >> 1;
		table[i] = c;
	}
	table_ready = 1;
}

uint32_t
crc32c(uint32_t crc, const void *p, size_t n)
{
	const unsigned char *b = p;

	if (!table_ready)
		make_table();
	crc = ~crc;
	while (n--)
		crc = table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint32_t
crc32c_masked(const void *p, size_t n)
{
	uint32_t c = crc32c(0, p, n);

	return ((c >> 15) | (c << 17)) + 0xA282EAD8u;
}
