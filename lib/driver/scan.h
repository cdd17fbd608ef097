/* scan.h - the driver's view of its input folders */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>
#include <time.h>

#include "digest.h"

enum input_state { INPUT_NEW, INPUT_RUNNING, INPUT_DONE };

struct scanned {
	char *path;
	long long size;
	time_t mtime;
	double stable_since;	/* when size and mtime were last seen to change */
	char hash[MD5_HEX_SIZE];/* "" until the file has settled */
	enum input_state state;
	int attempts;		/* jobs that failed on it */
	int seen;		/* found by the latest scan */
};

struct scan {
	struct scanned *v;
	size_t n, cap;
};

/*
 * Look at every file below dir that keep() accepts. A file is hashed once
 * it has stopped changing for settle seconds (the bot may still be writing
 * it); files that disappeared are dropped unless a job is using them.
 * Returns how many files became ready to queue.
 */
size_t scan_folder(struct scan *s, const char *dir, int (*keep)(const char *),
		   double now, double settle);
void scan_free(struct scan *s);

#endif
