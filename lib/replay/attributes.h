/* attributes.h - replay.attributes.events: the lobby's settings */
#ifndef ATTRIBUTES_H
#define ATTRIBUTES_H

#include <stddef.h>
#include <stdint.h>

#include "protocol.h"
#include "strbuf.h"

/*
 * A real member holds a few hundred records (16 scopes of a few dozen
 * attributes: under 10 KB); a MiB is no lobby.
 */
#define ATTRIBUTES_LIMIT	(1u << 20)

struct attribute {
	uint32_t id;
	uint8_t scope;		/* 1-15 a lobby slot, ATTR_SCOPE_GLOBAL the game */
	/* The value as text: its bytes in reading order, NULs dropped at both
	 * ends as s2protocol does; binary values stay as they are. */
	char value[ATTR_VALUE_SIZE + 1];
};

struct attributes {
	struct attribute *v;
	size_t n;
};

/*
 * Read the member data[0..size). Returns 0 with *a filled (release it with
 * attributes_free()), or -1 with a reason appended to why and *a empty.
 */
int attributes_parse(struct attributes *a, const uint8_t *data, size_t size,
		     struct strbuf *why);
void attributes_free(struct attributes *a);

#endif
