/*
 * tracker.c - the stream of replay.tracker.events
 *
 * The member is a run of [loop delta][event id][event struct], each a
 * versioned value. The delta is a choice whose value is the number of loops
 * since the previous event; the running loop is a uint32 and wraps, as the
 * game's does (one public replay depends on it).
 */
#include "tracker.h"

void
tracker_init(struct tracker *t, const uint8_t *data, size_t size)
{
	vd_init(&t->d, data, size);
	t->loop = 0;
}

int
tracker_next(struct tracker *t, struct tracker_event *ev, struct strbuf *why)
{
	const struct vvalue *delta, *id, *body;

	vd_reset(&t->d);
	if (vd_at_end(&t->d))
		return 0;
	if ((delta = vd_value(&t->d)) == NULL || (id = vd_value(&t->d)) == NULL ||
	    (body = vd_value(&t->d)) == NULL) {
		sb_printf(why, "%s: %s", MEMBER_TRACKER, t->d.error);
		return -1;
	}
	if (delta->type != V_CHOICE || id->type != V_INT || body->type != V_STRUCT) {
		sb_printf(why, "%s: tracker event of an unexpected shape",
		    MEMBER_TRACKER);
		return -1;
	}
	t->loop += (uint32_t)vv_int(delta->kids, 0);
	ev->loop = t->loop;
	ev->id = id->i;
	ev->body = body;
	return 1;
}

void
tracker_free(struct tracker *t)
{
	vd_free(&t->d);
}
