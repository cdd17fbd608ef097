/*
 * report.c - the inputs a child refused, as it wrote them for the driver
 *
 * Children tell the driver which inputs they refused in a file the driver
 * names, one {"file": PATH, "error": REASON} line each: replay-analyze
 * among its output lines (-o), policy-train in its --report file. The
 * driver never reads their messages: those are for people, and may change
 * wording, be translated or be cut. One reader serves both programs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "die.h"
#include "report.h"

static void
add(struct report *r, const char *file, const char *error)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->v = xreallocarray(r->v, r->cap, sizeof r->v[0]);
	}
	r->v[r->n].file = xstrdup(file);
	r->v[r->n].error = xstrdup(error);
	r->n++;
}

int
report_read(const char *path, struct report *r)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int saved;

	if (f == NULL)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		cJSON *o = cJSON_Parse(line);
		const cJSON *file = cJSON_GetObjectItemCaseSensitive(o, "file");
		const cJSON *error = cJSON_GetObjectItemCaseSensitive(o, "error");

		if (cJSON_IsString(file) && cJSON_IsString(error))
			add(r, file->valuestring, error->valuestring);
		cJSON_Delete(o);
	}
	saved = ferror(f) ? errno : 0;
	free(line);
	fclose(f);
	errno = saved;
	return saved ? -1 : 0;
}

void
report_free(struct report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].file);
		free(r->v[i].error);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}
