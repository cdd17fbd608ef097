/*
 * driver.c - bgtrain: the suite's programs in parallel behind the gate
 *
 * One loop, woken by a child's exit, a change in an input folder
 * (inotify) or a tick a second: look at what changed, sample the gate
 * (leaving out our own workers), reap finished jobs, merge their results,
 * start new jobs while the gate is open. Each job is a child process running one of
 * the suite's programs; its exit status is its verdict and the files it
 * writes into its job folder say which inputs it refused. Exactly once
 * comes from the ledger (ledger.c) and from merges that are idempotent.
 *
 * The concerns live apart: events.c (signals and the one wait), queue.c,
 * scan.c and watch.c (the inputs, watched; own.c: never the driver's own
 * files), job.c (starting
 * jobs, their command lines), land.c (verdicts, merges, crash recovery),
 * slots.c (the gate, --jobs auto, which job starts or stops), state.c
 * (the set-up checked at start, lock, status file, job log), bot.c (the
 * bot's own folder), publish.c (--deploy and --on-merge after a merge),
 * train_flags.c and analysis_flags.c (the jobs' settings), analysis.c
 * (the learned file's filter at start, --relearn), status.c (the status
 * subcommand), executor*.c (what runs a job: a child here, or a batch job
 * on a Slurm cluster). This file holds the loop.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "analysis.h"
#include "atomic.h"
#include "clock.h"
#include "die.h"
#include "driver.h"
#include "driver_internal.h"
#include "events.h"
#include "filenames.h"
#include "console.h"
#include "land.h"
#include "metrics.h"
#include "path.h"
#include "publish.h"
#include "scan.h"
#include "slots.h"
#include "state.h"
#include "status_file.h"

void
driver_defaults(struct driver_options *o)
{
	memset(o, 0, sizeof *o);
	o->jobs = 2;
	o->priority = PRIORITY_TRAINING;
	o->replay_batch = 100;
	o->train_batch = 10;
	o->stats_every = 5;
	o->grace = 30;
	o->job_timeout = 3600;
	o->settle = 2;
	o->tick = 1;
	o->dashboard_every = 30;
	o->adopt_stale_tmp = -1;
	o->poll = -1;
	o->yield.nice = 10;
	o->yield.io = SPAWN_IO_IDLE;
	o->log_max = 10 << 20;
	train_flags_unset(&o->train);
	gate_thresholds_default(&o->gate);
	analysis_flags_unset(&o->analysis);
}

/*
 * The state folder, its lock (*lock), the work folder and the ledger.
 * Returns 0, or the exit status after saying why.
 */
static int
open_state(struct driver *d, int *lock)
{
	const char *state = d->o->state;
	size_t damaged = 0;
	int rc;

	/* Set-up errors stop here, each with its own status (state.c). */
	if ((rc = setup_check(d->o, d->program)) != 0 ||
	    (rc = d->exec->check(d)) != 0)
		return rc;
	if ((*lock = state_lock(state)) < 0) {
		char holder[320];

		/* Only a lock held by another is "try later"; a failure is said. */
		if (errno != EWOULDBLOCK)
			return state_file_error(state, "driver.lock");
		state_lock_holder(state, holder, sizeof holder);
		warnmsg("%s: %s is working on this state folder", state, holder);
		return EX_TEMPFAIL;
	}
	if (ledger_open(&d->ledger, state, 1, &damaged) < 0) {
		rc = state_ledger_error(state, damaged);
		close(*lock);
		return rc;
	}
	/* A job log that cannot be written is said now, not found empty later. */
	if ((d->joblog = state_open_joblog(state)) < 0) {
		rc = state_file_error(state, "joblog.tsv");
		ledger_close(&d->ledger);
		close(*lock);
		return rc;
	}
	/* Settings the learned file was not made with would fail every merge. */
	if (d->o->replays && (rc = analysis_start(d)) != 0) {
		close(d->joblog);
		ledger_close(&d->ledger);
		close(*lock);
		return rc;
	}
	return 0;
}

/*
 * What a driver killed while it replaced its own files left (their
 * temporary siblings), under the lock that no other driver holds now.
 */
static void
remove_stale(const char *state)
{
	static const char *const names[] = { "status.json", "hashes.cache" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *p = path_join(state, names[i]);

		atomic_remove_stale(p);
		free(p);
	}
}

static void
driver_free_programs(struct driver *d)
{
	int p;

	for (p = 0; p < PROGRAMS; p++) {
		free(d->program[p]);
		d->program[p] = NULL;
	}
}

/* What changed in the input folders (a tick: and what waits to settle). */
static void
look(struct driver *d, double t, int ticked)
{
	struct input_queue *q[2] = { &d->replays, &d->experience };
	size_t i;

	for (i = 0; i < 2; i++) {
		if (q[i]->dir == NULL)
			continue;
		scan_events(q[i], t);
		if (ticked)
			scan_tick(q[i], t);
		/* Each unreadable input is named once, and counts once. */
		d->errors += q[i]->noted;
		q[i]->noted = 0;
	}
}

/*
 * While the driver runs, the hashes it learnt are written at most this
 * often: a crash loses only the last ones, which are read again.
 */
#define HASHES_SAVE_EVERY 60.0

static void
save_hashes(struct driver *d, double t)
{
	/* A driver stopping on a failed write has said why: one line is enough. */
	if (d->io_failed)
		return;
	if (hashcache_save(&d->hashes) < 0)
		warnmsg("%s: %s (files are hashed again at the next start)",
		    d->hashes.path, strerror(errno));
	d->hashes_saved_at = t;
}

/* A tick: the ledger, the gate, the status file, the hashes learnt. */
static void
tick(struct driver *d, double t)
{
	/* What the ledger knows is never queued again. */
	queue_ready(d, &d->replays);
	queue_ready(d, &d->experience);
	slots_sample(d, t);
	if (d->verdict == GATE_FAR)
		slots_stop_youngest(d);
	status_file_write(d, 0);
	metrics_system(d, t, 0);
	metrics_dashboard(d, t, 0);
	console_draw(d);
	/* No job of the ledger is held here: the tail may be folded in. */
	if (ledger_maybe_compact(&d->ledger) < 0)
		state_io_failed(d, "%s: %s", d->ledger.snap_path, strerror(errno));
	if (d->hashes.changed && t - d->hashes_saved_at >= HASHES_SAVE_EVERY)
		save_hashes(d, t);
}

/* once: nothing runs, nothing is ready, nothing is still settling. */
static int
all_done(struct driver *d)
{
	return d->n_jobs == 0 && queue_ready(d, &d->replays) == 0 &&
	    queue_ready(d, &d->experience) == 0 &&
	    queue_unsettled(d, &d->replays) == 0 &&
	    queue_unsettled(d, &d->experience) == 0;
}

int
driver_run(const struct driver_options *given, int once)
{
	struct driver d;
	struct driver_options copy;
	char *owned[EXECUTOR_PATHS];
	const struct driver_options *o = executor_options(given, &copy, owned);
	double next_tick = 0;
	int lock, status, stop, p, fds[2];

	memset(&d, 0, sizeof d);
	d.joblog = -1;
	d.o = o;
	d.exec = executor_of(o);
	d.slots = o->jobs > 0 ? o->jobs : 1;
	d.verdict = GATE_OPEN;
	if ((status = open_state(&d, &lock)) != 0) {
		d.exec->close(&d);
		driver_free_programs(&d);
		for (p = 0; p < EXECUTOR_PATHS; p++)
			free(owned[p]);
		return status;
	}
	d.merge_log = path_join(o->state, "merge.log");
	d.hook_log = path_join(o->state, "hook.log");
	d.experience.adopt = o->adopt_stale_tmp >= 0;
	d.experience.adopt_after = o->adopt_stale_tmp;
	own_init(&d.own, o);
	remove_stale(o->state);
	hashcache_load(&d.hashes, o->state);
	d.replays.cache = d.experience.cache = &d.hashes;
	d.hashes_saved_at = monotonic_seconds();
	if (o->replays)
		scan_init(&d.replays, o->replays, replay_input_wanted, &d.own,
		    o->settle, o->poll);
	if (o->experience)
		scan_init(&d.experience, o->experience, experience_wanted, &d.own,
		    o->settle, o->poll);
	d.probe = gate_probe_new(NULL);
	slots_host_open(&d);
	workers_usage_init(&d.usage);
	events_init(&d.open);
	metrics_open(&d);
	console_init(&d);

	land_recover(&d);
	d.exec->recover(&d);
	publish_recover(&d);
	/*
	 * A write of our state that failed (a full disk), or a set-up error a
	 * job found, stops us as a signal would.
	 */
	while (!events_stopped() && !d.io_failed && !d.fatal) {
		double t = monotonic_seconds();

		land_reap(&d, 0);
		slots_enforce_timeout(&d, t);
		publish_poll(&d, t);
		look(&d, t, t >= next_tick);
		if (t >= next_tick) {
			next_tick = t + o->tick;
			tick(&d, t);
		}
		/* A stop that came during a scan or a merge: start nothing new. */
		events_take_pending_stop();
		if (d.verdict == GATE_OPEN && !events_stopped() && !d.io_failed &&
		    !d.fatal)
			slots_start_jobs(&d);
		land_merge_pending(&d);
		if (once && slots_gave_up(&d, t))
			break;
		if (once && all_done(&d) && next_tick > t)
			break;
		fds[0] = scan_fd(&d.replays);
		fds[1] = scan_fd(&d.experience);
		/* The folders' events, the signals, the tick, and the executor's polls. */
		events_wait_fds(&d.open, d.exec->wait(&d, next_tick -
		    monotonic_seconds()), fds, 2);
	}
	console_end(&d);
	if ((stop = events_stopped()) != 0 || d.io_failed || d.fatal) {
		d.hooks_stopping = 1;	/* no --on-merge starts for the merges below */
		slots_stop_all(&d);
	}
	land_merge_pending(&d);
	publish_finish(&d, stop != 0 || d.io_failed || d.fatal);
	if (stop == 0)
		stop = events_stopped();	/* while once waited for --on-merge */
	state_print_stats(&d);
	status_file_write(&d, 1);
	save_hashes(&d, monotonic_seconds());
	metrics_system(&d, monotonic_seconds(), 1);
	metrics_dashboard(&d, monotonic_seconds(), 1);
	metrics_close(&d);
	/* Losing what was done is the worst outcome: said first. */
	status = d.io_failed ? EX_IOERR : d.fatal ? d.fatal : stop == SIGINT ? 130 :
	    stop == SIGTERM ? 143 : d.gave_up ? EX_TEMPFAIL :
	    d.errors ? EX_DATAERR : 0;
	if (d.joblog >= 0)
		close(d.joblog);
	workers_usage_free(&d.usage);
	slots_host_close(&d);
	gate_probe_free(d.probe);
	d.exec->close(&d);
	scan_free(&d.replays);
	scan_free(&d.experience);
	own_free(&d.own);
	hashcache_free(&d.hashes);
	ledger_close(&d.ledger);
	free(d.jobs);
	free(d.pending);
	free(d.merge_log);
	free(d.status_last);
	free(d.status_key);
	free(d.hook_log);
	driver_free_programs(&d);
	for (p = 0; p < EXECUTOR_PATHS; p++)
		free(owned[p]);
	close(lock);
	return status;
}
