/* publish.h - after a merge: the model published to --deploy, the --on-merge command */
#ifndef PUBLISH_H
#define PUBLISH_H

#include "job.h"

struct driver;

/*
 * A merge into the model (JOB_TRAINING) or the learned file (JOB_ANALYSIS)
 * is done: publish the model to --deploy, and run --on-merge when it is
 * free (a merge while it runs makes it run once more afterwards).
 */
void publish_merged(struct driver *d, enum job_kind kind);
/*
 * At start: the model is published to --deploy if a merge of ours is not
 * there yet (a crash came between the merge and the copy).
 */
void publish_recover(struct driver *d);
/*
 * Reap a finished --on-merge command (its failure is said, never fatal),
 * stop one that ran over --job-timeout (SIGTERM, SIGKILL after --grace),
 * start the next one due. Never waits.
 */
void publish_poll(struct driver *d, double t);
/*
 * At exit: run the commands still due and wait for them (within
 * --job-timeout); when stopping on a signal, or when one comes meanwhile,
 * start none and stop the running one as the jobs are stopped.
 */
void publish_finish(struct driver *d, int stopping);

#endif
