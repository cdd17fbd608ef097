/* analysis.h - the learned file's filter against this run's settings, and --relearn */
#ifndef ANALYSIS_H
#define ANALYSIS_H

struct driver;

/*
 * At start-up, under the driver's lock with the ledger open, when there
 * is a replay folder: finish a --relearn a crash interrupted, have
 * replay-analyze judge the analysis settings, then either --relearn or
 * check that the learned file was made with the same filter. Returns 0,
 * or the exit status after saying why: 64 other settings than the learned
 * file's, 65 a learned file replay-analyze did not write, replay-analyze's
 * own 64/65/66/74 for the settings, 69 when it cannot run, 74 I/O.
 */
int analysis_start(struct driver *d);

#endif
