/* tracker.h - the stream of replay.tracker.events */
#ifndef TRACKER_H
#define TRACKER_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"
#include "versioned.h"

struct tracker {
	struct vdecoder d;
	uint32_t loop;		/* running game loop; wraps as the game's does */
};

struct tracker_event {
	uint32_t loop;
	int64_t id;
	const struct vvalue *body;	/* valid until the next tracker_next() */
};

void tracker_init(struct tracker *t, const uint8_t *data, size_t size);
/*
 * 1 with *ev filled, 0 at the end, -1 on damaged data with a reason
 * naming the member appended to why.
 */
int tracker_next(struct tracker *t, struct tracker_event *ev,
		 struct strbuf *why);
void tracker_free(struct tracker *t);

#endif
