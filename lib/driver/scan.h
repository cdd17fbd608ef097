/* scan.h - the driver's view of its input folders */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>

#include "own.h"
#include "queue.h"

/*
 * Set s up to look at every file below dir that keep() accepts, leaving
 * out the driver's own (own, or NULL). poll < 0: watch the tree with
 * inotify, unless dir is on a network file system (then, and when inotify
 * cannot be had, said once and walked every 30 s); poll > 0: walk it every
 * poll seconds; 0: only when asked (scan_walk).
 */
void scan_init(struct input_queue *s, const char *dir, int (*keep)(const char *),
	       const struct own_files *own, double settle, double poll);
/*
 * Walk the whole tree. A file is hashed once it has stopped changing for
 * settle seconds (the bot may still be writing it); files that
 * disappeared are dropped unless a job is using them. What has an input's
 * name but cannot be read is named on stderr once (s->noted counts them)
 * and kept as INPUT_UNREADABLE; a folder that is gone is said once a
 * minute. With s->adopt, the bot's *.tmp.npz are taken too once they are
 * s->adopt_after seconds old (by modification time); younger ones are
 * only noted, to be looked at when they are old enough. Returns how many
 * files became ready to queue.
 */
size_t scan_walk(struct input_queue *s, double now);
/* scan_init (the first time, never watching) and scan_walk: one look. */
size_t scan_folder(struct input_queue *s, const char *dir, int (*keep)(const char *),
		   const struct own_files *own, double now, double settle);
/*
 * What inotify says happened since the last call, each path it names
 * looked at (a new folder walked and watched); lost events, a folder
 * renamed and the root gone are one walk of the whole tree. Does not
 * wait. Returns how many events there were.
 */
long scan_events(struct input_queue *s, double now);
/*
 * A tick: the whole walk when it is due (polling, or the root is missing),
 * else only the files that wait (settling, or too young to adopt).
 */
void scan_tick(struct input_queue *s, double now);
/* The descriptor whose readiness says events came, or -1. */
int scan_fd(const struct input_queue *s);
void scan_free(struct input_queue *s);

#endif
