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

#include "executor.h"
#include "gate.h"
#include "hashcache.h"
#include "history.h"
#include "job.h"
#include "ledger.h"
#include "progress.h"
#include "scan.h"
#include "queue.h"
#include "state.h"
#include "workers.h"

struct driver_options;

/* An analysis job's output waiting for its merge, with what the history wants of it. */
struct pending_merge {
	int64_t id;
	double seconds;
	size_t refused;
};

struct driver {
	const struct driver_options *o;
	const struct executor *exec;	/* what runs the jobs (executor.h)... */
	void *exec_state;		/* ...and what it keeps */
	int fatal;			/* a set-up error a job found: stop, exit this */
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
	struct host_probe *host;	/* --host-probe, or NULL */
	double host_busy, host_bytes;	/* our workers as left out of the host's figures */
	double bytes_before;		/* our workers' bytes at the sample before */
	struct workers_usage usage;
	int verdict;
	int verdict_said;	/* with a host probe: the verdict and figures over last logged */
	sigset_t open;		/* the signals the event wait lets in */
	int joblog;		/* STATE/joblog.tsv, appended to */
	int io_failed;		/* a write of our state failed: stop, exit 74 */
	struct pending_merge *pending;	/* recorded analysis jobs waiting to be merged */
	size_t n_pending;
	size_t stats_printed_at;	/* d->finished when the block was last printed */
	char *merge_log;		/* merge-results' messages */
	/*
	 * What merge-results --json says the target holds comes through a
	 * pipe (metrics.c): merge_pipe[0] read here, merge_pipe[1] opened by
	 * the child as merge_out ("/proc/self/fd/N"); no file is written.
	 */
	int merge_pipe[2];
	char merge_out[64];
	char *merge_said;		/* the last merge's line (MERGE_SAID_MAX) */
	size_t merge_said_len;
	double gate_closed_since;	/* once: when the gate last closed with nothing running */
	char *status_last;		/* status.json as last written, but its CPU time */
	char *status_key;		/* ...and but its live figures (state.c) */
	double status_written_at;	/* monotonic */
	int gave_up;
	struct gate_sample sample;	/* the gate's last sample... */
	int sample_ok;			/* ...when it could measure */
	/* the history (metrics.c) */
	struct history history;
	struct record record;		/* built a job, its buffer kept */
	int history_on;
	double next_system, next_dashboard;
	int dashboard_stale;		/* a record the page should show came since it was drawn */
	double last_mean_return;	/* the last training job's; NaN: none yet */
	struct progress console;	/* the status line (console.c) */
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
