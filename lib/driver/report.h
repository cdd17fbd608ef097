/* report.h - the inputs a child refused, as it wrote them for the driver */
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>

struct refusal {
	char *file;	/* the path as the driver gave it */
	char *error;	/* why: goes to the ledger and the quarantine */
	int not_input;	/* not an input at all (a model): skipped, never quarantined */
};

struct report {
	struct refusal *v;
	size_t n, cap;
	size_t lines;		/* every line, refusals included */
	size_t known;		/* replay-analyze's "skipped": "known" lines */
};

/*
 * Add to r every line of path that is a JSON object with a string "file"
 * and a string "error" (and "not_experience": true for a file that is not
 * experience at all); other lines (replay-analyze's build orders) are
 * only counted, and those of replays --skip-known left out counted apart. Returns 0, or -1 with errno set when path cannot be read (a
 * child that wrote no report refused nothing the driver can name).
 */
int report_read(const char *path, struct report *r);
void report_free(struct report *r);

#endif
