/* logfile.h - append-only logs that rotate by size, keeping a few old ones */
#ifndef LOGFILE_H
#define LOGFILE_H

#include <stdint.h>

/* The old files kept: FILE.1 (the newest) to FILE.LOG_KEEP. */
#define LOG_KEEP 4

/*
 * Shift the log at path away now: FILE.3 -> FILE.4 (the oldest dropped),
 * ..., FILE -> FILE.1. Returns 0, or -1 with errno set.
 */
int log_shift(const char *path);
/*
 * When the log at path holds at least max bytes (max 0: never), shift it
 * away: FILE.3 -> FILE.4 (the oldest dropped), ..., FILE -> FILE.1; the
 * next write makes a new FILE. Returns 1 when it rotated, 0 when it had no
 * need (or there is no log), -1 with errno set.
 */
int log_rotate_at(const char *path, uint64_t max);

#endif
