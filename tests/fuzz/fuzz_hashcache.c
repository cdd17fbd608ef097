/*
 * fuzz_hashcache - the driver's STATE/hashes.cache: hashcache_parse reads
 * the bytes as the driver's start does; whatever they are, it keeps the
 * records only when the whole checks out, and the cache then answers,
 * learns and is written again (into the harness's folder).
 * Seeds: caches written by mkseeds with the cache's own writer
 * (build/fuzz/seeds/hashcache), whole and cut short.
 */
#include <sys/stat.h>

#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "hashcache.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hashcache c;
	struct stat st;
	char hex[MD5_HEX_SIZE];
	volatile int sink = 0;
	size_t i;

	hashcache_load(&c, NULL);
	if (hashcache_parse(&c, data, size) == 0) {
		/* Each record answers for the file it describes. */
		for (i = 0; i < c.n && i < 64; i++) {
			memset(&st, 0, sizeof st);
			st.st_dev = (dev_t)c.v[i].dev;
			st.st_ino = (ino_t)c.v[i].ino;
			st.st_size = (off_t)c.v[i].size;
			st.st_mtim.tv_sec = (time_t)c.v[i].mtime;
			st.st_mtim.tv_nsec = (long)c.v[i].mtime_ns;
			st.st_ctim.tv_sec = (time_t)c.v[i].ctime;
			st.st_ctim.tv_nsec = (long)c.v[i].ctime_ns;
			sink += hashcache_get(&c, &st, hex);
		}
	}
	if (stat(fuzz_dir(), &st) == 0)
		hashcache_put(&c, &st, "0123456789abcdef0123456789abcdef");
	c.path = strdup(fuzz_path("hashes.cache"));
	sink += hashcache_save(&c);
	unlink(fuzz_path("hashes.cache"));
	hashcache_free(&c);
	(void)sink;
	return 0;
}
