/* state.h - the state folder: lock, status file, job log, statistics */
#ifndef STATE_H
#define STATE_H

#include <stdio.h>

struct driver;
struct job;

/*
 * One driver per state folder: flock on STATE/driver.lock, which then
 * holds our pid for status. Returns the fd to keep open, or -1.
 */
int state_lock(const char *state);
/* Whether the driver named in the lock file runs (status takes no lock). */
int state_driver_alive(const char *state);
/* STATE/joblog.tsv for appending, its header written when new; or NULL. */
FILE *state_open_joblog(const char *state);
/* One line of the job log, like GNU parallel's --joblog. */
void state_log_job(struct driver *d, const struct job *j, int status,
		   double secs);
/* STATE/status.json: what runs now, what the driver's CPU cost so far. */
void state_write_status(struct driver *d);
/* The old tool's statistics block, on standard output. */
void state_print_stats(const struct driver *d);

#endif
