/* learned_merge.h - merge-results' learned run, under a lock */
#ifndef LEARNED_MERGE_H
#define LEARNED_MERGE_H

/*
 * Merge replay-analyze --summary files into target (created if missing).
 * alpha < 0: the exact merge; else the old tool's blend, per number,
 * new = (1 - alpha) old + alpha partial. With json, one line on standard
 * output gives the file's headline figures then (learned_headline).
 * Returns the exit status.
 */
int merge_learned(const char *target, char *const *parts, int n, double alpha,
		  int quiet, int json);

#endif
