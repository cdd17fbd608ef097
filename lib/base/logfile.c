/*
 * logfile.c - append-only logs that rotate by size, keeping a few old ones
 *
 * A driver left running for months writes its job log, its hooks' and
 * merges' output, the cron wrapper its runs, the history the machine's
 * figures: each would grow without end. Each is rotated here, one way: a
 * log that reached its size becomes FILE.1, the older ones move up one,
 * the oldest is dropped, and the writer starts a new FILE. Renames only,
 * so a reader (tail -F, bgtrain report) sees whole files. What is never
 * dropped (the ledger, the training history) does not come here.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "logfile.h"

int
log_shift(const char *path)
{
	size_t len = strlen(path) + 16;
	char *from = xmalloc(len), *to = xmalloc(len);
	int k, rc = 0;

	for (k = LOG_KEEP; k >= 1 && rc == 0; k--) {
		if (k > 1)
			snprintf(from, len, "%s.%d", path, k - 1);
		else
			snprintf(from, len, "%s", path);
		snprintf(to, len, "%s.%d", path, k);
		if (rename(from, to) < 0 && errno != ENOENT)
			rc = -1;
	}
	free(from);
	free(to);
	return rc;
}

int
log_rotate_at(const char *path, uint64_t max)
{
	struct stat st;

	if (max == 0 || lstat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < max)
		return 0;
	return log_shift(path) < 0 ? -1 : 1;
}
