/*
 * hashmap.c - the suite's one hash table: byte-string keys to a number
 *
 * Open addressing with linear probing over an index of entry numbers, the
 * entries themselves in a growing array in the order added: lookups touch
 * one small array, and iteration is stable and independent of the hash.
 * The full 64-bit hash of each entry is kept, so probes compare keys only
 * when the hashes agree and growing never rehashes a key.
 */
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "hashmap.h"

/* FNV-1a, 64 bits. */
static uint64_t
hash_bytes(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 14695981039346656037ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* Where key is in the index, or the empty slot where it would go. */
static size_t *
find_slot(const struct hashmap *m, uint64_t h, const void *key, size_t len)
{
	size_t mask = m->index_cap - 1, i = (size_t)h & mask;

	for (;;) {
		size_t *slot = &m->index[i];
		const struct hashmap_entry *e;

		if (*slot == 0)
			return slot;
		e = &m->entries[*slot - 1];
		if (e->hash == h && e->key_len == len &&
		    memcmp(m->keys + e->key_at, key, len) == 0)
			return slot;
		i = (i + 1) & mask;
	}
}

static void
grow_index(struct hashmap *m)
{
	size_t i, mask;

	free(m->index);
	m->index_cap = m->index_cap ? m->index_cap * 2 : 16;
	m->index = xcalloc(m->index_cap, sizeof m->index[0]);
	mask = m->index_cap - 1;
	for (i = 0; i < m->n; i++) {
		size_t k = (size_t)m->entries[i].hash & mask;

		while (m->index[k])
			k = (k + 1) & mask;
		m->index[k] = i + 1;
	}
}

size_t *
hashmap_get(const struct hashmap *m, const void *key, size_t len)
{
	size_t *slot;

	if (m->index_cap == 0)
		return NULL;
	slot = find_slot(m, hash_bytes(key, len), key, len);
	return *slot ? &m->entries[*slot - 1].value : NULL;
}

size_t *
hashmap_put(struct hashmap *m, const void *key, size_t len, int *added)
{
	uint64_t h = hash_bytes(key, len);
	struct hashmap_entry *e;
	size_t *slot;

	if ((m->n + 1) * 2 > m->index_cap)
		grow_index(m);
	slot = find_slot(m, h, key, len);
	if (added)
		*added = *slot == 0;
	if (*slot)
		return &m->entries[*slot - 1].value;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->entries = xreallocarray(m->entries, m->cap, sizeof m->entries[0]);
	}
	while (m->keys_cap - m->keys_len < len + 1) {
		m->keys_cap = m->keys_cap ? m->keys_cap * 2 : 256;
		m->keys = xrealloc(m->keys, m->keys_cap);
	}
	e = &m->entries[m->n];
	e->hash = h;
	e->key_at = m->keys_len;
	e->key_len = len;
	e->value = 0;
	memcpy(m->keys + m->keys_len, key, len);
	m->keys[m->keys_len + len] = '\0';
	m->keys_len += len + 1;
	*slot = ++m->n;
	return &e->value;
}

const char *
hashmap_key(const struct hashmap *m, size_t i)
{
	return m->keys + m->entries[i].key_at;
}

void
hashmap_free(struct hashmap *m)
{
	free(m->entries);
	free(m->index);
	free(m->keys);
	memset(m, 0, sizeof *m);
}

size_t *
hashmap_get_str(const struct hashmap *m, const char *key)
{
	return hashmap_get(m, key, strlen(key));
}

size_t *
hashmap_put_str(struct hashmap *m, const char *key, int *added)
{
	return hashmap_put(m, key, strlen(key), added);
}
