/*
 * progress.c - a one-line progress meter on a terminal
 *
 * Drawn on stderr only when it is a terminal, so pipes and cron logs stay
 * clean; redrawn at most ten times a second, so it costs nothing per replay.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "clock.h"
#include "die.h"
#include "progress.h"

/* Whether a line is on the screen now: other messages erase it first. */
static int shown;

void
progress_interrupt(void)
{
	if (shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		shown = 0;
	}
}

void
progress_start(struct progress *p, int on, size_t total)
{
	p->on = on;
	p->total = total;
	p->started = monotonic_seconds();
	p->last_draw = 0;
}

/* Whether to draw now: the terminal is not redrawn faster than it is read. */
static int
due(struct progress *p, size_t done)
{
	double t;

	if (!p->on)
		return 0;
	t = monotonic_seconds();
	if (t - p->last_draw < 0.1 && done < p->total)
		return 0;
	p->last_draw = t;
	return 1;
}

void
progress_text(struct progress *p, size_t done, const char *fmt, ...)
{
	va_list ap;

	if (!due(p, done))
		return;
	fprintf(stderr, "\r\033[K%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	shown = 1;
}

void
progress_update(struct progress *p, size_t done, size_t errors)
{
	if (!p->on)
		return;
	progress_text(p, done, "%zu/%zu replays (%d%%), %zu unusable, %.1fs",
	    done, p->total, p->total ? (int)(done * 100 / p->total) : 100, errors,
	    monotonic_seconds() - p->started);
}

void
progress_end(struct progress *p)
{
	if (p->on) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		shown = 0;
	}
}
