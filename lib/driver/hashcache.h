/* hashcache.h - the content hash of each file already read, by its stat(2) */
#ifndef HASHCACHE_H
#define HASHCACHE_H

#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>

#include "digest.h"

/* One file as it was when hashed; the on-disk record, in host order. */
struct cached_hash {
	uint64_t dev, ino;
	int64_t size, mtime, ctime;	/* seconds */
	uint32_t mtime_ns, ctime_ns;
	uint8_t md5[16];
	int64_t seen;			/* epoch seconds it was last found */
};

struct hashcache {
	struct cached_hash *v;
	size_t n, cap;
	uint32_t *index;		/* open addressing: 1 + record, 0 empty */
	size_t index_cap;		/* a power of two, at least 2n */
	uint64_t seed;
	char *path;			/* NULL: kept in memory only */
	int changed;			/* since loaded or saved */
};

/*
 * The cache of STATE (STATE/hashes.cache), or an empty one when there is
 * none. A file that is damaged (its checksum, its size, its header) is not
 * trusted at all: said on stderr once, and the cache starts empty. path
 * NULL: an empty cache in memory.
 */
void hashcache_load(struct hashcache *c, const char *state);
/*
 * What hashcache_load does with the file's bytes: 0, or -1 (damaged; c is
 * then empty).
 */
int hashcache_parse(struct hashcache *c, const void *data, size_t size);
/*
 * The hash of the file st describes (stat(2) of the path, links followed),
 * into hex, when the cache has it: 1, else 0.
 */
int hashcache_get(struct hashcache *c, const struct stat *st,
		  char hex[MD5_HEX_SIZE]);
/* The file st describes has hash hex. */
void hashcache_put(struct hashcache *c, const struct stat *st,
		   const char hex[MD5_HEX_SIZE]);
/*
 * Write the cache atomically when it changed, leaving out the files not
 * found for 30 days. Returns 0, or -1 with errno set (nothing is lost:
 * what is not written is hashed again).
 */
int hashcache_save(struct hashcache *c);
void hashcache_free(struct hashcache *c);

#endif
