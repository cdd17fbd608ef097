/*
 * mpq.c - a bounded reader for the MPQ archives of StarCraft II replays
 *
 * StormLib hangs inside bzip2 on some corrupted replays, so the suite reads
 * archives itself: every offset and size is checked against the bytes that
 * are really there, no member may decompress to more than its block
 * table entry (and the caller's limit) says, and a member's memory grows
 * with the bytes it really gives, not with what it claims.
 */
#include <bzlib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bytes.h"
#include "die.h"
#include "file.h"
#include "mpq.h"
#include "protocol.h"

enum hash_type { HASH_OFFSET = 0, HASH_NAME_A = 1, HASH_NAME_B = 2, HASH_KEY = 3 };

static uint32_t crypt_table[0x500];
static int crypt_ready;

static void
init_crypt_table(void)
{
	uint32_t seed = 0x00100001, a, b;
	int i, j, k;

	if (crypt_ready)
		return;
	for (i = 0; i < 0x100; i++) {
		for (j = i, k = 0; k < 5; k++, j += 0x100) {
			seed = (seed * 125 + 3) % 0x2aaaab;
			a = (seed & 0xffff) << 16;
			seed = (seed * 125 + 3) % 0x2aaaab;
			b = seed & 0xffff;
			crypt_table[j] = a | b;
		}
	}
	crypt_ready = 1;
}

static uint32_t
hash_string(const char *s, enum hash_type type)
{
	uint32_t seed1 = 0x7fed7fed, seed2 = 0xeeeeeeee;
	unsigned c;

	for (; *s; s++) {
		c = (unsigned char)*s;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (c == '/')
			c = '\\';
		seed1 = crypt_table[(type << 8) + c] ^ (seed1 + seed2);
		seed2 = c + seed1 + seed2 + (seed2 << 5) + 3;
	}
	return seed1;
}

static void
decrypt(uint32_t *words, size_t n, uint32_t key)
{
	uint32_t seed = 0xeeeeeeee, c;
	size_t i;

	for (i = 0; i < n; i++) {
		seed += crypt_table[0x400 + (key & 0xff)];
		c = words[i] ^ (key + seed);
		key = ((~key << 21) + 0x11111111) | (key >> 11);
		seed = c + seed + (seed << 5) + 3;
		words[i] = c;
	}
}

/* Copy and decrypt a table of n 16-byte entries at archive offset pos. */
static uint32_t *
read_table(const struct mpq *m, uint64_t pos, uint32_t n, const char *key_name)
{
	uint32_t *t;
	size_t i;

	if (pos > m->archive_size || n > (m->archive_size - pos) / MPQ_TABLE_ENTRY_SIZE)
		return NULL;
	t = xmalloc((size_t)n * MPQ_TABLE_ENTRY_SIZE);
	for (i = 0; i < (size_t)n * MPQ_TABLE_ENTRY_SIZE / 4; i++)
		t[i] = le32(m->file + m->archive_offset + pos + i * 4);
	decrypt(t, (size_t)n * 4, hash_string(key_name, HASH_KEY));
	return t;
}

int
mpq_open(struct mpq *m, const uint8_t *file, size_t size, struct strbuf *why)
{
	const uint8_t *h;
	uint32_t header_size, hash_count, block_count;
	uint64_t hash_pos, block_pos;
	uint16_t format;

	init_crypt_table();
	memset(m, 0, sizeof *m);
	m->file = file;
	m->file_size = size;
	if (size < 16) {
		sb_adds(why, "truncated: too short for an MPQ header");
		return -1;
	}
	if (le32(file) == MPQ_USER_DATA_MAGIC) {
		uint32_t content = le32(file + 12), offset = le32(file + 8);

		if (content > size - 16) {
			sb_adds(why, "truncated: replay header runs past the end of the file");
			return -1;
		}
		m->user_data = file + 16;
		m->user_data_size = content;
		if (offset >= size || size - offset < 32) {
			sb_adds(why, "truncated: MPQ archive missing after the replay header");
			return -1;
		}
		m->archive_offset = offset;
	} else if (le32(file) != MPQ_ARCHIVE_MAGIC) {
		sb_adds(why, "not an MPQ archive (no MPQ signature)");
		return -1;
	}
	h = file + m->archive_offset;
	if (le32(h) != MPQ_ARCHIVE_MAGIC) {
		sb_adds(why, "no MPQ archive header where the user data points");
		return -1;
	}
	m->archive_size = size - m->archive_offset;
	header_size = le32(h + 4);
	format = le16(h + 12);
	if (header_size < 32 || header_size > m->archive_size) {
		sb_adds(why, "truncated: MPQ archive header");
		return -1;
	}
	hash_pos = le32(h + 16);
	block_pos = le32(h + 20);
	hash_count = le32(h + 24);
	block_count = le32(h + 28);
	if (format >= 1 && header_size >= 44) {
		hash_pos |= (uint64_t)le16(h + 40) << 32;
		block_pos |= (uint64_t)le16(h + 42) << 32;
	}
	if (hash_count == 0) {
		sb_adds(why, "empty MPQ archive (no hash table): a truncated replay");
		return -1;
	}
	m->hash_table = read_table(m, hash_pos, hash_count, "(hash table)");
	m->block_table = read_table(m, block_pos, block_count, "(block table)");
	if (m->hash_table == NULL || m->block_table == NULL) {
		mpq_close(m);
		sb_adds(why, "truncated: MPQ hash or block table runs past the end of the file");
		return -1;
	}
	m->hash_count = hash_count;
	m->block_count = block_count;
	return 0;
}

static int
find_block(const struct mpq *m, const char *name, uint32_t *block)
{
	uint32_t start = hash_string(name, HASH_OFFSET) % m->hash_count;
	uint32_t a = hash_string(name, HASH_NAME_A);
	uint32_t b = hash_string(name, HASH_NAME_B);
	uint32_t i, *e;

	for (i = 0; i < m->hash_count; i++) {
		e = m->hash_table + (size_t)((start + i) % m->hash_count) * 4;
		if (e[3] == MPQ_HASH_EMPTY)
			return 0;
		if (e[3] != MPQ_HASH_DELETED && e[0] == a && e[1] == b &&
		    e[3] < m->block_count) {
			*block = e[3];
			return 1;
		}
	}
	return 0;
}

/* A damaged member's reason names it. */
static void
bad_member(struct strbuf *why, const char *name, const char *reason)
{
	sb_printf(why, "%s: %s", name, reason);
}

/*
 * A member as it is decompressed. bzip2 has no useful bound on what a
 * byte can give, so a member's claimed size is not allocated up front: the
 * buffer grows (doubling, from MEMBER_FIRST_ALLOC) with the bytes really
 * produced, never past max (the claimed size and its NUL), and a small
 * stream that claims 64 MiB costs what it gives.
 */
struct member_buf {
	uint8_t *p;
	size_t len, cap, max;
};

#define MEMBER_FIRST_ALLOC	((size_t)64 << 10)

/* Room for at least n more bytes; len + n <= max. */
static void
mb_reserve(struct member_buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : MEMBER_FIRST_ALLOC;

	if (b->len + n <= b->cap)
		return;
	while (cap < b->len + n)
		cap = cap < b->max / 2 ? cap * 2 : b->max;
	if (cap > b->max)
		cap = b->max;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

/*
 * Append one bzip2 stream of exactly want bytes, streamed: each round
 * fills the room there is, and the buffer grows only when it is full.
 * When want bytes are out, one more byte of room tells a stream that
 * would give more.
 */
static int
bzip2_unit(const uint8_t *in, size_t in_size, struct member_buf *b,
	   size_t want, const char *name, struct strbuf *why)
{
	const size_t end = b->len + want;
	bz_stream z;
	char probe;
	size_t room;
	int rc;

	if (in_size > UINT_MAX) {
		bad_member(why, name, "compressed member too large");
		return -1;
	}
	memset(&z, 0, sizeof z);
	if (BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK) {
		bad_member(why, name, "bzip2 cannot start (out of memory)");
		return -1;
	}
	z.next_in = (char *)(uintptr_t)in;
	z.avail_in = (unsigned int)in_size;
	for (;;) {
		int probing = b->len == end;

		if (probing) {
			z.next_out = &probe;
			z.avail_out = 1;
		} else {
			if (b->len == b->cap)
				mb_reserve(b, 1);
			room = (b->cap < end ? b->cap : end) - b->len;
			if (room > UINT_MAX)
				room = UINT_MAX;
			z.next_out = (char *)b->p + b->len;
			z.avail_out = (unsigned int)room;
		}
		rc = BZ2_bzDecompress(&z);
		if (probing) {
			if (z.avail_out == 0)
				rc = BZ_OUTBUFF_FULL;
			break;
		}
		b->len = (size_t)((uint8_t *)z.next_out - b->p);
		/* BZ_OK stops for room or for input: with room left, input ran out. */
		if (rc != BZ_OK || (z.avail_out > 0 && z.avail_in == 0))
			break;
	}
	BZ2_bzDecompressEnd(&z);
	if (rc == BZ_STREAM_END && b->len == end)
		return 0;
	bad_member(why, name, rc == BZ_OUTBUFF_FULL ?
	    "bzip2 data larger than the member size" : rc == BZ_STREAM_END ?
	    "bzip2 data shorter than the member size" : "damaged bzip2 data");
	return -1;
}

/* Append one unit of want bytes: in[0] names the method, the rest is the stream. */
static int
append_unit(const uint8_t *in, size_t in_size, struct member_buf *b,
	    size_t want, const char *name, struct strbuf *why)
{
	if (in_size < 1) {
		bad_member(why, name, "empty compressed unit");
		return -1;
	}
	if (in[0] == MPQ_UNIT_BZIP2)
		return bzip2_unit(in + 1, in_size - 1, b, want, name, why);
	if (in[0] == MPQ_UNIT_ZLIB) {
		uLongf got = want;
		uLong used = in_size - 1;
		int rc;

		/* Deflate's ratio bounds want by the input: unit_plausible(). */
		mb_reserve(b, want);
		rc = uncompress2(b->p + b->len, &got, in + 1, &used);
		if (rc != Z_OK || got != want) {
			bad_member(why, name, rc == Z_BUF_ERROR && got == want ?
			    "zlib data larger than the member size" :
			    "damaged zlib data");
			return -1;
		}
		b->len += want;
		return 0;
	}
	bad_member(why, name, "unsupported MPQ compression method");
	return -1;
}

/* Append want bytes stored as they are (present: checked by the caller). */
static void
append_stored(struct member_buf *b, const uint8_t *data, size_t want)
{
	mb_reserve(b, want);
	memcpy(b->p + b->len, data, want);
	b->len += want;
}

/*
 * Whether a unit of in_size compressed bytes can hold out_size bytes at all,
 * judged before out_size is allocated: deflate gives at most 1032 bytes per
 * byte. (bzip2 has no such useful bound: its output is allocated as it
 * comes, struct member_buf.)
 */
static int
unit_plausible(const uint8_t *in, size_t in_size, size_t out_size,
	       const char *name, struct strbuf *why)
{
	if (in_size < 1 || in_size - 1 >= out_size)
		return 0;	/* append_unit() says what is wrong */
	if (in[0] == MPQ_UNIT_ZLIB && (out_size - 1) / DEFLATE_MAX_RATIO >= in_size - 1) {
		bad_member(why, name, "zlib data cannot hold the member size");
		return -1;
	}
	return 0;
}

/* Members split into sectors: an offset table, then each sector on its own. */
struct sectors {
	size_t size;	/* bytes a sector holds, the last one less */
	size_t n;
	size_t table;	/* bytes of the offset table (and its CRC entry) */
};

static struct sectors
sector_layout(const struct mpq *m, uint32_t flags, size_t fsize)
{
	const uint8_t *h = m->file + m->archive_offset;
	struct sectors s;

	s.size = (size_t)512 << (le16(h + 14) & 15);
	s.n = (fsize + s.size - 1) / s.size;
	s.table = (s.n + 1 + ((flags & MPQ_BLOCK_SECTOR_CRC) ? 1 : 0)) * 4;
	return s;
}

/* Append the sectors, in order; sectors_plausible() has checked the table. */
static int
read_sectors(const struct mpq *m, const uint8_t *data, uint32_t flags,
	     struct member_buf *out, size_t fsize, const char *name,
	     struct strbuf *why)
{
	struct sectors s = sector_layout(m, flags, fsize);
	size_t i;

	for (i = 0; i < s.n; i++) {
		uint32_t from = le32(data + i * 4), to = le32(data + i * 4 + 4);
		size_t want = i + 1 < s.n ? s.size : fsize - i * s.size;

		if (to - from == want)
			append_stored(out, data + from, want);
		else if (append_unit(data + from, to - from, out, want, name,
		    why) < 0)
			return -1;
	}
	return 0;
}

/* The sector table, and each compressed sector's unit, before allocating. */
static int
sectors_plausible(const struct mpq *m, const uint8_t *data, size_t csize,
		  uint32_t flags, size_t fsize, const char *name, struct strbuf *why)
{
	struct sectors s = sector_layout(m, flags, fsize);
	size_t i;

	if (s.n > csize / 4 || s.table > csize) {
		bad_member(why, name, "truncated: sector table");
		return -1;
	}
	for (i = 0; i < s.n; i++) {
		uint32_t from = le32(data + i * 4), to = le32(data + i * 4 + 4);
		size_t want = i + 1 < s.n ? s.size : fsize - i * s.size;

		if (from > to || to > csize || from < s.table) {
			bad_member(why, name, "damaged sector table");
			return -1;
		}
		if (to - from != want &&
		    unit_plausible(data + from, to - from, want, name, why) < 0)
			return -1;
	}
	return 0;
}

enum mpq_status
mpq_read(const struct mpq *m, const char *name, size_t limit, uint8_t **out,
	 size_t *out_size, struct strbuf *why)
{
	uint32_t block, *b, flags;
	uint64_t pos;
	size_t csize, fsize;
	const uint8_t *data;
	struct member_buf buf = { 0 };
	int rc = 0;

	*out = NULL;
	*out_size = 0;
	if (!find_block(m, name, &block))
		return MPQ_MISSING;
	b = m->block_table + (size_t)block * 4;
	pos = b[0];
	csize = b[1];
	fsize = b[2];
	flags = b[3];
	if (!(flags & MPQ_BLOCK_EXISTS))
		return MPQ_MISSING;
	if (flags & (MPQ_BLOCK_ENCRYPTED | MPQ_BLOCK_IMPLODE)) {
		bad_member(why, name, "encrypted or imploded member");
		return MPQ_BAD;
	}
	if (fsize > limit) {
		bad_member(why, name, "member larger than the limit");
		return MPQ_BAD;
	}
	if (pos > m->archive_size || csize > m->archive_size - pos) {
		bad_member(why, name, "truncated: member runs past the end of the file");
		return MPQ_BAD;
	}
	data = m->file + m->archive_offset + pos;
	/* Everything the bytes present can tell, before fsize is allocated. */
	if (!(flags & MPQ_BLOCK_COMPRESS) || (csize == fsize && (flags & MPQ_BLOCK_SINGLE_UNIT))) {
		if (csize < fsize) {
			bad_member(why, name, "truncated: stored member");
			return MPQ_BAD;
		}
	} else if (flags & MPQ_BLOCK_SINGLE_UNIT) {
		if (unit_plausible(data, csize, fsize, name, why) < 0)
			return MPQ_BAD;
	} else if (sectors_plausible(m, data, csize, flags, fsize, name, why) < 0) {
		return MPQ_BAD;
	}
	buf.max = fsize + 1;	/* and a NUL */
	if (!(flags & MPQ_BLOCK_COMPRESS) || (csize == fsize && (flags & MPQ_BLOCK_SINGLE_UNIT)))
		append_stored(&buf, data, fsize);
	else if (flags & MPQ_BLOCK_SINGLE_UNIT)
		rc = append_unit(data, csize, &buf, fsize, name, why);
	else
		rc = read_sectors(m, data, flags, &buf, fsize, name, why);
	if (rc < 0) {
		free(buf.p);
		return MPQ_BAD;
	}
	mb_reserve(&buf, 1);
	buf.p[fsize] = '\0';
	*out = buf.p;
	*out_size = fsize;
	return MPQ_OK;
}

void
mpq_close(struct mpq *m)
{
	free(m->hash_table);
	free(m->block_table);
	m->hash_table = m->block_table = NULL;
}
