/*
 * attributes.c - replay.attributes.events: the lobby's settings
 *
 * The one member of fixed layout (protocol.h): no versioned encoding to
 * decode, only records of thirteen bytes. The record count is checked
 * against the bytes present before anything is allocated, so a hostile
 * count costs nothing; a member whose size is not exactly its records is
 * refused whole, since the game's kind is read from it and a guess there
 * would count a co-op game as a ladder one.
 */
#include <stdlib.h>
#include <string.h>

#include "attributes.h"
#include "bytes.h"
#include "die.h"

/* The four value bytes hold text backwards, NUL-padded on either side. */
static void
value_text(char *out, const uint8_t *p)
{
	uint8_t text[ATTR_VALUE_SIZE];
	size_t lo = 0, hi = ATTR_VALUE_SIZE, i;

	for (i = 0; i < ATTR_VALUE_SIZE; i++)
		text[i] = p[ATTR_VALUE_SIZE - 1 - i];
	while (lo < hi && text[lo] == 0)
		lo++;
	while (hi > lo && text[hi - 1] == 0)
		hi--;
	memcpy(out, text + lo, hi - lo);
	out[hi - lo] = '\0';
}

int
attributes_parse(struct attributes *a, const uint8_t *data, size_t size,
		 struct strbuf *why)
{
	size_t count, i;

	memset(a, 0, sizeof *a);
	if (size < ATTR_HEADER_SIZE) {
		sb_printf(why, "%s: %zu bytes, shorter than its header",
		    MEMBER_ATTRIBUTES, size);
		return -1;
	}
	count = le32(data + ATTR_COUNT_OFFSET);
	if ((size - ATTR_HEADER_SIZE) % ATTR_RECORD_SIZE != 0 ||
	    (size - ATTR_HEADER_SIZE) / ATTR_RECORD_SIZE != count) {
		sb_printf(why, "%s: %zu records said, %zu bytes of them present",
		    MEMBER_ATTRIBUTES, count, size - ATTR_HEADER_SIZE);
		return -1;
	}
	a->v = xcalloc(count + 1, sizeof a->v[0]);
	a->n = count;
	for (i = 0; i < count; i++) {
		const uint8_t *r = data + ATTR_HEADER_SIZE + i * ATTR_RECORD_SIZE;

		a->v[i].id = le32(r + ATTR_ID_OFFSET);
		a->v[i].scope = r[ATTR_SCOPE_OFFSET];
		value_text(a->v[i].value, r + ATTR_VALUE_OFFSET);
	}
	return 0;
}

void
attributes_free(struct attributes *a)
{
	free(a->v);
	memset(a, 0, sizeof *a);
}
