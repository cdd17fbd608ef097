/*
 * slurm.h - what the Slurm executor keeps, shared by its two files:
 * executor_slurm.c (checks, submitting, cancelling) and slurm_watch.c
 * (asking squeue which jobs ended, and how)
 */
#ifndef SLURM_H
#define SLURM_H

#include "strbuf.h"
#include "strlist.h"

struct driver;
struct job;

struct slurm {
	char *sbatch, *squeue, *scancel;	/* absolute paths of Slurm's commands */
	struct strlist args;	/* --sbatch-args, word by word */
	char *prefix;		/* every job name of this state folder starts so */
	double next_look;	/* monotonic: when squeue is asked next */
	int submitted;		/* an sbatch of this run was taken */
	int submit_failing;	/* sbatch failed, and was said so (until it works) */
	int queue_failing;	/* squeue failed, and was said so (until it works) */
	int invisible_said;	/* the nodes cannot see the state folder: said once */
};

/* At most this much of what a Slurm command prints is kept. */
#define SLURM_OUTPUT_LIMIT (4u << 20)

/* The job name of j: the state folder's prefix and its number. */
void slurm_job_name(const struct slurm *s, const struct job *j,
		    struct strbuf *name);
/*
 * Run a Slurm command (argv[0] an absolute path): 0 when it exited 0,
 * else -1 with "NAME: " and its first line of stderr (or why it did not
 * run) in why.
 */
int slurm_run(char *const argv[], struct strbuf *out, struct strbuf *why);

/* Look at the jobs in flight now (block: until every one has ended). */
void slurm_poll(struct driver *d, int block);
/* How long the loop may sleep before the next look, at most limit. */
double slurm_wait(const struct driver *d, double limit);

#endif
