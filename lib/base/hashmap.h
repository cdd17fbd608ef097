/* hashmap.h - the suite's one hash table: byte-string keys to a number */
#ifndef HASHMAP_H
#define HASHMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Keys are copied into the map; each maps to a size_t the caller chooses
 * (an index into its own array, a state, a count). Entries are kept in the
 * order they were added, so walking them never depends on the hash.
 * A zeroed struct is an empty map.
 */
struct hashmap_entry {
	uint64_t hash;
	size_t key_at, key_len;	/* in keys[] */
	size_t value;
};

struct hashmap {
	struct hashmap_entry *entries;	/* in the order added */
	size_t n, cap;
	size_t *index;			/* open addressing: 1 + entry, 0 empty */
	size_t index_cap;		/* a power of two, at least 2n */
	char *keys;
	size_t keys_len, keys_cap;
	uint64_t seed[2];		/* the hash's key, drawn on first use */
};

/* The value of key, or NULL when it is not in the map. */
size_t *hashmap_get(const struct hashmap *m, const void *key, size_t len);
/*
 * The value of key, added with value 0 when it was missing (then *added is
 * set to 1, else 0; added may be NULL). The pointer lives until the next put.
 */
size_t *hashmap_put(struct hashmap *m, const void *key, size_t len, int *added);
/* The i-th key added (0 <= i < m->n), NUL-terminated. */
const char *hashmap_key(const struct hashmap *m, size_t i);
void hashmap_free(struct hashmap *m);

/* The strings' and numbers' shorthands. */
size_t *hashmap_get_str(const struct hashmap *m, const char *key);
size_t *hashmap_put_str(struct hashmap *m, const char *key, int *added);

#endif
