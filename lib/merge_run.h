/* merge_run.h - merge-results' runs: learned files and models, under a lock */
#ifndef MERGE_RUN_H
#define MERGE_RUN_H

/*
 * Merge replay-analyze --summary files into target (created if missing).
 * alpha < 0: the exact merge; else the old tool's blend, per number,
 * new = (1 - alpha) old + alpha partial. Returns the exit status.
 */
int merge_learned(const char *target, char *const *parts, int n, double alpha,
		  int quiet);

/*
 * Add each policy-train --out candidate's change to the model at target,
 * once; with average, the games-weighted mean of the changes instead.
 * A missing target starts from the model a --init candidate started from.
 * Returns the exit status.
 */
int merge_models(const char *target, char *const *cands, int n, int average,
		 int quiet);

#endif
