/*
 * history.h - the driver's history: flat JSON records appended to
 * STATE/metrics.jsonl (jobs) and STATE/system.jsonl (the machine, rotated),
 * and the same scalars as TensorBoard events in STATE/tensorboard/
 */
#ifndef HISTORY_H
#define HISTORY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "strbuf.h"
#include "table.h"
#include "tfevents.h"

/* The scalars one record carries at most (a record has about twenty). */
#define RECORD_MAX_SCALARS 40
#define RECORD_TAG_MAX HISTORY_KEY_MAX

/*
 * system.jsonl is rotated at this size unless told otherwise (system_max;
 * the driver's --log-max), keeping LOG_KEEP old files (base's logfile.h).
 */
#define HISTORY_SYSTEM_ROTATE (4u << 20)

/*
 * One record being built: a flat JSON object ({"kind", "time", "job", ...})
 * and its numbers as TensorBoard scalars, tagged "KIND/KEY".
 */
struct record {
	struct strbuf json;	/* kept from record to record (record_begin) */
	char kind[RECORD_TAG_MAX];
	double time;
	int64_t step;		/* TensorBoard's step: set it before appending */
	/* Every number by its key, for the copy in memory (no JSON read back)... */
	size_t n_keys;
	char keys[RECORD_MAX_SCALARS][RECORD_TAG_MAX];
	double numbers[RECORD_MAX_SCALARS];
	unsigned char scalar[RECORD_MAX_SCALARS];	/* ...and which go to TensorBoard */
};

/*
 * kind: "train", "analysis", "error", "system"; job < 0: none. r is zeroed
 * before its first use; its line's buffer is kept for the next record, as
 * the driver builds one a job (record_free lets it go).
 */
void record_begin(struct record *r, const char *kind, double time, int64_t job);
/* A number; NaN or infinity is left out (absent, never 0). */
void record_number(struct record *r, const char *key, double v);
/* A measured rate or time, to the thousandth: all that it means. */
void record_rate(struct record *r, const char *key, double v);
/*
 * A number as another program wrote it (already its shortest text, and
 * valid JSON: flat.c checked it), copied rather than printed again; the
 * key is key[0..key_len).
 */
void record_number_text(struct record *r, const char *key, size_t key_len,
			const char *text, size_t text_len, double v);
/* The same, without a TensorBoard scalar (thresholds, counters of no interest there). */
void record_number_only(struct record *r, const char *key, double v);
void record_string(struct record *r, const char *key, const char *s);
/* The JSON line, newline included. */
const char *record_line(struct record *r, size_t *len);
void record_free(struct record *r);

struct history_data;

struct history {
	char *state;
	int metrics_fd, system_fd;	/* -1: closed */
	off_t system_size;
	uint64_t system_max;		/* system.jsonl rotates past this; 0: never */
	struct tfevents tb;
	struct history_data *data;	/* the records, kept for the dashboard */
};

/*
 * Open STATE's history for appending (O_APPEND, never replaced; the
 * driver's own files are never followed through symbolic links), load what
 * it holds into h->data, and open the TensorBoard folder when tensorboard
 * is set. Returns 0, or -1 with why (the history is then off).
 */
int history_open(struct history *h, const char *state, int tensorboard,
		 struct strbuf *why);
/*
 * Append r: "system" records to system.jsonl (rotated by size), the
 * others to metrics.jsonl, at once; its scalars as one TensorBoard event
 * at r->step, written at the next history_flush; and into h->data. Returns 0, or -1 with errno set (the record is lost).
 */
int history_append(struct history *h, struct record *r);
/*
 * Write the TensorBoard events kept since the last flush (once a tick).
 * Returns 0, or -1 with errno set (they are dropped, never written twice).
 */
int history_flush(struct history *h);
void history_close(struct history *h);

#endif
