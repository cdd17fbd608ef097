/*
 * zipdir.c - where a zip's entries lie, read from its central directory
 *
 * libzip reads each entry where the central directory says it is and
 * does not mind two entries sharing bytes, so a 67 KB file can name one
 * deflated member 24 times and inflate to 1.6 GB. Each member of a file
 * the bot writes has bytes of its own: a file whose entries overlap (or
 * lie outside it) is not one the bot wrote, and is refused before
 * anything is inflated. libzip does not tell where an entry's data lies,
 * so the directory is walked here, read-only, with every offset checked
 * against the bytes there are.
 */
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "zipdir.h"

#define EOCD_SIG	0x06054b50u
#define EOCD_LEN	22
#define EOCD64_LOC_SIG	0x07064b50u
#define EOCD64_LOC_LEN	20
#define EOCD64_SIG	0x06064b50u
#define EOCD64_LEN	56
#define CENTRAL_SIG	0x02014b50u
#define CENTRAL_LEN	46
#define LOCAL_SIG	0x04034b50u
#define LOCAL_LEN	30
#define ZIP64_EXTRA	0x0001
#define MAX_COMMENT	0xffff

struct range {
	uint64_t start, end;
};

static uint64_t
le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

/* Whether [off, off + len) lies in the size bytes. */
static int
inside(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

static int
by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The end of the central directory; where and how many entries. */
static int
directory(const uint8_t *buf, size_t size, uint64_t *count, uint64_t *off,
	  uint64_t *len)
{
	size_t e, stop;
	uint64_t at;

	if (size < EOCD_LEN)
		return -1;
	stop = size - EOCD_LEN > MAX_COMMENT ? size - EOCD_LEN - MAX_COMMENT : 0;
	for (e = size - EOCD_LEN;; e--) {
		if (le(buf + e, 4) == EOCD_SIG)
			break;
		if (e == stop)
			return -1;
	}
	*count = le(buf + e + 10, 2);
	*len = le(buf + e + 12, 4);
	*off = le(buf + e + 16, 4);
	if (*count != 0xffff && *len != 0xffffffff && *off != 0xffffffff)
		return 0;
	/* Zip64: the locator just before says where the larger record is. */
	if (e < EOCD64_LOC_LEN || le(buf + e - EOCD64_LOC_LEN, 4) != EOCD64_LOC_SIG)
		return -1;
	at = le(buf + e - EOCD64_LOC_LEN + 8, 8);
	if (!inside(at, EOCD64_LEN, size) || le(buf + at, 4) != EOCD64_SIG)
		return -1;
	e = (size_t)at;
	*count = le(buf + e + 32, 8);
	*len = le(buf + e + 40, 8);
	*off = le(buf + e + 48, 8);
	return 0;
}

/* The zip64 sizes and offset of an entry whose 32-bit fields are full. */
static int
zip64_fields(const uint8_t *x, size_t n, uint64_t *usize, uint64_t *csize,
	     uint64_t *local)
{
	uint64_t *want[3] = { usize, csize, local };
	size_t i, at;

	while (n >= 4) {
		size_t len = (size_t)le(x + 2, 2);

		if (len > n - 4)
			return -1;
		if (le(x, 2) == ZIP64_EXTRA) {
			for (i = 0, at = 4; i < 3; i++) {
				if (*want[i] != 0xffffffff)
					continue;
				if (at + 8 > len + 4)
					return -1;
				*want[i] = le(x + at, 8);
				at += 8;
			}
			return 0;
		}
		x += 4 + len;
		n -= 4 + len;
	}
	return *csize == 0xffffffff || *local == 0xffffffff ? -1 : 0;
}

int
zipdir_check(const uint8_t *buf, size_t size, struct strbuf *why)
{
	uint64_t count, off, len, i;
	struct range *r;
	const uint8_t *c;

	if (directory(buf, size, &count, &off, &len) < 0 || !inside(off, len, size)) {
		sb_adds(why, "not a zip archive (truncated or not an .npz)");
		return -1;
	}
	/* Each entry takes CENTRAL_LEN bytes at least: count is bounded by the file. */
	if (count > len / CENTRAL_LEN) {
		sb_adds(why, "zip directory claims more entries than it holds");
		return -1;
	}
	r = xreallocarray(NULL, count ? count : 1, sizeof r[0]);
	for (i = 0, c = buf + off; i < count; i++) {
		uint64_t usize, csize, local, n, x, k, lend;

		if (!inside((uint64_t)(c - buf), CENTRAL_LEN, off + len) ||
		    le(c, 4) != CENTRAL_SIG)
			goto damaged;
		csize = le(c + 20, 4);
		usize = le(c + 24, 4);
		n = le(c + 28, 2);
		x = le(c + 30, 2);
		k = le(c + 32, 2);
		local = le(c + 42, 4);
		if (!inside((uint64_t)(c - buf) + CENTRAL_LEN, n + x + k, off + len) ||
		    zip64_fields(c + CENTRAL_LEN + n, (size_t)x, &usize, &csize,
		    &local) < 0)
			goto damaged;
		/* The local header, its name and extra field, then the data. */
		if (!inside(local, LOCAL_LEN, size) || le(buf + local, 4) != LOCAL_SIG)
			goto damaged;
		lend = local + LOCAL_LEN + le(buf + local + 26, 2) +
		    le(buf + local + 28, 2);
		if (!inside(local, lend - local, size) ||
		    !inside(lend, csize, size))
			goto damaged;
		r[i].start = local;
		r[i].end = lend + csize;
		c += CENTRAL_LEN + n + x + k;
	}
	qsort(r, (size_t)count, sizeof r[0], by_start);
	for (i = 1; i < count; i++)
		if (r[i].start < r[i - 1].end) {
			sb_adds(why, "zip entries overlap (two members share "
			    "bytes): not an .npz numpy wrote");
			free(r);
			return -1;
		}
	free(r);
	return 0;
damaged:
	sb_printf(why, "zip directory entry %llu is damaged or points outside "
	    "the file", (unsigned long long)i + 1);
	free(r);
	return -1;
}
