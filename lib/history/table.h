/* table.h - the history read back: one table of numeric columns per kind */
#ifndef TABLE_H
#define TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* Columns a table keeps at most; the keys past them are left out. */
#define TABLE_MAX_COLUMNS 64
/* The errors kept for the dashboard: the last ones. */
#define HISTORY_ERRORS 20
/* Of metrics.jsonl only the last this many bytes are read (a year is a few MB). */
#define HISTORY_READ_LIMIT (256u << 20)
/* A key of a record is shorter than this. */
#define HISTORY_KEY_MAX 40
/* A record longer than this is no record of ours. */
#define HISTORY_LINE_MAX 65536

struct column {
	char *name;
	double *v;		/* one per row; NaN: absent */
};

/* The records of one kind, in the order they were written. */
struct table {
	size_t rows, cap;
	size_t n_cols;
	struct column cols[TABLE_MAX_COLUMNS];
};

struct error_entry {
	double time;
	char *file;
	char *error;
};

/* Staged values settled at once past this many (a few hundred records). */
#define HISTORY_STAGED_MAX 8192
/* A record added but not yet in its table's columns: (column, value) pairs. */
struct staged_value {
	unsigned char table;	/* 0 train, 1 analysis, 2 system */
	unsigned char col;	/* TABLE_MAX_COLUMNS: the row's first pair, a new row */
	double v;
};

struct history_data {
	struct table train, analysis, system;
	struct staged_value *staged;	/* history_data_add_numbers' rows... */
	size_t n_staged, cap_staged;	/* ...until history_data_settle */
	struct error_entry errors[HISTORY_ERRORS];	/* a ring */
	size_t n_errors;	/* ever added; the last min(n, HISTORY_ERRORS) are kept */
	size_t damaged;		/* lines that were no record */
};

void history_data_init(struct history_data *d);
void history_data_free(struct history_data *d);
/*
 * Read STATE/metrics.jsonl and system.jsonl with its rotations, oldest
 * first, each its last limit bytes at most (HISTORY_READ_LIMIT: all a
 * year holds; less for the recent records only). Missing files are an
 * empty history. Returns 0, or -1 with why (a file that cannot be read).
 */
int history_data_load(struct history_data *d, const char *state, size_t limit,
		      struct strbuf *why);
/* One line of either file (no newline needed); what is no record is counted. */
void history_data_add(struct history_data *d, const char *line, size_t len);
/*
 * A record of kind ("train", "analysis", "system") given as its numbers,
 * keys[i] = numbers[i]: what history_data_add does with its line, without
 * reading JSON back (the driver adds what it has just written). It is
 * staged, in one sequential buffer, until history_data_settle: written
 * into a score of column arrays at once, it would touch a score of pages,
 * and the driver, which forks twice a job, pays a fault for each.
 */
void history_data_add_numbers(struct history_data *d, const char *kind, size_t n,
			      const char (*keys)[HISTORY_KEY_MAX], const double *numbers);
/* Put the staged records into their tables: before the tables are read. */
void history_data_settle(struct history_data *d);
/* A table's column, or NULL when no record had it. */
const double *table_column(const struct table *t, const char *name);
/* The i-th last error (0: the newest), or NULL. */
const struct error_entry *history_error(const struct history_data *d, size_t i);

#endif
