/*
 * report.c - the inputs a child refused, as it wrote them for the driver
 *
 * Children tell the driver which inputs they refused in a file the driver
 * names, one {"file": PATH, "error": REASON} line each: replay-analyze
 * among its output lines (-o), policy-train in its --report file. A file
 * that is not experience at all (a model beside the games) is a third key,
 * "not_experience": true: the driver skips it and never quarantines it,
 * for quarantine is only for inputs that claim to be experience and are
 * broken. The
 * driver never reads their messages: those are for people, and may change
 * wording, be translated or be cut. One reader serves both programs.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "die.h"
#include "file.h"
#include "report.h"

/* replay-analyze's lines for a batch: some 100 KB a replay. */
#define REPORT_LIMIT ((size_t)1 << 30)
/* A replay --skip-known left out has a short line: a path and a hash. */
#define KNOWN_LINE_MAX 8192

static void
add(struct report *r, const char *file, const char *error, int not_input)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->v = xreallocarray(r->v, r->cap, sizeof r->v[0]);
	}
	r->v[r->n].file = xstrdup(file);
	r->v[r->n].error = xstrdup(error);
	r->v[r->n].not_input = not_input;
	r->n++;
}

int
report_read(const char *path, struct report *r)
{
	char *text, *line, *end, *nl;
	size_t len;

	/* Read whole: one read(2), where stdio would take one per 4 KiB. */
	if ((text = file_read(path, REPORT_LIMIT, &len)) == NULL)
		return -1;
	for (line = text, end = text + len; line < end; line = nl + 1) {
		cJSON *o;
		const cJSON *file, *error;

		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		*nl = '\0';
		if (nl == line)
			continue;
		r->lines++;
		/* Only for speed, as below: the parse decides. */
		if (nl - line < KNOWN_LINE_MAX &&
		    memmem(line, (size_t)(nl - line), "\"skipped\"", 9)) {
			int known;

			o = cJSON_Parse(line);
			known = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o,
			    "skipped"));
			cJSON_Delete(o);
			r->known += (size_t)known;
			if (known)
				continue;
		}
		/*
		 * Only for speed: a game's line is some 100 KB of build orders
		 * that would cost the driver a millisecond to parse, and a line
		 * whose text lacks "error" cannot have that key as the suite
		 * writes keys (plain, never escaped). What counts is the parse.
		 */
		if (memmem(line, (size_t)(nl - line), "\"error\"", 7) == NULL)
			continue;
		o = cJSON_Parse(line);
		file = cJSON_GetObjectItemCaseSensitive(o, "file");
		error = cJSON_GetObjectItemCaseSensitive(o, "error");
		if (cJSON_IsString(file) && cJSON_IsString(error))
			add(r, file->valuestring, error->valuestring,
			    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o,
			    "not_experience")));
		cJSON_Delete(o);
	}
	free(text);
	return 0;
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
