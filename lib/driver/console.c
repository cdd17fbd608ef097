/*
 * console.c - the driver's one status line on a terminal
 *
 * Someone who starts `bgtrain run` in a terminal wants to see it work
 * without reading the history: one line, redrawn each tick, says what runs,
 * what is done and waiting, whether the gate lets work start and why not,
 * and how the policy's last mean return stands. On a pipe or under cron it
 * is never drawn (progress.c decides), so logs stay clean; other messages
 * erase it first (die.c), so they are never mixed into it.
 */
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "console.h"
#include "driver.h"
#include "driver_internal.h"
#include "gate.h"
#include "progress.h"
#include "queue.h"

void
console_init(struct driver *d)
{
	progress_start(&d->console, isatty(STDERR_FILENO) && !d->o->quiet, 0);
}

static void
figure(struct strbuf *sb, const char *name, double v, const char *unit,
       double limit)
{
	sb_printf(sb, "%s%s ", sb->len ? ", " : "", name);
	if (v < 0)
		sb_adds(sb, "unmeasured");
	else
		sb_printf(sb, "%.3g%s over %g", v, unit, limit);
}

void
console_gate_reason(const struct driver *d, struct strbuf *sb)
{
	const struct gate_sample *s = &d->sample;
	const struct gate_thresholds *t = &d->o->gate;
	size_t start = sb->len;
	int i;

	if (d->verdict == GATE_OPEN)
		return;
	if (!d->sample_ok) {
		sb_adds(sb, "cannot measure");
		return;
	}
	if (gate_level(s, t, GATE_CPU))
		figure(sb, "cpu", s->cpu, "%", t->cpu);
	if (gate_level(s, t, GATE_MEM))
		figure(sb, "mem", s->mem, "%", t->mem);
	if (gate_level(s, t, GATE_LOAD))
		figure(sb, "load", s->load_per_core, "", t->load);
	for (i = 0; i < s->ngpus; i++) {
		if (t->gpu_util >= 0 && (s->gpus[i].util < 0 || s->gpus[i].util > t->gpu_util))
			figure(sb, "gpu util", s->gpus[i].util, "%", t->gpu_util);
		if (t->gpu_mem >= 0 && (s->gpus[i].mem < 0 || s->gpus[i].mem > t->gpu_mem))
			figure(sb, "gpu mem", s->gpus[i].mem, "%", t->gpu_mem);
	}
	if (sb->len == start)
		sb_adds(sb, "over");
}

void
console_draw(struct driver *d)
{
	struct strbuf why = { 0 };
	size_t queued = 0, i;
	char mean[32] = "-";

	if (!d->console.on)
		return;
	for (i = 0; i < d->replays.n; i++)
		queued += d->replays.v[i].state == INPUT_NEW;
	for (i = 0; i < d->experience.n; i++)
		queued += d->experience.v[i].state == INPUT_NEW;
	console_gate_reason(d, &why);
	if (isfinite(d->last_mean_return))
		snprintf(mean, sizeof mean, "%.4g", d->last_mean_return);
	progress_text(&d->console, 0, "%zu running, %zu done, %zu queued; gate %s%s%s%s; "
	    "mean return %s", d->n_jobs, d->finished, queued,
	    d->verdict == GATE_OPEN ? "open" : "shut", why.len ? " (" : "",
	    why.len ? why.data : "", why.len ? ")" : "", mean);
	sb_free(&why);
}

void
console_end(struct driver *d)
{
	progress_end(&d->console);
}
