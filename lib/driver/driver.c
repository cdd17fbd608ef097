/*
 * driver.c - bgtrain: the suite's programs in parallel behind the gate
 *
 * One loop, a tick a second: scan the folders, sample the gate (leaving
 * out our own workers), reap finished jobs, merge their results, start new
 * jobs while the gate is open. Each job is a child process running one of
 * the suite's programs; its exit status is its verdict. Exactly once comes
 * from the ledger (ledger.c) and from merges that are idempotent.
 */
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "clock.h"
#include "die.h"
#include "digest.h"
#include "driver.h"
#include "filenames.h"
#include "ledger.h"
#include "scan.h"
#include "spawn.h"
#include "strbuf.h"
#include "walk.h"
#include "workers.h"

#define MAX_ATTEMPTS 3
#define ONCE_GATE_PATIENCE 600
/* What --jobs auto sets aside for each worker it adds. */
#define AUTO_WORKER_MEMORY (512.0 * 1024 * 1024)

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
	o->settle = 2;
	o->tick = 1;
	gate_thresholds_default(&o->gate);
}

struct job {
	int64_t id;
	enum job_kind kind;
	pid_t pid;
	double started;		/* monotonic, for run times */
	double wall_started;	/* epoch seconds, for the job log */
	size_t n;
	char **paths;
	char (*hashes)[MD5_HEX_SIZE];
	char *dir, *output, *err;
	int init;		/* a training job that creates the model */
	int requeue;		/* stopped by the gate: its inputs go back */
};

struct driver {
	const struct driver_options *o;
	struct ledger ledger;
	struct scan replays, experience;
	struct job *jobs;
	size_t n_jobs;
	int slots;
	struct gate_probe *probe;
	struct workers_usage usage;
	int verdict;
	FILE *joblog;
	int64_t *pending;	/* recorded analysis jobs waiting to be merged */
	size_t stats_printed_at;	/* d->finished when the block was last printed */
	char *merge_log;		/* merge-results' messages */
	double gate_closed_since;	/* once: when the gate last closed with nothing running */
	int gave_up;
	size_t n_pending;
	/* statistics, as the old tool printed them */
	size_t replays_analyzed, models_trained, errors, finished;
	double processing;
	int64_t seq;
};

static volatile sig_atomic_t stop_signal;

static void
on_stop(int sig)
{
	stop_signal = sig;
}

/* Take a SIGINT or SIGTERM that is pending while the signals are blocked. */
static void
take_pending_stop(void)
{
	struct timespec zero = { 0, 0 };
	sigset_t stops;
	int sig;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	if ((sig = sigtimedwait(&stops, NULL, &zero)) > 0)
		stop_signal = sig;
}

/* Only there to interrupt ppoll() when a worker exits. */
static void
on_child(int sig)
{
	(void)sig;
}

/*
 * Sleep up to seconds, waking at once when a worker exits or a stop signal
 * comes: the signals stay blocked except inside ppoll(), so none is lost
 * between a check and the sleep.
 */
static void
wait_for_event(double seconds, const sigset_t *open)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	ppoll(NULL, 0, &ts, open);
}

static char *
path_join(const char *a, const char *b)
{
	char *s = xmalloc(strlen(a) + strlen(b) + 2);

	sprintf(s, "%s/%s", a, b);
	return s;
}

static void
print_stats(struct driver *d)
{
	printf("======================================================================\n"
	    "[BACKGROUND LEARNING] STATISTICS\n"
	    "======================================================================\n"
	    "Replays Analyzed: %zu\n"
	    "Models Trained: %zu\n"
	    "Total Processing Time: %.2fs\n"
	    "Active Workers: %zu/%d\n"
	    "Errors: %zu\n"
	    "======================================================================\n",
	    d->replays_analyzed, d->models_trained, d->processing, d->n_jobs,
	    d->slots, d->errors);
	fflush(stdout);
}

/* ---- inputs ---- */

static int
is_replay(const char *path)
{
	return is_replay_name(path);
}

static struct scanned *
find_input(struct scan *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].path, path) == 0)
			return &s->v[i];
	return NULL;
}

static void
set_inputs(struct driver *d, const struct job *j, enum input_state st)
{
	struct scan *s = j->kind == JOB_ANALYSIS ? &d->replays : &d->experience;
	size_t i;

	for (i = 0; i < j->n; i++) {
		struct scanned *e = find_input(s, j->paths[i]);

		if (e)
			e->state = st;
	}
}

static void
mark_bad(struct driver *d, struct scan *s, const char *hash, const char *path,
	 const char *reason)
{
	struct scanned *e = find_input(s, path);

	if (ledger_bad(&d->ledger, hash, path, reason) < 0)
		warnmsg("%s: %s", d->ledger.path, strerror(errno));
	if (e)
		e->state = INPUT_DONE;
	d->errors++;
	if (!d->o->quiet)
		warnmsg("%s: %s", path, reason);
	if (d->o->quarantine && move_into(d->o->quarantine, path, reason) < 0)
		warnmsg("%s: cannot move into %s: %s", path, d->o->quarantine,
		    strerror(errno));
}

/* Update every scanned file against the ledger: done, bad or to be queued. */
static size_t
ready_inputs(struct driver *d, struct scan *s)
{
	size_t i, ready = 0;

	for (i = 0; i < s->n; i++) {
		struct scanned *e = &s->v[i];

		if (e->state != INPUT_NEW || e->hash[0] == '\0')
			continue;
		/* Known to the ledger: done, bad, or waiting for its merge. */
		if (ledger_state(&d->ledger, e->hash) != LEDGER_UNKNOWN)
			e->state = INPUT_DONE;
		else
			ready++;
	}
	return ready;
}

static int
compare_oldest(const void *a, const void *b)
{
	const struct scanned *x = *(const struct scanned *const *)a;
	const struct scanned *y = *(const struct scanned *const *)b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int
compare_hash_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Up to max ready inputs of s, oldest first (replays: in path order). Two
 * files with the same content are one input: a hash already running, or
 * already chosen here, is left for later (and then found done).
 */
static size_t
pick(struct scan *s, size_t max, int oldest_first, struct scanned **out)
{
	size_t i, n = 0, k = 0, taken = 0, cap = s->n ? s->n : 1;
	struct scanned **all = xcalloc(cap, sizeof all[0]);
	const char **busy = xcalloc(cap, sizeof busy[0]);

	for (i = 0; i < s->n; i++) {
		if (s->v[i].state == INPUT_NEW && s->v[i].hash[0])
			all[n++] = &s->v[i];
		else if (s->v[i].state == INPUT_RUNNING)
			busy[k++] = s->v[i].hash;
	}
	if (oldest_first)
		qsort(all, n, sizeof all[0], compare_oldest);
	if (k)
		qsort(busy, k, sizeof busy[0], compare_hash_strings);
	for (i = 0; i < n && taken < max; i++) {
		const char *h = all[i]->hash;
		size_t t;
		int dup = k && bsearch(&h, busy, k, sizeof busy[0],
		    compare_hash_strings) != NULL;

		for (t = 0; t < taken && !dup; t++)
			dup = strcmp(out[t]->hash, h) == 0;
		if (!dup)
			out[taken++] = all[i];
	}
	free(all);
	free(busy);
	return taken;
}

/* ---- jobs ---- */

static void
job_free(struct job *j)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		free(j->paths[i]);
	free(j->paths);
	free(j->hashes);
	free(j->dir);
	free(j->output);
	free(j->err);
}

static void
remove_tree(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;

	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		char *p;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = path_join(dir, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(dp);
	rmdir(dir);
}

static char *
program(const struct driver *d, const char *name)
{
	return path_join(d->o->bin_dir, name);
}

static int
start_job(struct driver *d, enum job_kind kind, struct scanned **in, size_t n,
	  int init)
{
	struct job *j;
	char **argv, name[64], *work;
	size_t i, a = 0;

	d->jobs = xreallocarray(d->jobs, d->n_jobs + 1, sizeof d->jobs[0]);
	j = &d->jobs[d->n_jobs];
	memset(j, 0, sizeof *j);
	j->id = d->ledger.next_job++;
	j->kind = kind;
	j->n = n;
	j->init = init;
	j->paths = xcalloc(n, sizeof j->paths[0]);
	j->hashes = xcalloc(n, sizeof j->hashes[0]);
	for (i = 0; i < n; i++) {
		j->paths[i] = xstrdup(in[i]->path);
		snprintf(j->hashes[i], MD5_HEX_SIZE, "%s", in[i]->hash);
		in[i]->state = INPUT_RUNNING;
	}
	work = path_join(d->o->state, "work");
	snprintf(name, sizeof name, "job-%06lld", (long long)j->id);
	j->dir = path_join(work, name);
	free(work);
	remove_tree(j->dir);
	mkdir(j->dir, 0755);
	j->output = path_join(j->dir, kind == JOB_ANALYSIS ? "summary.json" : "candidate.npz");
	j->err = path_join(j->dir, "stderr");

	argv = xcalloc(n + 16, sizeof argv[0]);
	if (kind == JOB_ANALYSIS) {
		argv[a++] = program(d, "replay-analyze");
		argv[a++] = xstrdup("--quiet");
		argv[a++] = xstrdup("--summary");
		argv[a++] = xstrdup(j->output);
		argv[a++] = xstrdup("-o");
		argv[a++] = path_join(j->dir, "build_orders.jsonl");
	} else {
		argv[a++] = program(d, "policy-train");
		argv[a++] = xstrdup("--quiet");
		argv[a++] = xstrdup("--skip-bad");
		argv[a++] = xstrdup("-m");
		argv[a++] = xstrdup(d->o->model);
		argv[a++] = xstrdup("--out");
		argv[a++] = xstrdup(j->output);
		if (init)
			argv[a++] = xstrdup("--init");
	}
	argv[a++] = xstrdup("--");
	for (i = 0; i < n; i++)
		argv[a++] = xstrdup(j->paths[i]);
	j->started = monotonic_seconds();
	j->wall_started = wall_seconds();
	j->pid = spawn(argv, NULL, j->err);
	for (i = 0; i < a; i++)
		free(argv[i]);
	free(argv);
	if (j->pid < 0) {
		warnmsg("cannot start a job: %s", strerror(errno));
		set_inputs(d, j, INPUT_NEW);
		job_free(j);
		return -1;
	}
	d->n_jobs++;
	return 0;
}

/* The inputs a job's program named on stderr as "prog: PATH: reason". */
static void
bad_inputs(struct driver *d, struct job *j, int *bad)
{
	FILE *f = fopen(j->err, "r");
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t len;

	if (f == NULL)
		return;
	while ((len = getline(&line, &cap, f)) > 0) {
		char *p = strstr(line, ": ");

		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (p == NULL)
			continue;
		p += 2;
		for (i = 0; i < j->n; i++) {
			size_t k = strlen(j->paths[i]);

			if (!bad[i] && strncmp(p, j->paths[i], k) == 0 &&
			    strncmp(p + k, ": ", 2) == 0) {
				bad[i] = 1;
				mark_bad(d, j->kind == JOB_ANALYSIS ? &d->replays :
				    &d->experience, j->hashes[i], j->paths[i], p + k + 2);
			}
		}
	}
	free(line);
	fclose(f);
}

/* merge-results, run to completion: 0 when the output is in. */
static int
merge_output(struct driver *d, const struct ledger_job *lj)
{
	char *argv[7];
	int status, i;
	pid_t pid;

	argv[0] = program(d, "merge-results");
	argv[1] = xstrdup(lj->kind == JOB_ANALYSIS ? "learned" : "model");
	argv[2] = xstrdup("--quiet");
	argv[3] = xstrdup("-o");
	argv[4] = xstrdup(lj->kind == JOB_ANALYSIS ? d->o->learned : d->o->model);
	argv[5] = xstrdup(lj->output);
	argv[6] = NULL;
	pid = spawn(argv, NULL, d->merge_log);
	/* No child, no wait: waitpid(-1) would take a job's exit status. */
	status = pid > 0 ? spawn_wait(pid) : -1;
	for (i = 0; i < 6; i++)
		free(argv[i]);
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Merge a recorded output and account for it: 0 when its inputs are done. */
static int
merge_recorded(struct driver *d, struct ledger_job *lj)
{
	char *dir;
	size_t i;

	if (merge_output(d, lj) < 0) {
		warnmsg("job %lld: merging %s failed; retried at the next start",
		    (long long)lj->id, lj->output);
		d->errors++;
		return -1;
	}
	if (ledger_merged(&d->ledger, lj->id) < 0) {
		warnmsg("%s: %s", d->ledger.path, strerror(errno));
		return -1;
	}
	if (lj->kind == JOB_ANALYSIS)
		d->replays_analyzed += lj->n_inputs;
	else
		d->models_trained++;
	if (lj->kind == JOB_ANALYSIS && d->o->done_dir)
		for (i = 0; i < lj->n_inputs; i++)
			if (move_into(d->o->done_dir, lj->paths[i], NULL) < 0)
				warnmsg("%s: cannot move into %s: %s", lj->paths[i],
				    d->o->done_dir, strerror(errno));
	dir = xstrdup(lj->output);
	remove_tree(dirname(dir));
	free(dir);
	return 0;
}

/* Merge the analysis outputs that waited for new jobs to start first. */
static void
merge_pending(struct driver *d)
{
	size_t i;

	for (i = 0; i < d->n_pending; i++) {
		struct ledger_job *lj = NULL;
		size_t k;

		for (k = d->ledger.n_jobs; k-- > 0;)
			if (d->ledger.jobs[k].id == d->pending[i]) {
				lj = &d->ledger.jobs[k];
				break;
			}
		if (lj && !lj->merged)
			merge_recorded(d, lj);
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
land(struct driver *d, struct job *j, const int *bad)
{
	char md5[MD5_HEX_SIZE];
	char (*hashes)[MD5_HEX_SIZE] = xcalloc(j->n ? j->n : 1, sizeof hashes[0]);
	char **paths = xcalloc(j->n ? j->n : 1, sizeof paths[0]);
	size_t i, k = 0;

	for (i = 0; i < j->n; i++) {
		struct scanned *e = find_input(j->kind == JOB_ANALYSIS ?
		    &d->replays : &d->experience, j->paths[i]);

		if (e)
			e->state = INPUT_DONE;
		if (bad[i])
			continue;
		snprintf(hashes[k], MD5_HEX_SIZE, "%s", j->hashes[i]);
		paths[k++] = j->paths[i];
	}
	if (k > 0 && md5_file(j->output, md5) == 0) {
		if (ledger_produced(&d->ledger, j->id, j->kind, j->output, md5, k,
		    hashes, paths) < 0) {
			warnmsg("%s: %s", d->ledger.path, strerror(errno));
			d->errors++;
		} else if (j->kind == JOB_TRAINING) {
			merge_recorded(d, &d->ledger.jobs[d->ledger.n_jobs - 1]);
		} else {
			d->pending = xreallocarray(d->pending, d->n_pending + 1,
			    sizeof d->pending[0]);
			d->pending[d->n_pending++] = j->id;
		}
	}
	free(hashes);
	free(paths);
}

static void
log_job(struct driver *d, const struct job *j, int status, double secs)
{
	size_t i;

	if (d->joblog == NULL)
		return;
	fprintf(d->joblog, "%lld\t%s\t%.3f\t%.3f\t%d\t%d\t%zu\t", (long long)j->id,
	    j->kind == JOB_ANALYSIS ? "analysis" : "training", j->wall_started, secs,
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	    WIFSIGNALED(status) ? WTERMSIG(status) : 0, j->n);
	for (i = 0; i < j->n && i < 3; i++)
		fprintf(d->joblog, "%s%s", i ? " " : "", j->paths[i]);
	fprintf(d->joblog, "%s\n", j->n > 3 ? " ..." : "");
	fflush(d->joblog);
}

static void
finish_job(struct driver *d, size_t index, int status)
{
	struct job *j = &d->jobs[index];
	struct scan *s = j->kind == JOB_ANALYSIS ? &d->replays : &d->experience;
	double secs = monotonic_seconds() - j->started;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	int *bad = xcalloc(j->n ? j->n : 1, sizeof bad[0]);
	int landed = 0, named = 0;
	size_t i;

	log_job(d, j, status, secs);
	d->processing += secs;
	/* A job that finished before the stop reached it still counts. */
	if (code == 0 || code == EX_DATAERR) {
		/* 65: some inputs were unusable; the program named each one. */
		bad_inputs(d, j, bad);
		for (i = 0; i < j->n; i++)
			named += bad[i];
		if (access(j->output, F_OK) == 0) {
			land(d, j, bad);
			landed = 1;
		} else if (named == (int)j->n) {
			landed = 1;	/* nothing usable: every input recorded bad */
		}
	}
	if (landed) {
		d->finished++;
	} else if (j->requeue) {
		set_inputs(d, j, INPUT_NEW);
		remove_tree(j->dir);
	} else {
		d->errors++;
		d->finished++;
		warnmsg("job %lld (%s) failed with %s %d; see %s", (long long)j->id,
		    j->kind == JOB_ANALYSIS ? "replay-analyze" : "policy-train",
		    code >= 0 ? "status" : "signal",
		    code >= 0 ? code : (WIFSIGNALED(status) ? WTERMSIG(status) : 0),
		    j->err);
		/*
		 * A failure may be the setup's (a missing program, a full disk),
		 * not the inputs': they are tried again, and after three failures
		 * left for this run, never recorded bad.
		 */
		for (i = 0; i < j->n; i++) {
			struct scanned *e = find_input(s, j->paths[i]);

			if (e == NULL || bad[i])
				continue;
			e->state = ++e->attempts >= MAX_ATTEMPTS ? INPUT_DONE : INPUT_NEW;
		}
	}
	free(bad);
	job_free(j);
	memmove(j, j + 1, (d->n_jobs - index - 1) * sizeof *j);
	d->n_jobs--;
	if (d->o->stats_every > 0 && d->finished > d->stats_printed_at &&
	    d->finished % (size_t)d->o->stats_every == 0) {
		d->stats_printed_at = d->finished;
		print_stats(d);
	}
}

static void
reap(struct driver *d, int block)
{
	size_t i;
	int status;

	for (i = 0; i < d->n_jobs;) {
		pid_t r = waitpid(d->jobs[i].pid, &status, block ? 0 : WNOHANG);

		if (r == d->jobs[i].pid)
			finish_job(d, i, status);
		else if (r < 0 && errno == ECHILD)
			finish_job(d, i, W_EXITCODE(EX_OSERR, 0));	/* lost: a failure */
		else
			i++;
	}
}

/* Merge what a crash left between "produced" and "merged". */
static void
recover(struct driver *d)
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
				warnmsg("%s: %s", d->ledger.path, strerror(errno));
			continue;
		}
		merge_recorded(d, lj);
	}
}

/* ---- the gate ---- */

static void
sample_gate(struct driver *d, double t)
{
	struct gate_sample s;
	pid_t *pids = xcalloc(d->n_jobs + 1, sizeof pids[0]);
	size_t i;

	for (i = 0; i < d->n_jobs; i++)
		pids[i] = d->jobs[i].pid;
	workers_usage_sample(&d->usage, pids, d->n_jobs, t);
	free(pids);
	if (gate_measure(d->probe, 0, &s) < 0) {
		d->verdict = GATE_OPEN;
		return;
	}
	/* Our own workers are what the gate protects others from: leave them out. */
	gate_exclude(&s, d->usage.cpu_percent, d->usage.mem_percent);
	d->verdict = gate_verdict(&s, &d->o->gate);
	if (d->o->jobs > 0) {
		d->slots = d->o->jobs;
	} else {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		double used = s.cpu >= 0 ? s.cpu : 0;
		double free_cpus = (double)cpus * (100.0 - used) / 100.0;
		double free_mem = (100.0 - s.mem) / 100.0 * (double)s.mem_total;
		int by_mem = (int)(free_mem / AUTO_WORKER_MEMORY);

		/* As many workers as free CPUs, and as free memory can hold. */
		d->slots = (int)(free_cpus + 0.5);
		if (s.mem_total > 0 && by_mem < d->slots)
			d->slots = by_mem;
		if (d->slots < 1)
			d->slots = 1;
		if (d->slots > cpus)
			d->slots = (int)cpus;
	}
}

/* Verdict "far over": stop the youngest job and put its inputs back. */
static void
stop_youngest(struct driver *d)
{
	size_t i, young = 0;

	if (d->n_jobs == 0)
		return;
	for (i = 1; i < d->n_jobs; i++)
		if (d->jobs[i].started > d->jobs[young].started)
			young = i;
	if (!d->jobs[young].requeue) {
		d->jobs[young].requeue = 1;
		spawn_signal(d->jobs[young].pid, SIGTERM);
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

static int
start_training(struct driver *d)
{
	struct scanned **in;
	size_t n;
	int init_running, init, busy, rc;

	if (d->o->experience == NULL)
		return 0;
	busy = training_busy(d, &init_running);
	init = access(d->o->model, F_OK) < 0;
	/* Until the model exists, one job creates it and the others wait. */
	if (init_running || (init && busy > 0))
		return 0;
	in = xcalloc(d->o->train_batch, sizeof in[0]);
	ready_inputs(d, &d->experience);	/* what landed since the last tick */
	n = pick(&d->experience, d->o->train_batch, 1, in);
	rc = n ? start_job(d, JOB_TRAINING, in, n, init) == 0 : 0;
	free(in);
	return rc;
}

static int
start_analysis(struct driver *d)
{
	struct scanned **in;
	size_t n;
	int rc;

	if (d->o->replays == NULL)
		return 0;
	in = xcalloc(d->o->replay_batch, sizeof in[0]);
	ready_inputs(d, &d->replays);
	n = pick(&d->replays, d->o->replay_batch, 0, in);
	rc = n ? start_job(d, JOB_ANALYSIS, in, n, 0) == 0 : 0;
	free(in);
	return rc;
}

static void
start_jobs(struct driver *d)
{
	while ((int)d->n_jobs < d->slots) {
		int started = d->o->priority == PRIORITY_TRAINING ?
		    start_training(d) || start_analysis(d) :
		    start_analysis(d) || start_training(d);

		if (!started)
			break;
	}
}

static void
write_status(struct driver *d)
{
	struct strbuf sb = { 0 };
	char *path = path_join(d->o->state, "status.json");
	struct rusage ru;
	size_t i;

	/* The driver's own CPU time, its workers' not included: its overhead. */
	getrusage(RUSAGE_SELF, &ru);
	sb_printf(&sb, "{\"pid\": %ld, \"driver_cpu_seconds\": %.3f, \"jobs_finished\": %zu, "
	    "\"running\": [", (long)getpid(), (double)ru.ru_utime.tv_sec +
	    ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	    ru.ru_stime.tv_usec / 1e6, d->finished);
	for (i = 0; i < d->n_jobs; i++)
		sb_printf(&sb, "%s{\"job\": %lld, \"kind\": \"%s\", \"inputs\": %zu, "
		    "\"seconds\": %.1f}", i ? ", " : "", (long long)d->jobs[i].id,
		    d->jobs[i].kind == JOB_ANALYSIS ? "analysis" : "training",
		    d->jobs[i].n, monotonic_seconds() - d->jobs[i].started);
	sb_printf(&sb, "], \"slots\": %d, \"gate\": %d, \"replays_analyzed\": %zu, "
	    "\"models_trained\": %zu, \"errors\": %zu}\n", d->slots, d->verdict,
	    d->replays_analyzed, d->models_trained, d->errors);
	atomic_write(path, sb.data, sb.len);
	free(path);
	sb_free(&sb);
}

static size_t
unsettled(const struct scan *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		n += s->v[i].state == INPUT_NEW && s->v[i].hash[0] == '\0';
	return n;
}

static void
stop_all(struct driver *d)
{
	double deadline = monotonic_seconds() + d->o->grace;
	size_t i;

	for (i = 0; i < d->n_jobs; i++) {
		d->jobs[i].requeue = 1;	/* not done: their inputs run next time */
		spawn_signal(d->jobs[i].pid, SIGTERM);
	}
	while (d->n_jobs && monotonic_seconds() < deadline) {
		reap(d, 0);
		if (d->n_jobs)
			usleep(20000);
	}
	for (i = 0; i < d->n_jobs; i++)
		spawn_signal(d->jobs[i].pid, SIGKILL);
	reap(d, 1);
}

/*
 * once, for cron: if the gate stays closed with nothing running for
 * ONCE_GATE_PATIENCE seconds, give up (exit 75) rather than block the next
 * cron run; the work waits for it.
 */
static int
gate_gave_up(struct driver *d, double t)
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

/* One driver per state folder; its pid goes into the lock file for status. */
static int
lock_state(const char *state)
{
	char *path = path_join(state, "driver.lock"), pid[32];
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	free(path);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		warnmsg("%s/driver.lock: %s", state, strerror(errno));
	return fd;
}

/* Whether the driver named in the lock file runs (status takes no lock). */
static int
driver_alive(const char *state)
{
	char *path = path_join(state, "driver.lock"), buf[64] = "", comm[64] = "";
	FILE *f = fopen(path, "r");
	long pid = 0;

	free(path);
	if (f) {
		if (fgets(buf, sizeof buf, f))
			pid = strtol(buf, NULL, 10);
		fclose(f);
	}
	if (pid <= 0 || kill((pid_t)pid, 0) < 0)
		return 0;
	snprintf(buf, sizeof buf, "/proc/%ld/comm", pid);
	if ((f = fopen(buf, "r")) != NULL) {
		if (fgets(comm, sizeof comm, f) == NULL)
			comm[0] = '\0';
		fclose(f);
	}
	return strncmp(comm, "bgtrain", 7) == 0;
}

int
driver_run(const struct driver_options *o, int once)
{
	struct driver d;
	struct sigaction sa;
	sigset_t blocked, open;
	double next_tick = 0;
	char *work, *logpath;
	int lock, status;

	memset(&d, 0, sizeof d);
	d.o = o;
	d.slots = o->jobs > 0 ? o->jobs : 1;
	d.verdict = GATE_OPEN;
	if (mkdir(o->state, 0755) < 0 && errno != EEXIST)
		die(EX_CANTCREAT, "%s: %s", o->state, strerror(errno));
	if ((lock = lock_state(o->state)) < 0)
		die(EX_TEMPFAIL, "%s: another bgtrain is working on this state folder",
		    o->state);
	work = path_join(o->state, "work");
	mkdir(work, 0755);
	free(work);
	if (ledger_open(&d.ledger, o->state, 1) < 0)
		die(EX_IOERR, "%s/ledger.tsv: %s", o->state, strerror(errno));
	d.merge_log = path_join(o->state, "merge.log");
	logpath = path_join(o->state, "joblog.tsv");
	if ((d.joblog = fopen(logpath, "ae")) != NULL && ftell(d.joblog) == 0)
		fprintf(d.joblog, "Seq\tKind\tStarttime\tJobRuntime\tExitval\tSignal\t"
		    "Inputs\tCommand\n");
	free(logpath);
	d.probe = gate_probe_new(NULL);
	workers_usage_init(&d.usage);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGCHLD);
	sigaddset(&blocked, SIGINT);
	sigaddset(&blocked, SIGTERM);
	sigprocmask(SIG_BLOCK, &blocked, &open);
	sigdelset(&open, SIGCHLD);
	sigdelset(&open, SIGINT);
	sigdelset(&open, SIGTERM);

	recover(&d);
	while (!stop_signal) {
		double t = monotonic_seconds();

		reap(&d, 0);
		if (t >= next_tick) {
			next_tick = t + o->tick;
			if (o->replays)
				scan_folder(&d.replays, o->replays, is_replay, t, o->settle);
			if (o->experience)
				scan_folder(&d.experience, o->experience,
				    experience_wanted, t, o->settle);
			/* What the ledger knows is never queued again. */
			ready_inputs(&d, &d.replays);
			ready_inputs(&d, &d.experience);
			sample_gate(&d, t);
			if (d.verdict == GATE_FAR)
				stop_youngest(&d);
			write_status(&d);
		}
		/* A stop that came during a scan or a merge: start nothing new. */
		take_pending_stop();
		if (d.verdict == GATE_OPEN && !stop_signal)
			start_jobs(&d);
		merge_pending(&d);
		if (once && gate_gave_up(&d, t))
			break;
		if (once && d.n_jobs == 0 && ready_inputs(&d, &d.replays) == 0 &&
		    ready_inputs(&d, &d.experience) == 0 &&
		    unsettled(&d.replays) == 0 && unsettled(&d.experience) == 0 &&
		    next_tick > t)
			break;
		t = next_tick - monotonic_seconds();
		wait_for_event(t > 0 ? t : 0, &open);
	}
	if (stop_signal)
		stop_all(&d);
	merge_pending(&d);
	print_stats(&d);
	write_status(&d);
	status = stop_signal == SIGINT ? 130 : stop_signal == SIGTERM ? 143 :
	    d.gave_up ? EX_TEMPFAIL : d.errors ? EX_DATAERR : 0;
	if (d.joblog)
		fclose(d.joblog);
	workers_usage_free(&d.usage);
	gate_probe_free(d.probe);
	scan_free(&d.replays);
	scan_free(&d.experience);
	ledger_close(&d.ledger);
	free(d.jobs);
	free(d.pending);
	free(d.merge_log);
	close(lock);
	return status;
}

int
driver_status(const struct driver_options *o, int json)
{
	struct ledger l;
	struct scan replays = { 0 }, experience = { 0 };
	size_t i, done = 0, pending_replays = 0, pending_exp = 0, trained = 0;
	char *status_path = path_join(o->state, "status.json");
	char *running = NULL;
	int active;

	if (ledger_open(&l, o->state, 0) < 0)
		die(EX_NOINPUT, "%s/ledger.tsv: %s", o->state, strerror(errno));
	/* The driver's pid is in its lock file; status.json says what it does. */
	active = driver_alive(o->state);
	if (active) {
		size_t size;
		FILE *f = fopen(status_path, "r");

		if (f) {
			running = xcalloc(1, 65537);
			size = fread(running, 1, 65536, f);
			running[size] = '\0';
			fclose(f);
			if (size && running[size - 1] == '\n')
				running[size - 1] = '\0';
		}
	}
	for (i = 0; i < l.n_jobs; i++) {
		if (l.jobs[i].merged != 1)
			continue;
		if (l.jobs[i].kind == JOB_ANALYSIS)
			done += l.jobs[i].n_inputs;
		else
			trained += l.jobs[i].n_inputs;
	}
	if (o->replays)
		scan_folder(&replays, o->replays, is_replay, 0, -1);
	if (o->experience)
		scan_folder(&experience, o->experience, experience_wanted, 0, -1);
	for (i = 0; i < replays.n; i++)
		pending_replays += replays.v[i].hash[0] &&
		    ledger_state(&l, replays.v[i].hash) < LEDGER_DONE;
	for (i = 0; i < experience.n; i++)
		pending_exp += experience.v[i].hash[0] &&
		    ledger_state(&l, experience.v[i].hash) < LEDGER_DONE;
	if (json)
		printf("{\"driver_running\": %s, \"replays_done\": %zu, "
		    "\"experience_done\": %zu, \"replays_queued\": %zu, "
		    "\"experience_queued\": %zu, \"failed\": %zu, \"jobs\": %zu, "
		    "\"status\": %s}\n", active ? "true" : "false", done, trained,
		    pending_replays, pending_exp, l.bad, l.n_jobs,
		    running && *running ? running : "null");
	else
		printf("state:      %s (%s)\n"
		    "done:       %zu replays analysed, %zu experience files trained\n"
		    "queued:     %zu replays, %zu experience files\n"
		    "failed:     %zu inputs (see %s/ledger.tsv, B lines)\n"
		    "running:    %s\n", o->state,
		    active ? "a driver is running" : "no driver running", done,
		    trained, pending_replays, pending_exp, l.bad, o->state,
		    running && *running ? running : "nothing");
	free(running);
	free(status_path);
	scan_free(&replays);
	scan_free(&experience);
	ledger_close(&l);
	return 0;
}
