/* flat.h - one flat JSON object scanned in place: a child's --json line */
#ifndef FLAT_H
#define FLAT_H

#include <stddef.h>

/* One member whose value is a number: its key and its text as written. */
struct flat_number {
	const char *key;	/* not NUL-terminated: key_len bytes */
	size_t key_len;
	const char *text;	/* the number's own text, valid JSON... */
	size_t text_len;
	double value;		/* ...and what it reads as */
};

/*
 * The number members of the JSON object in s[0..len), in their order, at
 * most max into out; strings, true, false, null, arrays and objects are
 * passed over (the latter checked only for balance). Keys with escapes are
 * passed over too (ours have none). Returns how many were found, or -1
 * when s is not one object.
 */
int flat_numbers(const char *s, size_t len, struct flat_number *out, size_t max);
/* The member named key, or NULL. */
const struct flat_number *flat_find(const struct flat_number *v, int n,
				    const char *key);

#endif
