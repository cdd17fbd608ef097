/*
 * learned_merge.c - merge-results' learned run: summaries into one file
 *
 * The run holds an exclusive lock on TARGET.lock from reading the target
 * to renaming the new one into place, so concurrent mergers queue instead of
 * overwriting each other (the old tool's "last writer wins"). Every input
 * is read and checked before anything is written: one that does not fit
 * leaves the target untouched and the run exits 65.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "clock.h"
#include "die.h"
#include "file.h"
#include "learned.h"
#include "learned_merge.h"
#include "lock.h"

/* new = (1 - alpha) old + alpha part, number by number; keys of one side kept. */
static void
blend(cJSON *old, const cJSON *part, double alpha)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, part) {
		cJSON *o;

		if (p->string == NULL || strcmp(p->string, "merge_state") == 0)
			continue;
		o = cJSON_GetObjectItemCaseSensitive(old, p->string);
		if (o == NULL)
			cJSON_AddItemToObject(old, p->string, cJSON_Duplicate(p, 1));
		else if (cJSON_IsNumber(o) && cJSON_IsNumber(p))
			cJSON_SetNumberValue(o, (1 - alpha) * o->valuedouble +
			    alpha * p->valuedouble);
		else if (cJSON_IsObject(o) && cJSON_IsObject(p))
			blend(o, p, alpha);
	}
}

static int
merge_alpha(const char *target, char *const *parts, int n, double alpha,
	    cJSON *tree, struct strbuf *out)
{
	char when[32];
	int i;

	for (i = 0; i < n; i++) {
		size_t size;
		char *text = file_read(parts[i], LEARNED_SIZE_LIMIT, &size);
		cJSON *p;

		if (text == NULL) {
			int missing = errno == ENOENT;

			warnmsg("%s: %s", parts[i], strerror(errno));
			cJSON_Delete(tree);
			return missing ? EX_NOINPUT : EX_IOERR;
		}
		p = cJSON_ParseWithLength(text, size);
		free(text);
		if (!cJSON_IsObject(p)) {
			warnmsg("%s: not a JSON object", parts[i]);
			cJSON_Delete(p);
			cJSON_Delete(tree);
			return EX_DATAERR;
		}
		if (tree == NULL) {
			tree = p;
			continue;
		}
		blend(tree, p, alpha);
		cJSON_Delete(p);
	}
	/* A blend is no longer an exact sum: no merge state survives it. */
	cJSON_DeleteItemFromObjectCaseSensitive(tree, "merge_state");
	iso_local_time(when, sizeof when);
	cJSON_DeleteItemFromObjectCaseSensitive(tree, "generated_at");
	cJSON_AddStringToObject(tree, "generated_at", when);
	{
		char *s = cJSON_PrintUnformatted(tree);

		sb_adds(out, s);
		sb_addc(out, '\n');
		cJSON_free(s);
	}
	cJSON_Delete(tree);
	(void)target;
	return 0;
}

static int
merge_exact(const char *target, char *const *parts, int n, struct learned *l,
	    struct strbuf *out, int quiet)
{
	struct strbuf why = { 0 };
	int i, changed = 0, status = 0;
	char when[32];

	for (i = 0; i < n && status == 0; i++) {
		size_t size;
		char *text = file_read(parts[i], LEARNED_SIZE_LIMIT, &size);
		struct learned *p;

		if (text == NULL) {
			status = errno == ENOENT ? EX_NOINPUT : EX_IOERR;
			warnmsg("%s: %s", parts[i], strerror(errno));
			break;
		}
		sb_reset(&why);
		p = learned_parse(text, size, &why);
		free(text);
		if (p == NULL) {
			warnmsg("%s: %s", parts[i], why.data);
			status = EX_DATAERR;
			break;
		}
		if (l == NULL) {
			l = p;
			changed = 1;
			continue;
		}
		switch (learned_overlap(l, p)) {
		case OVERLAP_ALL:
			if (!quiet)
				warnmsg("%s: already merged into %s: nothing to do",
				    parts[i], target);
			break;
		case OVERLAP_PART:
			warnmsg("%s: some of its replays are already in %s: "
			    "merging would count them twice", parts[i], target);
			status = EX_DATAERR;
			break;
		case OVERLAP_NONE:
			if (learned_merge(l, p, &why) < 0) {
				warnmsg("%s: %s", parts[i], why.data);
				status = EX_DATAERR;
			} else {
				changed = 1;
			}
			break;
		}
		learned_free(p);
	}
	if (status == 0 && changed) {
		iso_local_time(when, sizeof when);
		learned_render(l, out, when);
	}
	learned_free(l);
	sb_free(&why);
	return status;
}

int
merge_learned(const char *target, char *const *parts, int n, double alpha,
	      int quiet)
{
	struct strbuf out = { 0 }, why = { 0 };
	struct learned *l = NULL;
	cJSON *tree = NULL;
	int lock, status = 0;
	char *text;
	size_t size;

	if ((lock = lock_file(target)) < 0) {
		warnmsg("%s.lock: %s", target, strerror(errno));
		return EX_IOERR;
	}
	atomic_remove_stale(target);
	if ((text = file_read(target, LEARNED_SIZE_LIMIT, &size)) != NULL) {
		tree = cJSON_ParseWithLength(text, size);
		if (!cJSON_IsObject(tree)) {
			warnmsg("%s: not a JSON object", target);
			status = EX_DATAERR;
		} else if (alpha < 0) {
			if (!cJSON_GetObjectItemCaseSensitive(tree, "merge_state")) {
				warnmsg("%s: written by the old tool (no merge_state): "
				    "it merges only with --alpha", target);
				status = EX_DATAERR;
			} else if ((l = learned_parse(text, size, &why)) == NULL) {
				warnmsg("%s: %s", target, why.data);
				status = EX_DATAERR;
			}
			cJSON_Delete(tree);
			tree = NULL;
		}
		free(text);
	} else if (errno != ENOENT) {
		warnmsg("%s: %s", target, strerror(errno));
		status = EX_IOERR;
	}
	if (status == 0)
		status = alpha < 0 ? merge_exact(target, parts, n, l, &out, quiet) :
		    merge_alpha(target, parts, n, alpha, tree, &out);
	else {
		cJSON_Delete(tree);
		learned_free(l);
	}
	if (status == 0 && out.len && atomic_write(target, out.data, out.len) < 0) {
		warnmsg("%s: cannot write: %s", target, strerror(errno));
		status = EX_IOERR;
	}
	unlock_file(lock);
	sb_free(&out);
	sb_free(&why);
	return status;
}
