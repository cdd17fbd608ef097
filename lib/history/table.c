/*
 * table.c - the history read back: one table of numeric columns per kind
 *
 * The dashboard draws series, so the records become columns: one array of
 * doubles per key and kind, NaN where a record did not have the key (an
 * older policy-train that did not report it: absent, never 0). Only our
 * own flat records are expected, but the files are outside data all the
 * same (a disk that filled, a hand edit): a line that is no record is
 * counted and skipped, a line longer than HISTORY_LINE_MAX is never held,
 * and a table keeps at most TABLE_MAX_COLUMNS keys.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "path.h"
#include "logfile.h"
#include "table.h"

void
history_data_init(struct history_data *d)
{
	memset(d, 0, sizeof *d);
}

static void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n_cols; i++) {
		free(t->cols[i].name);
		free(t->cols[i].v);
	}
	memset(t, 0, sizeof *t);
}

void
history_data_free(struct history_data *d)
{
	size_t i;

	table_free(&d->train);
	table_free(&d->analysis);
	table_free(&d->system);
	free(d->staged);
	for (i = 0; i < HISTORY_ERRORS; i++) {
		free(d->errors[i].file);
		free(d->errors[i].error);
	}
	memset(d, 0, sizeof *d);
}

const double *
table_column(const struct table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_cols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return t->cols[i].v;
	return NULL;
}

/* A new row of NaNs. */
static void
add_row(struct table *t)
{
	size_t i;

	if (t->rows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		for (i = 0; i < t->n_cols; i++)
			t->cols[i].v = xreallocarray(t->cols[i].v, t->cap, sizeof(double));
	}
	for (i = 0; i < t->n_cols; i++)
		t->cols[i].v[t->rows] = NAN;
	t->rows++;
}

/*
 * The column for name, made if new (NaN in the rows before); hint is the
 * column that followed the last one found, as records keep their key order.
 */
static struct column *
column_for(struct table *t, const char *name, size_t *hint)
{
	struct column *c;
	size_t i;

	if (*hint < t->n_cols && strcmp(t->cols[*hint].name, name) == 0) {
		c = &t->cols[(*hint)++];
		return c;
	}
	for (i = 0; i < t->n_cols; i++)
		if (strcmp(t->cols[i].name, name) == 0) {
			*hint = i + 1;
			return &t->cols[i];
		}
	if (t->n_cols == TABLE_MAX_COLUMNS)
		return NULL;
	c = &t->cols[t->n_cols++];
	c->name = xstrdup(name);
	c->v = xreallocarray(NULL, t->cap, sizeof(double));
	for (i = 0; i < t->rows; i++)
		c->v[i] = NAN;
	*hint = t->n_cols;
	return c;
}

static void
add_error(struct history_data *d, const cJSON *rec)
{
	const cJSON *time = cJSON_GetObjectItemCaseSensitive(rec, "time");
	const cJSON *file = cJSON_GetObjectItemCaseSensitive(rec, "file");
	const cJSON *error = cJSON_GetObjectItemCaseSensitive(rec, "error");
	struct error_entry *e = &d->errors[d->n_errors++ % HISTORY_ERRORS];

	free(e->file);
	free(e->error);
	e->time = cJSON_IsNumber(time) ? time->valuedouble : NAN;
	e->file = xstrdup(cJSON_IsString(file) ? file->valuestring : "");
	e->error = xstrdup(cJSON_IsString(error) ? error->valuestring : "");
}

/* The table of kind, or NULL for a kind that has none. */
static struct table *
table_of(struct history_data *d, const char *kind)
{
	return strcmp(kind, "train") == 0 ? &d->train :
	    strcmp(kind, "analysis") == 0 ? &d->analysis :
	    strcmp(kind, "system") == 0 ? &d->system : NULL;
}

static void
stage(struct history_data *d, unsigned table, unsigned col, double v)
{
	if (d->n_staged == d->cap_staged) {
		d->cap_staged = d->cap_staged ? 2 * d->cap_staged : 256;
		d->staged = xreallocarray(d->staged, d->cap_staged, sizeof d->staged[0]);
	}
	d->staged[d->n_staged].table = (unsigned char)table;
	d->staged[d->n_staged].col = (unsigned char)col;
	d->staged[d->n_staged++].v = v;
}

void
history_data_add_numbers(struct history_data *d, const char *kind, size_t n,
			 const char (*keys)[HISTORY_KEY_MAX], const double *numbers)
{
	struct table *t = table_of(d, kind);
	struct column *c;
	size_t i, hint = 0;
	unsigned which;

	if (t == NULL)
		return;
	/* Without a dashboard to settle them, a few hundred records at a time. */
	if (d->n_staged > HISTORY_STAGED_MAX)
		history_data_settle(d);
	which = t == &d->train ? 0 : t == &d->analysis ? 1 : 2;
	stage(d, which, TABLE_MAX_COLUMNS, 0);
	for (i = 0; i < n; i++)
		if (isfinite(numbers[i]) && (c = column_for(t, keys[i], &hint)) != NULL)
			stage(d, which, (unsigned)(c - t->cols), numbers[i]);
}

void
history_data_settle(struct history_data *d)
{
	struct table *tables[3] = { &d->train, &d->analysis, &d->system };
	size_t i;

	for (i = 0; i < d->n_staged; i++) {
		struct staged_value *s = &d->staged[i];
		struct table *t = tables[s->table];

		if (s->col == TABLE_MAX_COLUMNS)
			add_row(t);
		else
			t->cols[s->col].v[t->rows - 1] = s->v;
	}
	d->n_staged = 0;
}

void
history_data_add(struct history_data *d, const char *line, size_t len)
{
	cJSON *rec, *kind, *v;
	struct table *t;
	size_t hint = 0;

	if (len == 0)
		return;
	history_data_settle(d);
	rec = cJSON_ParseWithLength(line, len);
	kind = cJSON_GetObjectItemCaseSensitive(rec, "kind");
	if (!cJSON_IsObject(rec) || !cJSON_IsString(kind)) {
		d->damaged++;
		cJSON_Delete(rec);
		return;
	}
	if ((t = table_of(d, kind->valuestring)) == NULL) {
		if (strcmp(kind->valuestring, "error") == 0)
			add_error(d, rec);
		cJSON_Delete(rec);
		return;
	}
	add_row(t);
	cJSON_ArrayForEach(v, rec) {
		struct column *c;

		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->string == NULL)
			continue;
		if ((c = column_for(t, v->string, &hint)) != NULL)
			c->v[t->rows - 1] = v->valuedouble;
	}
	cJSON_Delete(rec);
}

const struct error_entry *
history_error(const struct history_data *d, size_t i)
{
	if (i >= d->n_errors || i >= HISTORY_ERRORS)
		return NULL;
	return &d->errors[(d->n_errors - 1 - i) % HISTORY_ERRORS];
}

/* Every line of path (its last limit bytes); a missing file is none. */
static int
load_file(struct history_data *d, const char *path, size_t limit,
	  struct strbuf *why)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long size;
	int skip = 0;

	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		sb_printf(why, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* From the end: the first line there may be cut, and is skipped. */
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > (long)limit) {
		fseek(f, size - (long)limit, SEEK_SET);
		skip = 1;
	} else {
		rewind(f);
	}
	buf = xmalloc(HISTORY_LINE_MAX);
	while (fgets(buf, HISTORY_LINE_MAX, f)) {
		size_t n = strlen(buf);

		if (n > 0 && buf[n - 1] != '\n' && !feof(f)) {
			int c;

			/* Too long to be ours: skipped, never held. */
			while ((c = getc(f)) != EOF && c != '\n')
				;
			d->damaged += !skip;
			skip = 0;
			continue;
		}
		if (skip) {
			skip = 0;
			continue;
		}
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			n--;
		history_data_add(d, buf, n);
	}
	if (ferror(f)) {
		sb_printf(why, "%s: %s", path, strerror(errno));
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	free(buf);
	return 0;
}

int
history_data_load(struct history_data *d, const char *state, size_t limit,
		  struct strbuf *why)
{
	char name[64], *path;
	int k, rc = 0;

	path = path_join(state, "metrics.jsonl");
	rc = load_file(d, path, limit, why);
	free(path);
	/* The rotations, oldest first, then the current file. */
	for (k = LOG_KEEP; rc == 0 && k >= 0; k--) {
		snprintf(name, sizeof name, k ? "system.jsonl.%d" : "system.jsonl", k);
		path = path_join(state, name);
		rc = load_file(d, path, limit, why);
		free(path);
	}
	return rc;
}
