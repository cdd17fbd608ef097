/* metrics.h - the driver's history: what each job and the machine did */
#ifndef METRICS_H
#define METRICS_H

#include <stddef.h>

struct driver;
struct ledger_job;

/* What the driver saw of a job that the ledger does not keep. */
struct job_figures {
	double seconds;		/* its run time */
	size_t refused;		/* inputs its program refused */
};

/* Open STATE's history (unless --no-history); a failure is said, and it stays off. */
void metrics_open(struct driver *d);
void metrics_close(struct driver *d);
/*
 * Around a merge: forget the last merge's line, then take what this one
 * said through the pipe merge-results --json writes into (d->merge_said).
 */
void metrics_merge_begin(struct driver *d);
void metrics_merge_end(struct driver *d);
/*
 * A merged job's record: policy-train's --json summary (train.json) or the
 * analysis figures, and what merge-results --json said after the merge
 * (through a pipe), fig is NULL after a crash.
 */
void metrics_job(struct driver *d, const struct ledger_job *lj,
		 const struct job_figures *fig);
/* An input refused, or a job that failed: file is its path or the job's stderr. */
void metrics_error(struct driver *d, long long job, const char *file,
		   const char *error);
/*
 * The machine's figures: every 10 s while work runs or the gate is shut,
 * else every minute; with force, now (at exit: how the run ended).
 */
void metrics_system(struct driver *d, double t, int force);
/*
 * STATE/dashboard.html again when the history has a record to show (a job,
 * an error, the machine while busy; an idle driver's minutely record alone
 * is not one), at most every --dashboard-every s; with force, at exit.
 */
void metrics_dashboard(struct driver *d, double t, int force);

#endif
