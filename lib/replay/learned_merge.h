/* learned_merge.h - merge-results' learned run, under a lock */
#ifndef LEARNED_MERGE_H
#define LEARNED_MERGE_H

/*
 * Merge replay-analyze --summary files into target (created if missing).
 * alpha < 0: the exact merge; else the old tool's blend, per number,
 * new = (1 - alpha) old + alpha partial. Returns the exit status.
 */
int merge_learned(const char *target, char *const *parts, int n, double alpha,
		  int quiet);

#endif
