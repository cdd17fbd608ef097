/*
 * publish.c - after a merge: the model published to --deploy, the --on-merge command
 *
 * The bot's hot reload loads deployed_model.npz when it changes, so the copy
 * is written as every output is (temporary file, fsync, rename): the bot
 * sees the old model or the new one, never half of one. Bots that reload
 * otherwise run a command of their own (--on-merge). It runs as a child
 * that the loop reaps as it reaps jobs, one at a time, stopped after
 * --job-timeout like a job: a command that hangs never holds the driver.
 * Its failures are said and counted apart (status.json), never an error of
 * the run: the merge it follows is done and recorded.
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "atomic.h"
#include "clock.h"
#include "die.h"
#include "digest.h"
#include "driver.h"
#include "driver_internal.h"
#include "events.h"
#include "lock.h"
#include "logfile.h"
#include "publish.h"
#include "scan.h"
#include "spawn.h"
#include "strbuf.h"

/* BGTRAIN_KIND: what was merged. */
static const char *
merged_kind(enum job_kind kind)
{
	return kind == JOB_TRAINING ? "model" : "learned";
}

/*
 * Under the target's lock, so that clearing what a killed copy left
 * (deployed_model.npz.tmp.*) never takes another writer's file.
 */
static void
deploy(struct driver *d)
{
	const char *to = d->o->deploy;
	int fd, rc, saved;

	if ((fd = lock_file(to)) < 0) {
		warnmsg("%s: cannot lock: %s (--deploy)", to, strerror(errno));
		d->errors++;
		return;
	}
	atomic_remove_stale(to);
	rc = atomic_copy(d->o->model, to);
	saved = errno;
	unlock_file(fd);
	if (rc < 0) {
		warnmsg("%s: cannot publish %s: %s (--deploy; tried again after the "
		    "next merge)", to, d->o->model, strerror(saved));
		d->errors++;
	}
}

void
publish_recover(struct driver *d)
{
	char model[MD5_HEX_SIZE], deployed[MD5_HEX_SIZE];

	if (d->o->deploy == NULL)
		return;
	/* Only a model we trained: never the bot's own one, before any merge. */
	if (d->ledger.done[JOB_TRAINING] == 0 || md5_file(d->o->model, model) < 0)
		return;
	if (md5_file(d->o->deploy, deployed) == 0 && strcmp(model, deployed) == 0)
		return;
	deploy(d);
}

static void
hook_start(struct driver *d, enum job_kind kind, double t)
{
	char sh[] = "/bin/sh", dash_c[] = "-c";
	char *argv[] = { sh, dash_c, (char *)d->o->on_merge, NULL };
	char *merged = own_canonical(kind == JOB_TRAINING ? d->o->model :
	    d->o->learned), *env[3];
	struct strbuf path = { 0 }, what = { 0 };

	sb_printf(&path, "BGTRAIN_MERGED=%s", merged);
	sb_printf(&what, "BGTRAIN_KIND=%s", merged_kind(kind));
	env[0] = path.data;
	env[1] = what.data;
	env[2] = NULL;
	d->hook_due[kind] = 0;
	d->hook_kind = kind;
	d->hook_started = t;
	d->hook_stopped_at = 0;
	d->hook_killed = 0;
	if (log_rotate_at(d->hook_log, d->o->log_max) < 0)
		warnmsg("%s: cannot rotate: %s", d->hook_log, strerror(errno));
	if ((d->hook_pid = spawn_env(argv, env, d->hook_log, d->hook_log)) < 0) {
		warnmsg("--on-merge: cannot start /bin/sh: %s", strerror(errno));
		d->hook_pid = 0;
		d->hooks_failed++;
	}
	free(merged);
	sb_free(&path);
	sb_free(&what);
}

/* Say how a command that did not succeed ended. */
static void
hook_ended(struct driver *d, int status)
{
	const char *sig = WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) : NULL;
	char how[96];

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && d->hook_stopped_at == 0)
		return;
	if (d->hooks_stopping && d->hook_stopped_at > 0)
		snprintf(how, sizeof how, "stopped at exit");
	else if (d->hook_stopped_at > 0)
		snprintf(how, sizeof how, "ran over --job-timeout (%g s) and was "
		    "stopped", d->o->job_timeout);
	else if (WIFSIGNALED(status))
		snprintf(how, sizeof how, "killed by SIG%s", sig ? sig : "?");
	else
		snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(status));
	warnmsg("--on-merge after the %s merge: %s (its output: %s)",
	    merged_kind(d->hook_kind), how, d->hook_log);
	d->hooks_failed++;
}

void
publish_merged(struct driver *d, enum job_kind kind)
{
	if (kind == JOB_TRAINING && d->o->deploy)
		deploy(d);
	if (d->o->on_merge) {
		d->hook_due[kind] = 1;
		publish_poll(d, monotonic_seconds());
	}
}

void
publish_poll(struct driver *d, double t)
{
	const struct driver_options *o = d->o;
	enum job_kind next;
	int status;
	pid_t r;

	if (d->hook_pid > 0) {
		r = waitpid(d->hook_pid, &status, WNOHANG);
		if (r == d->hook_pid || (r < 0 && errno == ECHILD)) {
			hook_ended(d, r == d->hook_pid ? status : W_EXITCODE(EX_OSERR, 0));
			d->hook_pid = 0;
		} else if (d->hook_stopped_at == 0 && o->job_timeout > 0 &&
		    t - d->hook_started >= o->job_timeout) {
			d->hook_stopped_at = t;
			spawn_signal(d->hook_pid, SIGTERM);
		} else if (d->hook_stopped_at > 0 && !d->hook_killed &&
		    t - d->hook_stopped_at >= o->grace) {
			d->hook_killed = 1;
			spawn_signal(d->hook_pid, SIGKILL);
		}
	}
	if (d->hook_pid > 0 || d->hooks_stopping)
		return;
	/* The other kind first, so that frequent model merges starve no one. */
	next = d->hook_kind == JOB_TRAINING ? JOB_ANALYSIS : JOB_TRAINING;
	if (!d->hook_due[next])
		next = next == JOB_TRAINING ? JOB_ANALYSIS : JOB_TRAINING;
	if (d->hook_due[next])
		hook_start(d, next, t);
}

void
publish_finish(struct driver *d, int stopping)
{
	double t;

	for (;;) {
		t = monotonic_seconds();
		if (stopping || events_stopped())
			d->hooks_stopping = 1;
		publish_poll(d, t);
		if (d->hook_pid == 0)
			break;
		if (d->hooks_stopping && d->hook_stopped_at == 0) {
			d->hook_stopped_at = t;
			spawn_signal(d->hook_pid, SIGTERM);
		}
		events_wait(&d->open, 1);
	}
	if (d->hook_due[JOB_TRAINING] || d->hook_due[JOB_ANALYSIS])
		warnmsg("--on-merge: not run after the last merge: stopping");
}
