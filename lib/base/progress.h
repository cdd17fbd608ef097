/* progress.h - a one-line progress meter on a terminal */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <stddef.h>

struct progress {
	int on;			/* stderr is a terminal and not --quiet */
	size_t total;
	double last_draw;	/* monotonic seconds */
	double started;
};

void progress_start(struct progress *p, int on, size_t total);
/* Redraw at most ten times a second; done of total, errors so far. */
void progress_update(struct progress *p, size_t done, size_t errors);
/*
 * The same, for a line of the caller's words after "PROGNAME: " (an epoch,
 * not replays): drawn at most ten times a second, and always at done == total.
 */
void progress_text(struct progress *p, size_t done, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Erase the line. */
void progress_end(struct progress *p);
/*
 * Erase whatever line is drawn, before another message goes to the
 * terminal (die.c calls it); the next update draws it again.
 */
void progress_interrupt(void);

#endif
