/*
 * land.c - finished jobs: their verdicts, their outputs merged exactly once
 *
 * A job's output is recorded in the ledger (P) before it is merged and the
 * merge afterwards (M), so that a crash in between is merged again at the
 * next start; merge-results is idempotent (replays by content, candidates
 * by MD5), so nothing counts twice. A failed job never marks its inputs
 * bad: the failure may be the setup's (a missing program, a full disk);
 * only the inputs a program itself refused are.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "strlist.h"
#include "atomic.h"
#include "clock.h"
#include "die.h"
#include "driver.h"
#include "driver_internal.h"
#include "hashmap.h"
#include "job.h"
#include "jsonw.h"
#include "land.h"
#include "logfile.h"
#include "metrics.h"
#include "publish.h"
#include "report.h"
#include "spawn.h"
#include "state.h"

/* Jobs that failed on an input before it is left alone for this run. */
#define MAX_ATTEMPTS 3

/* The job's pack that holds file ("PACK.zip/ENTRY"): its index in at, or NULL. */
static size_t *
pack_of(const struct hashmap *at, const char *file)
{
	const char *p = file;
	size_t *k;

	while ((p = strcasestr(p, ".zip/")) != NULL) {
		p += 4;
		if ((k = hashmap_get(at, file, (size_t)(p - file))) != NULL)
			return k;
	}
	return NULL;
}

/*
 * The inputs j's program refused, from the report it wrote (job.c says
 * where): each is recorded bad, and bad[i] set for it. A replay refused
 * inside a pack is named and counted an error, but the pack is no bad
 * input: its other replays land. Returns the replays the report shows
 * read, for the statistics (--skip-known's aside), or -1 without one.
 */
static long long
refused_inputs(struct driver *d, struct job *j, int *bad)
{
	struct report r = { 0 };
	struct hashmap at = { 0 };	/* a job's path -> its index */
	long long read = -1;
	size_t i, *k;

	if (report_read(j->report, &r) < 0 && errno != ENOENT)
		warnmsg("%s: %s", j->report, strerror(errno));
	else if (r.lines >= r.n + r.known)
		read = (long long)(r.lines - r.n - r.known);
	for (i = 0; i < j->n; i++) {
		struct strbuf carried = { 0 };
		int added;

		*hashmap_put_str(&at, j->paths[i], NULL) = i;
		/* An adopted file is named by the link it was given as. */
		if (j->links && j->links[i])
			*hashmap_put_str(&at, j->links[i], NULL) = i;
		/* A name that is not UTF-8 comes back as JSON carries it. */
		utf8_repair(&carried, j->paths[i]);
		if (carried.data && strcmp(carried.data, j->paths[i]) != 0 &&
		    (k = hashmap_put_str(&at, carried.data, &added)) && added)
			*k = i;
		sb_free(&carried);
	}
	for (i = 0; i < r.n; i++) {
		if ((k = hashmap_get_str(&at, r.v[i].file)) == NULL) {
			if (pack_of(&at, r.v[i].file) != NULL) {
				d->errors++;
				if (!d->o->quiet)
					warnmsg("%s: %s", r.v[i].file, r.v[i].error);
			}
			continue;
		}
		if (bad[*k])
			continue;
		bad[*k] = 1;
		if (r.v[i].not_input)
			queue_mark_not_input(d, queue_of(d, j->kind), j->hashes[*k],
			    j->paths[*k], r.v[i].error);
		else
			queue_mark_bad(d, queue_of(d, j->kind), j->hashes[*k],
			    j->paths[*k], r.v[i].error);
	}
	hashmap_free(&at);
	report_free(&r);
	return read;
}

/*
 * merge-results, run to completion: its exit status, or -1 (not run, or
 * killed). What it says the target holds then is in d->merge_said, for
 * the history (metrics.c).
 */
static int
merge_output(struct driver *d, const struct ledger_job *lj)
{
	struct strlist av = { 0 };
	struct spawn_yield yield = d->o->yield;
	int status;
	pid_t pid;

	/*
	 * The loop waits for the merge (no ticks, no signals meanwhile): a
	 * merge under SCHED_IDLE could wait for minutes while a game runs, so
	 * it yields by its nice value and I/O class only.
	 */
	yield.idle = 0;
	job_merge_command(d, lj, &av);
	if (log_rotate_at(d->merge_log, d->o->log_max) < 0)
		warnmsg("%s: cannot rotate: %s", d->merge_log, strerror(errno));
	metrics_merge_begin(d);
	pid = spawn_yielding(av.v, &yield, d->history_on ? d->merge_out : NULL,
	    d->merge_log);
	/* No child, no wait: waitpid(-1) would take a job's exit status. */
	status = pid > 0 ? spawn_wait(pid) : -1;
	metrics_merge_end(d);
	strlist_free(&av);
	return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * A summary merge-results refused as data (65): with --skip-known this is
 * a summary that shares replays with one merged since its job began (a
 * pack holding a replay that another input brought too). Merging it would
 * count them twice and retrying would fail forever: it is given up (L)
 * and its inputs are analysed again, skipping what the learned file has
 * now. An input that keeps failing so is left for the run.
 */
static void
analyse_again(struct driver *d, struct ledger_job *lj)
{
	char *dir;
	size_t i;

	warnmsg("job %lld: merge-results refused %s (replays merged since the job "
	    "began?): its inputs are analysed again", (long long)lj->id,
	    lj->output);
	if (ledger_lost(&d->ledger, lj->id) < 0) {
		state_io_failed(d, "%s: %s", d->ledger.path, strerror(errno));
		return;
	}
	for (i = 0; i < lj->n_inputs; i++) {
		struct queued_input *e = queue_find(&d->replays, lj->paths[i]);

		if (e == NULL || e->state != INPUT_DONE)
			continue;
		if (++e->attempts < MAX_ATTEMPTS)
			e->state = INPUT_NEW;
		else
			d->errors++;	/* left for this run */
	}
	dir = xstrdup(lj->output);
	job_remove_dir(dirname(dir));
	free(dir);
}

/*
 * Merge a recorded output and account for it: 0 when its inputs are done.
 * fig: what the job's run showed, for the history (NULL after a crash).
 */
static int
merge_recorded(struct driver *d, struct ledger_job *lj,
	       const struct job_figures *fig)
{
	const char *target = lj->kind == JOB_ANALYSIS ? d->o->learned : d->o->model;
	char *dir, why[512];
	size_t i;
	int code;

	if (d->io_failed)
		return -1;	/* recorded: merged at the next start */
	if ((code = merge_output(d, lj)) == EX_IOERR || code == EX_CANTCREAT) {
		dir = xstrdup(target);
		state_io_failed(d, "merge-results could not write %s (exit %d): %s",
		    target, code, state_child_said(d->merge_log, dirname(dir), why,
		    sizeof why));
		free(dir);
		return -1;
	}
	if (code == EX_DATAERR && lj->kind == JOB_ANALYSIS) {
		analyse_again(d, lj);
		return -1;
	}
	if (code != 0) {
		warnmsg("job %lld: merging %s failed; retried at the next start",
		    (long long)lj->id, lj->output);
		d->errors++;
		return -1;
	}
	if (ledger_merged(&d->ledger, lj->id) < 0) {
		state_io_failed(d, "%s: %s", d->ledger.path, strerror(errno));
		return -1;
	}
	if (lj->kind == JOB_ANALYSIS)
		d->replays_analyzed += lj->replays >= 0 ? (size_t)lj->replays :
		    lj->n_inputs;
	else
		d->models_trained++;
	metrics_job(d, lj, fig);
	publish_merged(d, lj->kind);
	if (lj->kind == JOB_ANALYSIS && d->o->done_dir)
		for (i = 0; i < lj->n_inputs && !d->io_failed; i++)
			if (move_into(d->o->done_dir, lj->paths[i], NULL) < 0)
				state_io_failed(d, "%s: cannot move into %s: %s",
				    lj->paths[i], d->o->done_dir, strerror(errno));
	dir = xstrdup(lj->output);
	job_remove_dir(dirname(dir));
	free(dir);
	return 0;
}

void
land_merge_pending(struct driver *d)
{
	size_t i;

	/* After an I/O error, none: recorded, they are merged at the next start. */
	for (i = 0; i < d->n_pending && !d->io_failed; i++) {
		struct ledger_job *lj = ledger_job(&d->ledger, d->pending[i].id);
		struct job_figures fig = { d->pending[i].seconds, d->pending[i].refused };

		if (lj && !lj->merged)
			merge_recorded(d, lj, &fig);
	}
	d->n_pending = 0;
}

/*
 * Record one job's output in the ledger, before it is merged: a crash in
 * between is merged on restart. A candidate is merged at once, so that the
 * next training job starts from the model that includes it; a summary waits
 * until the free worker has its next job.
 */
static void
land(struct driver *d, struct job *j, const int *bad, long long replays,
     double secs)
{
	struct job_figures fig = { secs, 0 };
	char md5[MD5_HEX_SIZE];
	char (*hashes)[MD5_HEX_SIZE] = xcalloc(j->n ? j->n : 1, sizeof hashes[0]);
	char **paths = xcalloc(j->n ? j->n : 1, sizeof paths[0]);
	size_t i, k = 0;

	queue_set_inputs(d, j, INPUT_DONE);
	for (i = 0; i < j->n; i++) {
		if (bad[i]) {
			fig.refused++;
			continue;
		}
		snprintf(hashes[k], MD5_HEX_SIZE, "%s", j->hashes[i]);
		paths[k++] = j->paths[i];
	}
	if (k > 0 && md5_file(j->output, md5) < 0) {
		state_io_failed(d, "%s: %s", j->output, strerror(errno));
	} else if (k > 0) {
		if (ledger_produced(&d->ledger, j->id, j->kind, j->output, md5, k,
		    hashes, paths) < 0) {
			state_io_failed(d, "%s: %s", d->ledger.path, strerror(errno));
		} else if (j->kind == JOB_TRAINING) {
			merge_recorded(d, &d->ledger.jobs[d->ledger.n_jobs - 1], &fig);
		} else {
			d->ledger.jobs[d->ledger.n_jobs - 1].replays = replays;
			d->pending = xreallocarray(d->pending, d->n_pending + 1,
			    sizeof d->pending[0]);
			d->pending[d->n_pending].id = j->id;
			d->pending[d->n_pending].seconds = secs;
			d->pending[d->n_pending++].refused = fig.refused;
		}
	}
	free(hashes);
	free(paths);
}

/*
 * Exit statuses that say the setup failed (no program, no room, no
 * permission, try later), never an input: a batch is not split for them.
 */
static int
setup_status(int code)
{
	return code == EX_UNAVAILABLE || code == EX_OSERR || code == EX_OSFILE ||
	    code == EX_CANTCREAT || code == EX_IOERR || code == EX_TEMPFAIL ||
	    code == EX_NOPERM || code == EX_CONFIG || code == 126 || code == 127;
}

/* Why a job that ran alone on an input died: the input's quarantine reason. */
static void
kill_reason(const struct driver *d, const struct job *j, int status,
	    char *reason, size_t size)
{
	const char *sig = WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) :
	    NULL;

	if (j->timed_out > 0)
		snprintf(reason, size, "%s ran over --job-timeout (%g s)",
		    job_program_name(j->kind), d->o->job_timeout);
	else
		snprintf(reason, size, "killed %s: SIG%s", job_program_name(j->kind),
		    sig ? sig : "?");
}

/*
 * A failure may be the setup's, not the inputs': they are tried again, and
 * after MAX_ATTEMPTS failures left for this run, never recorded bad. But a
 * job killed by a signal or by --job-timeout, or one that failed without
 * naming the input it refused, may have been killed by one of its inputs:
 * the batch is split in halves (queue_pick runs them first) until that
 * input runs alone, so the good ones beside it land. An input that kills
 * a job on its own is recorded bad and quarantined with the reason.
 */
static void
failed(struct driver *d, struct job *j, int status, const int *bad)
{
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	int killed = j->timed_out > 0 || WIFSIGNALED(status);
	struct input_queue *s = queue_of(d, j->kind);
	struct stat st;
	size_t i, left = 0;
	char why[512];

	d->finished++;
	if (code == EX_IOERR) {
		/* It could not write in the state folder: a full disk is ours too. */
		state_io_failed(d, "job %lld (%s) could not write (exit 74): %s",
		    (long long)j->id, job_program_name(j->kind),
		    state_child_said(j->err, d->o->state, why, sizeof why));
		queue_set_inputs(d, j, INPUT_NEW);
		return;
	}
	d->errors++;
	if (j->timed_out > 0)
		warnmsg("job %lld (%s) ran over --job-timeout (%g s) and was stopped; "
		    "see %s", (long long)j->id, job_program_name(j->kind),
		    d->o->job_timeout, j->err);
	else
		warnmsg("job %lld (%s%s%s%s%s) failed with %s %d; see %s%s",
		    (long long)j->id, job_program_name(j->kind),
		    j->ext_id ? ", cluster job " : "", j->ext_id ? j->ext_id : "",
		    j->node ? " on " : "", j->node ? j->node : "",
		    code >= 0 ? "status" : "signal",
		    code >= 0 ? code : (WIFSIGNALED(status) ? WTERMSIG(status) : 0),
		    j->err, stat(j->err, &st) < 0 || st.st_size == 0 ?
		    " (empty: the child could say nothing)" : "");
	{
		char what[128];

		snprintf(what, sizeof what, "%s %s %d", job_program_name(j->kind),
		    j->timed_out > 0 ? "ran over --job-timeout, stopped with" :
		    code >= 0 ? "failed with status" : "killed by signal",
		    code >= 0 ? code : (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
		metrics_error(d, (long long)j->id, j->err, what);
	}
	/* A full disk leaves the child no room to say so: the driver says it. */
	setup_space(d->o->state, 1);
	for (i = 0; i < j->n; i++)
		left += !bad[i] && queue_find(s, j->paths[i]) != NULL;
	s->dirty = 1;
	for (i = 0; i < j->n; i++) {
		struct queued_input *e = queue_find(s, j->paths[i]);

		if (e == NULL || bad[i])
			continue;
		if (left > 1 && (killed || !setup_status(code))) {
			e->isolate = (left + 1) / 2;
			e->state = INPUT_NEW;
		} else if (left == 1 && killed) {
			char reason[128];

			kill_reason(d, j, status, reason, sizeof reason);
			d->errors--;	/* the job's failure is this input's */
			queue_mark_bad(d, s, j->hashes[i], j->paths[i], reason);
		} else {
			e->state = ++e->attempts >= MAX_ATTEMPTS ? INPUT_DONE :
			    INPUT_NEW;
		}
	}
}

static void
finish_job(struct driver *d, size_t index, int status)
{
	struct job *j = &d->jobs[index];
	double secs = monotonic_seconds() - j->started;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	int *bad = xcalloc(j->n ? j->n : 1, sizeof bad[0]);
	int landed = 0;
	long long replays = -1;
	size_t i, named = 0;

	state_log_job(d, j, status, secs);
	d->processing += secs;
	/*
	 * A job that finished before the stop reached it still counts; one
	 * made with settings --relearn left behind never does.
	 */
	if (!j->discard && (code == 0 || code == EX_DATAERR)) {
		/*
		 * 65: some inputs were unusable; the program named each one.
		 * replay-analyze exits 0 only when it refused nothing, which
		 * spares reading its output (some 100 KB a replay), but for a
		 * pack's: its replays count one by one, and it may refuse some
		 * of them; policy-train --skip-bad exits 0 having refused some.
		 */
		if (code == EX_DATAERR || j->kind == JOB_TRAINING || job_has_pack(j))
			replays = refused_inputs(d, j, bad);
		for (i = 0; i < j->n; i++)
			named += (size_t)bad[i];
		if (access(j->output, F_OK) == 0) {
			land(d, j, bad, replays, secs);
			landed = 1;
		} else if (named == j->n) {
			landed = 1;	/* nothing usable: every input recorded bad */
		}
	}
	/*
	 * A job on a cluster that produced something is closed by its P
	 * record (a crash before it finds the job again and lands it); any
	 * other ends with E, its inputs no longer held: a crash after it runs
	 * them again.
	 */
	if (j->submitted && ledger_submission(&d->ledger, j->id) != NULL &&
	    ledger_ended(&d->ledger, j->id) < 0)
		state_io_failed(d, "%s: %s", d->ledger.path, strerror(errno));
	if (landed) {
		d->finished++;
	} else if (j->requeue || j->discard) {
		queue_set_inputs(d, j, INPUT_NEW);
		job_remove_dir(j->dir);
	} else {
		failed(d, j, status, bad);
	}
	free(bad);
	queue_release(d, j);
	job_free(j);
	memmove(j, j + 1, (d->n_jobs - index - 1) * sizeof *j);
	d->n_jobs--;
	if (d->o->stats_every > 0 && d->finished > d->stats_printed_at &&
	    d->finished % (size_t)d->o->stats_every == 0) {
		d->stats_printed_at = d->finished;
		state_print_stats(d);
	}
}

void
land_reap(struct driver *d, int block)
{
	size_t i;

	d->exec->poll(d, block);
	for (i = 0; i < d->n_jobs;) {
		if (d->jobs[i].ended)
			finish_job(d, i, d->jobs[i].status);
		else
			i++;
	}
}

void
land_recover(struct driver *d)
{
	size_t i;

	for (i = 0; i < d->ledger.n_jobs; i++) {
		struct ledger_job *lj = &d->ledger.jobs[i];
		char md5[MD5_HEX_SIZE];

		if (lj->merged)
			continue;	/* merged, or lost and recorded so */
		if (md5_file(lj->output, md5) < 0 || strcmp(md5, lj->md5) != 0) {
			warnmsg("job %lld: %s is gone or changed; its inputs run again",
			    (long long)lj->id, lj->output);
			if (ledger_lost(&d->ledger, lj->id) < 0)
				state_io_failed(d, "%s: %s", d->ledger.path,
				    strerror(errno));
			continue;
		}
		merge_recorded(d, lj, NULL);
	}
}
