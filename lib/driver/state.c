/*
 * state.c - the state folder: lock, status file, job log, statistics
 *
 * Everything a person or `bgtrain status` reads about a running driver is
 * written here, and only here: the lock file with our pid, status.json
 * (replaced whole, so a reader never sees half of it) and the job log.
 * status reads them without taking the lock, so it works beside a driver.
 */
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "clock.h"
#include "die.h"
#include "driver.h"
#include "driver_internal.h"
#include "path.h"
#include "state.h"
#include "strbuf.h"

/* Our process name in /proc/PID/comm: a live lock holder is a bgtrain. */
#define DRIVER_COMM "bgtrain"

int
state_lock(const char *state)
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

int
state_driver_alive(const char *state)
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
	/* A pid reused by another program is no driver. */
	snprintf(buf, sizeof buf, "/proc/%ld/comm", pid);
	if ((f = fopen(buf, "r")) != NULL) {
		if (fgets(comm, sizeof comm, f) == NULL)
			comm[0] = '\0';
		fclose(f);
	}
	return strncmp(comm, DRIVER_COMM, sizeof DRIVER_COMM - 1) == 0;
}

FILE *
state_open_joblog(const char *state)
{
	char *path = path_join(state, "joblog.tsv");
	FILE *f = fopen(path, "ae");

	free(path);
	if (f && ftell(f) == 0)
		fprintf(f, "Seq\tKind\tStarttime\tJobRuntime\tExitval\tSignal\t"
		    "Inputs\tCommand\n");
	return f;
}

void
state_log_job(struct driver *d, const struct job *j, int status, double secs)
{
	size_t i;

	if (d->joblog == NULL)
		return;
	fprintf(d->joblog, "%lld\t%s\t%.3f\t%.3f\t%d\t%d\t%zu\t", (long long)j->id,
	    job_kind_name(j->kind), j->wall_started, secs,
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	    WIFSIGNALED(status) ? WTERMSIG(status) : 0, j->n);
	/* The first inputs name the job; all of them are in the ledger. */
	for (i = 0; i < j->n && i < 3; i++)
		fprintf(d->joblog, "%s%s", i ? " " : "", j->paths[i]);
	fprintf(d->joblog, "%s\n", j->n > 3 ? " ..." : "");
	fflush(d->joblog);
}

void
state_write_status(struct driver *d)
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
		    job_kind_name(d->jobs[i].kind), d->jobs[i].n,
		    monotonic_seconds() - d->jobs[i].started);
	sb_printf(&sb, "], \"slots\": %d, \"gate\": %d, \"replays_analyzed\": %zu, "
	    "\"models_trained\": %zu, \"errors\": %zu}\n", d->slots, d->verdict,
	    d->replays_analyzed, d->models_trained, d->errors);
	atomic_write(path, sb.data, sb.len);
	free(path);
	sb_free(&sb);
}

void
state_print_stats(const struct driver *d)
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
