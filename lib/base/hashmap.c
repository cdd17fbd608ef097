/*
 * hashmap.c - the suite's one hash table: byte-string keys to a number
 *
 * Open addressing with linear probing over an index of entry numbers, the
 * entries themselves in a growing array in the order added: lookups touch
 * one small array, and iteration is stable and independent of the hash.
 * The full 64-bit hash of each entry is kept, so probes compare keys only
 * when the hashes agree and growing never rehashes a key.
 *
 * Keys come from outside (unit tags, names in a replay), so the hash is
 * SipHash-1-3 under a key each map draws from getrandom(2) when it first
 * grows: no input can choose keys that collide and turn probing quadratic.
 * Iteration follows insertion, so outputs do not depend on the key.
 */
#include <sys/random.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "die.h"
#include "hashmap.h"

#define ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do {							\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

static uint64_t
load64(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;	/* host order: the hash never leaves the process */
}

/* SipHash-1-3 of key under the map's key. */
static uint64_t
hash_bytes(const struct hashmap *m, const void *key, size_t len)
{
	const unsigned char *p = key, *end = p + (len & ~(size_t)7);
	uint64_t v0 = m->seed[0] ^ 0x736f6d6570736575ull;
	uint64_t v1 = m->seed[1] ^ 0x646f72616e646f6dull;
	uint64_t v2 = m->seed[0] ^ 0x6c7967656e657261ull;
	uint64_t v3 = m->seed[1] ^ 0x7465646279746573ull;
	uint64_t b = (uint64_t)len << 56, w;
	size_t left = len & 7;

	for (; p < end; p += 8) {
		w = load64(p);
		v3 ^= w;
		SIPROUND;
		v0 ^= w;
	}
	while (left-- > 0)
		b |= (uint64_t)p[left] << (8 * left);
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/*
 * A fresh key for a map. getrandom(2) has not failed on a Linux since 3.17
 * once booted; should it, the clock and addresses still vary per process,
 * and the library never exits.
 */
static void
draw_seed(struct hashmap *m)
{
	struct timespec ts;

	if (getrandom(m->seed, sizeof m->seed, 0) == (ssize_t)sizeof m->seed)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	m->seed[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^
	    (uint64_t)(uintptr_t)m;
	m->seed[1] = (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 32 ^
	    (uint64_t)(uintptr_t)&ts;
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
	if (m->index_cap == 0 && m->n == 0)
		draw_seed(m);
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
	slot = find_slot(m, hash_bytes(m, key, len), key, len);
	return *slot ? &m->entries[*slot - 1].value : NULL;
}

size_t *
hashmap_put(struct hashmap *m, const void *key, size_t len, int *added)
{
	struct hashmap_entry *e;
	size_t *slot;
	uint64_t h;

	if ((m->n + 1) * 2 > m->index_cap)
		grow_index(m);
	h = hash_bytes(m, key, len);	/* after a first grow drew the key */
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
