/* tracker.h - the stream of replay.tracker.events */
#ifndef TRACKER_H
#define TRACKER_H

#include <stddef.h>
#include <stdint.h>

#include "versioned.h"

enum tracker_event_id {
	EV_PLAYER_STATS = 0, EV_UNIT_BORN = 1, EV_UNIT_DIED = 2,
	EV_UNIT_OWNER_CHANGE = 3, EV_UNIT_TYPE_CHANGE = 4, EV_UPGRADE = 5,
	EV_UNIT_INIT = 6, EV_UNIT_DONE = 7, EV_UNIT_POSITIONS = 8,
	EV_PLAYER_SETUP = 9
};

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
/* 1 with *ev filled, 0 at the end, -1 with *why on damaged data. */
int tracker_next(struct tracker *t, struct tracker_event *ev, const char **why);
void tracker_free(struct tracker *t);

#endif
