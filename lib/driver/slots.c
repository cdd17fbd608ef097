/*
 * slots.c - how many jobs may run, which start next, which stop
 *
 * The gate protects the machine's other users from us, so our own workers'
 * CPU and memory are left out of its sample: otherwise the driver would
 * stop its own jobs for the load they make. "Far over" stops only the
 * youngest job, the one that has done the least work.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "die.h"
#include "driver.h"
#include "driver_internal.h"
#include "events.h"
#include "land.h"
#include "slots.h"

/* once gives up (exit 75) after the gate stayed closed this long. */
#define ONCE_GATE_PATIENCE 600
/* What --jobs auto sets aside for each worker it adds. */
#define AUTO_WORKER_MEMORY (512.0 * 1024 * 1024)

/* As many workers as free CPUs, and as free memory can hold. */
static int
auto_slots(const struct gate_sample *s)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	double free_cpus = (double)cpus * (100.0 - s->cpu) / 100.0;
	double free_mem = (100.0 - s->mem) / 100.0 * (double)s->mem_total;
	int by_mem = (int)(free_mem / AUTO_WORKER_MEMORY);
	int slots = (int)(free_cpus + 0.5);

	/* What cannot be measured leaves no room to spare: one worker. */
	if (s->cpu < 0 || s->mem < 0 || s->mem_total == 0)
		return 1;
	if (by_mem < slots)
		slots = by_mem;
	if (slots < 1)
		slots = 1;
	if (slots > cpus)
		slots = (int)cpus;
	return slots;
}

void
slots_sample(struct driver *d, double t)
{
	struct gate_sample s;
	pid_t *pids;
	size_t i;

	/* The scheduler owns a cluster's nodes: the local gate is not asked. */
	if (!d->exec->gated) {
		d->verdict = GATE_OPEN;
		return;
	}
	pids = xcalloc(d->n_jobs + 1, sizeof pids[0]);
	for (i = 0; i < d->n_jobs; i++)
		pids[i] = d->jobs[i].pid;
	workers_usage_sample(&d->usage, pids, d->n_jobs, t);
	free(pids);
	if (gate_measure(d->probe, 0, &s) < 0) {
		/* A gate that cannot measure is shut, never open. */
		d->verdict = GATE_OVER;
		d->sample_ok = 0;
		return;
	}
	gate_exclude(&s, d->usage.cpu_percent, d->usage.mem_percent);
	d->sample = s;
	d->sample_ok = 1;
	d->verdict = gate_verdict(&s, &d->o->gate);
	d->slots = d->o->jobs > 0 ? d->o->jobs : auto_slots(&s);
}

void
slots_stop_youngest(struct driver *d)
{
	size_t i, young = 0;

	if (d->n_jobs == 0)
		return;
	for (i = 1; i < d->n_jobs; i++)
		if (d->jobs[i].started > d->jobs[young].started)
			young = i;
	if (!d->jobs[young].requeue) {
		d->jobs[young].requeue = 1;
		d->exec->signal(d, &d->jobs[young], SIGTERM);
	}
}

static int
training_busy(const struct driver *d, int *init_running)
{
	size_t i;
	int n = 0;

	*init_running = 0;
	for (i = 0; i < d->n_jobs; i++) {
		if (d->jobs[i].kind == JOB_TRAINING) {
			n++;
			*init_running |= d->jobs[i].init;
		}
	}
	return n;
}

/* One job of kind on up to batch ready inputs; 1 when one started. */
static int
start_kind(struct driver *d, enum job_kind kind, size_t batch, int init)
{
	struct input_queue *s = queue_of(d, kind);
	struct queued_input **in = xcalloc(batch, sizeof in[0]);
	size_t n;
	int rc;

	queue_ready(d, s);	/* what landed since the last tick */
	/* Training takes the oldest games first; replays go in path order. */
	n = queue_pick(s, batch, kind == JOB_TRAINING, in);
	rc = n ? job_start(d, kind, in, n, init) == 0 : 0;
	free(in);
	return rc;
}

static int
start_training(struct driver *d)
{
	int init_running, init, busy;

	if (d->o->experience == NULL)
		return 0;
	busy = training_busy(d, &init_running);
	init = access(d->o->model, F_OK) < 0;
	/* Until the model exists, one job creates it and the others wait. */
	if (init_running || (init && busy > 0))
		return 0;
	return start_kind(d, JOB_TRAINING, d->o->train_batch, init);
}

static int
start_analysis(struct driver *d)
{
	if (d->o->replays == NULL)
		return 0;
	return start_kind(d, JOB_ANALYSIS, d->o->replay_batch, 0);
}

void
slots_start_jobs(struct driver *d)
{
	while ((int)d->n_jobs < d->slots) {
		int started = d->o->priority == PRIORITY_TRAINING ?
		    start_training(d) || start_analysis(d) :
		    start_analysis(d) || start_training(d);

		if (!started)
			break;
	}
}

void
slots_stop_all(struct driver *d)
{
	double deadline = monotonic_seconds() + d->o->grace, left;
	size_t i;

	for (i = 0; i < d->n_jobs; i++) {
		d->jobs[i].requeue = 1;	/* not done: their inputs run next time */
		d->exec->signal(d, &d->jobs[i], SIGTERM);
	}
	for (;;) {
		land_reap(d, 0);
		left = deadline - monotonic_seconds();
		if (d->n_jobs == 0 || left <= 0)
			break;
		events_wait(&d->open, d->exec->wait(d, left));
	}
	for (i = 0; i < d->n_jobs; i++)
		d->exec->signal(d, &d->jobs[i], SIGKILL);
	land_reap(d, 1);
}

void
slots_enforce_timeout(struct driver *d, double t)
{
	size_t i;

	if (d->o->job_timeout <= 0)
		return;
	for (i = 0; i < d->n_jobs; i++) {
		struct job *j = &d->jobs[i];

		/*
		 * One stopped by the gate or the exit has its own deadline; one
		 * the scheduler has not started yet has not begun to run.
		 */
		if (j->requeue || j->waiting)
			continue;
		if (j->timed_out == 0 && t - j->started >= d->o->job_timeout) {
			j->timed_out = t;
			d->exec->signal(d, j, SIGTERM);
		} else if (j->timed_out > 0 && !j->killed &&
		    t - j->timed_out >= d->o->grace) {
			j->killed = 1;
			d->exec->signal(d, j, SIGKILL);
		}
	}
}

/*
 * once, for cron: if the gate stays closed with nothing running for
 * ONCE_GATE_PATIENCE seconds, give up (exit 75) rather than block the next
 * cron run; the work waits for it.
 */
int
slots_gave_up(struct driver *d, double t)
{
	if (d->verdict == GATE_OPEN || d->n_jobs > 0) {
		d->gate_closed_since = 0;
		return 0;
	}
	if (d->gate_closed_since == 0)
		d->gate_closed_since = t;
	if (t - d->gate_closed_since < ONCE_GATE_PATIENCE)
		return 0;
	warnmsg("the gate stayed closed for %d seconds: giving up until the next run",
	    ONCE_GATE_PATIENCE);
	d->gave_up = 1;
	return 1;
}
