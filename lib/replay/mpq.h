/* mpq.h - a bounded reader for the MPQ archives of StarCraft II replays */
#ifndef MPQ_H
#define MPQ_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* What mpq_read() found. */
enum mpq_status {
	MPQ_OK = 0,
	MPQ_MISSING = 1,	/* no such member */
	MPQ_BAD = 2		/* the archive or the member is damaged */
};

struct mpq {
	const uint8_t *file;		/* the whole replay file */
	size_t file_size;
	const uint8_t *user_data;	/* content of the MPQ\x1b block, or NULL */
	size_t user_data_size;
	size_t archive_offset;		/* where MPQ\x1a starts in file */
	size_t archive_size;		/* bytes from archive_offset to the end */
	uint32_t *hash_table;		/* decrypted, 4 words an entry */
	uint32_t hash_count;
	uint32_t *block_table;		/* decrypted, 4 words an entry */
	uint32_t block_count;
};

/* Parse the archive held in file[0..size). The memory must outlive the mpq.
 * Returns 0, or -1 with a reason appended to why. */
int mpq_open(struct mpq *m, const uint8_t *file, size_t size,
	     struct strbuf *why);

/* Decompress member name into a new malloc'd buffer (*out, *out_size), refusing
 * members larger than limit bytes. MPQ_BAD appends "NAME: reason" to why. */
enum mpq_status mpq_read(const struct mpq *m, const char *name, size_t limit,
			 uint8_t **out, size_t *out_size, struct strbuf *why);

void mpq_close(struct mpq *m);

#endif
