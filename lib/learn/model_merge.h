/* model_merge.h - merge-results' model run, under a lock */
#ifndef MODEL_MERGE_H
#define MODEL_MERGE_H

/*
 * Add each policy-train --out candidate's change to the model at target,
 * once; with average, the games-weighted mean of the changes instead.
 * A missing target starts from the model a --init candidate started from.
 * With json, one line on standard output says what the model holds then
 * (episode_count, optim_step, candidates merged). Returns the exit status.
 */
int merge_models(const char *target, char *const *cands, int n, int average,
		 int quiet, int json);

#endif
