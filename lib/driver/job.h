/* job.h - one job: a child running one of the suite's programs on a batch */
#ifndef JOB_H
#define JOB_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "strlist.h"
#include "digest.h"

enum job_kind { JOB_ANALYSIS, JOB_TRAINING };

struct job {
	int64_t id;
	enum job_kind kind;
	pid_t pid;
	double started;		/* monotonic, for run times */
	double wall_started;	/* epoch seconds, for the job log */
	size_t n;
	char **paths;
	char **links;		/* links[i]: what the program is given for paths[i]
				   when not the path (the bot's *.tmp.npz), else NULL */
	char (*hashes)[MD5_HEX_SIZE];
	char *dir;		/* STATE/work/job-NNNNNN, the child's own */
	char *output;		/* the summary or candidate to merge */
	char *report;		/* where the child names the inputs it refused */
	char *err;		/* its standard error, for people */
	char *out;		/* its standard output: a training job's figures
				   (train.json, for the history), else NULL */
	int init;		/* a training job that creates the model */
	int requeue;		/* stopped by the gate: its inputs go back */
	double timed_out;	/* monotonic time it was sent SIGTERM for --job-timeout */
	int killed;		/* ...and SIGKILL after --grace */
	/* What the executor (executor.h) says and keeps of it. */
	int ended;		/* it has ended, with this wait status: */
	int status;
	int waiting;		/* queued by the scheduler, not yet running */
	int submitted;		/* the ledger holds its inputs (S) until it ends (E) */
	char *ext_id;		/* the scheduler's job id, or NULL */
	char *node;		/* where it ran, when the scheduler says */
	int unaccounted;	/* looks that found it over without an exit status */
	int discard;		/* made with settings --relearn left behind: its
				   output never lands, its inputs run again */
};

struct driver;
struct driver_options;
struct ledger_job;
struct queued_input;

/*
 * Start a job on n inputs (they become INPUT_RUNNING) and add it to
 * d->jobs. Returns 0, or -1 when the child could not be started (said on
 * stderr; the inputs are queued again).
 */
int job_start(struct driver *d, enum job_kind kind, struct queued_input **in,
	      size_t n, int init);
void job_free(struct job *j);
/*
 * Fill j (zeroed) for job id of kind on n inputs: its folder and the
 * files in it, named; nothing is made.
 */
void job_init(struct job *j, const struct driver *d, int64_t id,
	      enum job_kind kind, size_t n, char *const *paths,
	      char (*hashes)[MD5_HEX_SIZE]);
/* Whether one of j's inputs is a replay pack (*.zip). */
int job_has_pack(const struct job *j);
/* A job's folder and the files in it (it has no subfolders). */
void job_remove_dir(const char *dir);

/* merge-results' command line for a recorded output. */
void job_merge_command(const struct driver *d,
		       const struct ledger_job *lj, struct strlist *av);

/* "analysis" or "training", as the ledger, the job log and status say it. */
const char *job_kind_name(enum job_kind kind);
/* The program that runs a job of kind. */
const char *job_program_name(enum job_kind kind);

#endif
