/*
 * hashcache.c - the content hash of each file already read, by its stat(2)
 *
 * The driver knows inputs by content, so every file had to be read at
 * every start, and a `once` from cron read the whole archive (over WSL's
 * Windows drives, slowly) to find it all done. A file whose device, inode,
 * size and modification and change times (with nanoseconds) are what they
 * were when it was hashed has the same content: the change time cannot be
 * set back by anyone but the clock, and any write moves it. So each file
 * is hashed once in its life, unless it changes.
 *
 * STATE/hashes.cache holds the records (one per device and inode, the
 * latest) and an MD5 of the whole: it is written whole and atomically, and
 * one that does not check out is not trusted at all, only said once and
 * replaced; every file is then hashed again, which is what the cache only
 * ever saves. Files not found for 30 days are left out when it is written,
 * so it follows the folders rather than grow with every file ever seen.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "die.h"
#include "file.h"
#include "hashcache.h"
#include "path.h"

#define CACHE_NAME "hashes.cache"
static const char cache_magic[8] = "BGTHASH\1";
/* The records are in host order: a cache from another kind of machine fails here. */
#define CACHE_ORDER 0x01020304u
#define CACHE_HEAD 24		/* magic, record size, order mark, count */
#define CACHE_SUM 16		/* MD5 of what comes before */
/* Ours, but a bound all the same: some 15 million files. */
#define CACHE_LIMIT (1024UL * 1024 * 1024)
/* How old a record's "seen" may grow before it is written again, and kept at all. */
#define SEEN_STEP 86400
#define KEEP_UNSEEN (30 * 86400)

_Static_assert(sizeof(struct cached_hash) == 72, "the record is written as it is");

static uint64_t
mix(uint64_t x)
{
	/* splitmix64's finaliser: every bit of the inode moves every bit. */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static size_t
slot_of(const struct hashcache *c, uint64_t dev, uint64_t ino)
{
	size_t mask = c->index_cap - 1;
	size_t i = (size_t)mix(mix(dev ^ c->seed) ^ ino) & mask;

	for (;; i = (i + 1) & mask) {
		uint32_t k = c->index[i];

		if (k == 0 || (c->v[k - 1].dev == dev && c->v[k - 1].ino == ino))
			return i;
	}
}

/* An index for at least n records, with v[0..c->n) in it. */
static void
reindex(struct hashcache *c, size_t n)
{
	size_t i, want = 16;

	while (want < 2 * (n + 1))
		want *= 2;
	free(c->index);
	c->index_cap = want;
	c->index = xcalloc(want, sizeof c->index[0]);
	if (c->seed == 0 && getrandom(&c->seed, sizeof c->seed, 0) !=
	    (ssize_t)sizeof c->seed)
		c->seed = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull | 1;
	for (i = 0; i < c->n; i++)
		c->index[slot_of(c, c->v[i].dev, c->v[i].ino)] = (uint32_t)(i + 1);
}

/* The record for r's device and inode, replaced by r, or r added. */
static void
store(struct hashcache *c, const struct cached_hash *r)
{
	size_t i;

	if (c->index_cap < 2 * (c->n + 1))
		reindex(c, 2 * c->n);
	i = slot_of(c, r->dev, r->ino);
	if (c->index[i]) {
		c->v[c->index[i] - 1] = *r;
		return;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->v = xreallocarray(c->v, c->cap, sizeof c->v[0]);
	}
	c->v[c->n] = *r;
	c->index[i] = (uint32_t)++c->n;
}

static void
key_of(const struct stat *st, struct cached_hash *r)
{
	memset(r, 0, sizeof *r);
	r->dev = (uint64_t)st->st_dev;
	r->ino = (uint64_t)st->st_ino;
	r->size = (int64_t)st->st_size;
	r->mtime = (int64_t)st->st_mtim.tv_sec;
	r->mtime_ns = (uint32_t)st->st_mtim.tv_nsec;
	r->ctime = (int64_t)st->st_ctim.tv_sec;
	r->ctime_ns = (uint32_t)st->st_ctim.tv_nsec;
}

static void
clear(struct hashcache *c)
{
	free(c->v);
	free(c->index);
	c->v = NULL;
	c->index = NULL;
	c->n = c->cap = c->index_cap = 0;
}

static int
parse(struct hashcache *c, const void *data, size_t size)
{
	const unsigned char *p = data;
	unsigned char sum[CACHE_SUM];
	uint32_t record, order;
	uint64_t count, i;

	clear(c);
	if (size < CACHE_HEAD + CACHE_SUM || memcmp(p, cache_magic, 8) != 0)
		return -1;
	memcpy(&record, p + 8, 4);
	memcpy(&order, p + 12, 4);
	memcpy(&count, p + 16, 8);
	if (record != sizeof(struct cached_hash) || order != CACHE_ORDER ||
	    count > (size - CACHE_HEAD - CACHE_SUM) / sizeof(struct cached_hash) ||
	    CACHE_HEAD + count * sizeof(struct cached_hash) + CACHE_SUM != size)
		return -1;
	md5_raw(data, size - CACHE_SUM, sum);
	if (memcmp(sum, p + size - CACHE_SUM, CACHE_SUM) != 0)
		return -1;
	c->cap = count ? (size_t)count : 1;
	c->v = xcalloc(c->cap, sizeof c->v[0]);
	reindex(c, (size_t)count);
	for (i = 0; i < count; i++) {
		struct cached_hash r;

		memcpy(&r, p + CACHE_HEAD + i * sizeof r, sizeof r);
		store(c, &r);
	}
	return 0;
}

int
hashcache_parse(struct hashcache *c, const void *data, size_t size)
{
	if (parse(c, data, size) == 0)
		return 0;
	/* Not trusted at all: empty, and replaced at the next save. */
	clear(c);
	reindex(c, 0);
	c->changed = 1;
	return -1;
}

void
hashcache_load(struct hashcache *c, const char *state)
{
	char *text;
	size_t size;

	memset(c, 0, sizeof *c);
	reindex(c, 0);
	if (state == NULL)
		return;
	c->path = path_join(state, CACHE_NAME);
	if ((text = file_read(c->path, CACHE_LIMIT, &size)) == NULL) {
		if (errno != ENOENT)
			warnmsg("%s: %s: every file is hashed again", c->path,
			    strerror(errno));
		return;
	}
	if (hashcache_parse(c, text, size) < 0)
		warnmsg("%s: damaged, not used: every file is hashed again", c->path);
	free(text);
}

int
hashcache_get(struct hashcache *c, const struct stat *st, char hex[MD5_HEX_SIZE])
{
	struct cached_hash k, *r;
	size_t i;
	time_t now;

	key_of(st, &k);
	i = slot_of(c, k.dev, k.ino);
	if (c->index[i] == 0)
		return 0;
	r = &c->v[c->index[i] - 1];
	if (r->size != k.size || r->mtime != k.mtime || r->mtime_ns != k.mtime_ns ||
	    r->ctime != k.ctime || r->ctime_ns != k.ctime_ns)
		return 0;
	md5_bytes_hex(r->md5, hex);
	/* Found again: kept. Written again only when a day has passed. */
	now = time(NULL);
	if (now - r->seen >= SEEN_STEP) {
		r->seen = now;
		c->changed = 1;
	}
	return 1;
}

void
hashcache_put(struct hashcache *c, const struct stat *st, const char hex[MD5_HEX_SIZE])
{
	struct cached_hash r;

	key_of(st, &r);
	if (md5_hex_bytes(hex, r.md5) < 0)
		return;	/* no hash: nothing to remember */
	r.seen = time(NULL);
	store(c, &r);
	c->changed = 1;
}

int
hashcache_save(struct hashcache *c)
{
	uint32_t record = sizeof(struct cached_hash), order = CACHE_ORDER;
	uint64_t count;
	unsigned char *out;
	size_t i, k, size;
	time_t now = time(NULL);
	int rc;

	if (c->path == NULL || !c->changed)
		return 0;
	/* Files not found for a month are gone, or will be hashed again. */
	for (i = k = 0; i < c->n; i++)
		if (now - c->v[i].seen < KEEP_UNSEEN)
			c->v[k++] = c->v[i];
	if (k != c->n) {
		c->n = k;
		reindex(c, k);
	}
	count = c->n;
	size = CACHE_HEAD + c->n * sizeof c->v[0] + CACHE_SUM;
	out = xmalloc(size);
	memcpy(out, cache_magic, 8);
	memcpy(out + 8, &record, 4);
	memcpy(out + 12, &order, 4);
	memcpy(out + 16, &count, 8);
	if (c->n)
		memcpy(out + CACHE_HEAD, c->v, c->n * sizeof c->v[0]);
	md5_raw(out, size - CACHE_SUM, out + size - CACHE_SUM);
	rc = atomic_write(c->path, out, size);
	free(out);
	if (rc == 0)
		c->changed = 0;
	return rc;
}

void
hashcache_free(struct hashcache *c)
{
	clear(c);
	free(c->path);
	memset(c, 0, sizeof *c);
}
