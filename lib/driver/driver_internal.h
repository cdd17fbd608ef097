/*
 * driver_internal.h - the driver's state, shared by the files of lib/driver
 *
 * One struct that every concern of the driver reads and writes (the loop,
 * the queue, the jobs, landing, the slots, the state folder): the concerns
 * are split into files, the state is not, because each step of the loop
 * touches several of them. Nothing outside lib/driver includes this.
 */
#ifndef DRIVER_INTERNAL_H
#define DRIVER_INTERNAL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gate.h"
#include "hashcache.h"
#include "job.h"
#include "ledger.h"
#include "scan.h"
#include "queue.h"
#include "state.h"
#include "workers.h"

struct driver_options;

struct driver {
	const struct driver_options *o;
	struct ledger ledger;
	char *program[PROGRAMS];	/* found at start-up (state.c) */
	struct input_queue replays, experience;
	struct own_files own;	/* never inputs, wherever they sit */
	struct hashcache hashes;	/* STATE/hashes.cache: files already read */
	double hashes_saved_at;		/* monotonic */
	struct job *jobs;
	size_t n_jobs;
	int slots;
	struct gate_probe *probe;
	struct workers_usage usage;
	int verdict;
	sigset_t open;		/* the signals the event wait lets in */
	int joblog;		/* STATE/joblog.tsv, appended to */
	int io_failed;		/* a write of our state failed: stop, exit 74 */
	int64_t *pending;	/* recorded analysis jobs waiting to be merged */
	size_t n_pending;
	size_t stats_printed_at;	/* d->finished when the block was last printed */
	char *merge_log;		/* merge-results' messages */
	double gate_closed_since;	/* once: when the gate last closed with nothing running */
	char *status_last;		/* status.json as last written, but its CPU time */
	double status_written_at;	/* monotonic */
	int gave_up;
	/* --on-merge: one command at a time; merges meanwhile are run for once */
	char *hook_log;			/* STATE/hook.log: the commands' output */
	pid_t hook_pid;			/* the running command, or 0 */
	enum job_kind hook_kind;	/* ...after a merge of this kind */
	double hook_started;		/* monotonic */
	double hook_stopped_at;		/* when it was sent SIGTERM; 0: not sent */
	int hook_killed;		/* ...and SIGKILL after --grace */
	int hook_due[2];		/* by job_kind: merged since the command last started */
	int hooks_stopping;		/* exiting on a signal: start none */
	size_t hooks_failed;
	/* statistics, as the old tool printed them */
	size_t replays_analyzed, models_trained, errors, finished;
	double processing;
};

#endif
