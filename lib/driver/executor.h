/*
 * executor.h - what runs a job: a child process here (executor_local.c) or
 * a batch job on a Slurm cluster (executor_slurm.c)
 *
 * The rest of the driver starts, watches and stops jobs only through these
 * calls, so it never knows which one runs them: a job is a command line
 * and a folder of its own (job.c), and it ends with a wait status, as a
 * child does (j->ended, j->status).
 */
#ifndef EXECUTOR_H
#define EXECUTOR_H

struct driver;
struct driver_options;
struct job;

enum executor_kind { EXECUTOR_LOCAL, EXECUTOR_SLURM };

struct executor {
	/*
	 * Start-up: what the executor needs is there and answers. Returns 0,
	 * or the exit status after one message.
	 */
	int (*check)(struct driver *d);
	/*
	 * At start, under the lock: the jobs a driver before us left running
	 * are watched again (d->jobs), those that ended are landed.
	 */
	void (*recover)(struct driver *d);
	/* Start j running av (j's folder is made). 0, or -1 after a message. */
	int (*start)(struct driver *d, struct job *j, char *const av[]);
	/*
	 * Set ended and status of the jobs that have ended; block: wait until
	 * every job has.
	 */
	void (*poll)(struct driver *d, int block);
	/* SIGTERM: ask j to stop; SIGKILL: end it now. */
	void (*signal)(struct driver *d, struct job *j, int sig);
	/*
	 * How long the loop may sleep before poll has news, at most limit
	 * seconds: a child's exit wakes the loop itself (SIGCHLD), a
	 * scheduler's jobs do not.
	 */
	double (*wait)(const struct driver *d, double limit);
	/* Whether the local gate decides when jobs start (here, yes). */
	int gated;
	void (*close)(struct driver *d);
};

extern const struct executor executor_local, executor_slurm;

/* The executor o chooses. */
const struct executor *executor_of(const struct driver_options *o);

#define EXECUTOR_PATHS 6
/*
 * The options as the executor needs them: o itself, or, for a cluster,
 * *copy with every path a job is given made absolute (a job runs in
 * another folder, on another machine). Free owned[] afterwards.
 */
const struct driver_options *executor_options(const struct driver_options *o,
					      struct driver_options *copy,
					      char *owned[EXECUTOR_PATHS]);

#endif
