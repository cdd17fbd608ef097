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
/* Erase the line. */
void progress_end(struct progress *p);

#endif
