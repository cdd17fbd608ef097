/* land.h - finished jobs: their verdicts, their outputs merged exactly once */
#ifndef LAND_H
#define LAND_H

struct driver;

/* Collect the jobs that have exited (block: wait for all of them). */
void land_reap(struct driver *d, int block);
/* Merge the analysis outputs that waited for new jobs to start first. */
void land_merge_pending(struct driver *d);
/* At start: merge what a crash left between "produced" and "merged". */
void land_recover(struct driver *d);

#endif
