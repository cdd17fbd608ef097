/*
 * crc32c.c - CRC-32C (Castagnoli), the checksum of TFRecord files
 *
 * TensorBoard reads its event files as TFRecords, whose length and payload
 * each carry a masked CRC-32C; a reader that finds a wrong one drops the
 * rest of the file. Eight bytes a step through eight tables (slicing-by-8):
 * the driver checksums every event it writes, one or more a job.
 */
#include "crc32c.h"

/* The reflected Castagnoli polynomial. */
#define CRC32C_POLY 0x82F63B78u

/* table[k][b]: the CRC of byte b followed by k zero bytes. */
static uint32_t table[8][256];
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
		table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (k = 1; k < 8; k++)
			table[k][i] = table[0][table[k - 1][i] & 0xff] ^
			    (table[k - 1][i] >> 8);
	table_ready = 1;
}

uint32_t
crc32c(uint32_t crc, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t lo, hi;

	if (!table_ready)
		make_table();
	crc = ~crc;
	/* Byte order spelled out: the same result on any machine. */
	for (; n >= 8; n -= 8, b += 8) {
		lo = crc ^ ((uint32_t)b[0] | (uint32_t)b[1] << 8 |
		    (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
		hi = (uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 |
		    (uint32_t)b[7] << 24;
		crc = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^
		    table[5][(lo >> 16) & 0xff] ^ table[4][lo >> 24] ^
		    table[3][hi & 0xff] ^ table[2][(hi >> 8) & 0xff] ^
		    table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
	}
	while (n--)
		crc = table[0][(crc ^ *b++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint32_t
crc32c_masked(const void *p, size_t n)
{
	uint32_t c = crc32c(0, p, n);

	return ((c >> 15) | (c << 17)) + 0xA282EAD8u;
}
