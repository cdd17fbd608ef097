/*
 * progress.c - a one-line progress meter on a terminal
 *
 * Drawn on stderr only when it is a terminal, so pipes and cron logs stay
 * clean; redrawn at most ten times a second, so it costs nothing per replay.
 */
#include <stdio.h>
#include <time.h>

#include "clock.h"
#include "die.h"
#include "progress.h"

void
progress_start(struct progress *p, int on, size_t total)
{
	p->on = on;
	p->total = total;
	p->started = monotonic_seconds();
	p->last_draw = 0;
}

void
progress_update(struct progress *p, size_t done, size_t errors)
{
	double t;

	if (!p->on)
		return;
	t = monotonic_seconds();
	if (t - p->last_draw < 0.1 && done < p->total)
		return;
	p->last_draw = t;
	fprintf(stderr, "\r\033[K%s: %zu/%zu replays (%d%%), %zu unusable, %.1fs",
	    progname, done, p->total,
	    p->total ? (int)(done * 100 / p->total) : 100, errors, t - p->started);
	fflush(stderr);
}

void
progress_end(struct progress *p)
{
	if (p->on) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}
