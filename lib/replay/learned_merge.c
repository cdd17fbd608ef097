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
#include "jsonw.h"
#include "learned.h"
#include "learned_merge.h"
#include "lock.h"
#include "output.h"
#include "protocol.h"

/*
 * --alpha: the old tool's blend, kept for files it wrote (no merge_state to
 * add to). Only what is a mean or a share is blended: times, unit shares
 * and supply values; counts are counts, so they are added; the old tool's
 * times were game seconds and are made real seconds before anything is
 * mixed with them.
 */

/* The parts of a learned file, or of one matchup section, and what --alpha does to them. */
static const char *const timed[] = { "build_order_timings", "expansion_timings", NULL };
static const char *const blended[] = { "build_order_timings", "expansion_timings",
	"unit_priorities", "learned_parameters", NULL };
static const char *const counts[] = { "total_replays", "zerg_wins", NULL };
static const char *const matchups[] = { "vs_terran", "vs_protoss", "vs_zerg", NULL };

static void
divide_numbers(cJSON *obj, double by)
{
	cJSON *v;

	cJSON_ArrayForEach(v, obj)
		if (cJSON_IsNumber(v))
			cJSON_SetNumberValue(v, v->valuedouble / by);
}

/* One section's times from game seconds to real seconds. */
static void
section_to_real_seconds(cJSON *sec)
{
	cJSON *stats, *len;
	int i;

	for (i = 0; timed[i]; i++)
		divide_numbers(cJSON_GetObjectItemCaseSensitive(sec, timed[i]),
		    GAME_SECONDS_PER_REAL);
	stats = cJSON_GetObjectItemCaseSensitive(sec, "stats");
	if ((len = cJSON_GetObjectItemCaseSensitive(stats, "avg_game_length")) &&
	    cJSON_IsNumber(len))
		cJSON_SetNumberValue(len, len->valuedouble / GAME_SECONDS_PER_REAL);
}

/* A file without "time_unit": "real_seconds" is the old tool's, in game seconds. */
static void
to_real_seconds(cJSON *tree)
{
	const cJSON *unit = cJSON_GetObjectItemCaseSensitive(tree, "time_unit");
	int i;

	if (cJSON_IsString(unit) && strcmp(unit->valuestring, "real_seconds") == 0)
		return;
	section_to_real_seconds(tree);
	for (i = 0; matchups[i]; i++)
		section_to_real_seconds(cJSON_GetObjectItemCaseSensitive(tree,
		    matchups[i]));
	cJSON_DeleteItemFromObjectCaseSensitive(tree, "time_unit");
	cJSON_AddStringToObject(tree, "time_unit", "real_seconds");
}

/* o = (1 - alpha) o + alpha p, or p where o has no number; p's new keys added. */
static void
blend_value(cJSON *parent, const char *key, const cJSON *p, double alpha, int add)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(parent, key);

	if (!cJSON_IsNumber(p))
		return;
	if (o == NULL)
		cJSON_AddItemToObject(parent, key, cJSON_Duplicate(p, 1));
	else if (!cJSON_IsNumber(o))
		cJSON_ReplaceItemInObjectCaseSensitive(parent, key, cJSON_Duplicate(p, 1));
	else
		cJSON_SetNumberValue(o, add ? o->valuedouble + p->valuedouble :
		    (1 - alpha) * o->valuedouble + alpha * p->valuedouble);
}

static void
blend_object(cJSON *parent, const char *key, const cJSON *part, double alpha)
{
	const cJSON *p, *from = cJSON_GetObjectItemCaseSensitive(part, key);
	cJSON *into = cJSON_GetObjectItemCaseSensitive(parent, key);

	if (!cJSON_IsObject(from))
		return;
	if (!cJSON_IsObject(into)) {
		cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
		cJSON_AddItemToObject(parent, key, cJSON_Duplicate(from, 1));
		return;
	}
	cJSON_ArrayForEach(p, from)
		blend_value(into, p->string, p, alpha, 0);
}

static void
blend_section(cJSON *sec, const cJSON *part, double alpha)
{
	const cJSON *pstats = cJSON_GetObjectItemCaseSensitive(part, "stats");
	cJSON *stats = cJSON_GetObjectItemCaseSensitive(sec, "stats");
	int i;

	for (i = 0; blended[i]; i++)
		blend_object(sec, blended[i], part, alpha);
	if (!cJSON_IsObject(pstats))
		return;
	if (!cJSON_IsObject(stats)) {
		blend_object(sec, "stats", part, alpha);
		return;
	}
	for (i = 0; counts[i]; i++)
		blend_value(stats, counts[i],
		    cJSON_GetObjectItemCaseSensitive(pstats, counts[i]), alpha, 1);
	blend_value(stats, "avg_game_length",
	    cJSON_GetObjectItemCaseSensitive(pstats, "avg_game_length"), alpha, 0);
}

/* obj.key = x, in place when obj has the key. */
static void
set_number(cJSON *obj, const char *key, double x)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (cJSON_IsNumber(o))
		cJSON_SetNumberValue(o, x);
	else if (o)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, cJSON_CreateNumber(x));
	else
		cJSON_AddNumberToObject(obj, key, x);
}

/*
 * The seven supply keys as the bot's readers need them, in a section (top:
 * the file itself): a number, or left out (a null made the older reader
 * fail), and at the top level the same number under "learned_parameters"
 * and beside it. The older reader takes learned_parameters.KEY, else KEY:
 * so does this, and one of the bot's tools reads only KEY.
 */
static void
supply_keys_fix(cJSON *sec, int top)
{
	cJSON *params;
	const cJSON *v;
	const char *key;
	size_t i;
	double x;

	if (!cJSON_IsObject(sec))
		return;
	params = cJSON_GetObjectItemCaseSensitive(sec, "learned_parameters");
	if (!cJSON_IsObject(params)) {
		cJSON_DeleteItemFromObjectCaseSensitive(sec, "learned_parameters");
		params = cJSON_AddObjectToObject(sec, "learned_parameters");
	}
	for (i = 0; (key = learned_supply_key(i)) != NULL; i++) {
		v = cJSON_GetObjectItemCaseSensitive(params, key);
		if (!cJSON_IsNumber(v) && top)
			v = cJSON_GetObjectItemCaseSensitive(sec, key);
		if (!cJSON_IsNumber(v)) {
			cJSON_DeleteItemFromObjectCaseSensitive(params, key);
			if (top)
				cJSON_DeleteItemFromObjectCaseSensitive(sec, key);
			continue;
		}
		x = v->valuedouble;
		set_number(params, key, x);
		if (top)
			set_number(sec, key, x);
	}
}

/* supply_keys_fix() for the file and each matchup section. */
static void
supply_keys_fix_all(cJSON *tree)
{
	int i;

	supply_keys_fix(tree, 1);
	for (i = 0; matchups[i]; i++)
		supply_keys_fix(cJSON_GetObjectItemCaseSensitive(tree, matchups[i]), 0);
}

static void
blend(cJSON *old, const cJSON *part, double alpha)
{
	int i;

	blend_section(old, part, alpha);
	for (i = 0; matchups[i]; i++) {
		const cJSON *ps = cJSON_GetObjectItemCaseSensitive(part, matchups[i]);
		cJSON *os = cJSON_GetObjectItemCaseSensitive(old, matchups[i]);

		if (!cJSON_IsObject(ps))
			continue;
		if (cJSON_IsObject(os))
			blend_section(os, ps, alpha);
		else
			cJSON_AddItemToObject(old, matchups[i], cJSON_Duplicate(ps, 1));
	}
}

static int
merge_alpha(const char *target, char *const *parts, int n, double alpha,
	    cJSON *tree, struct strbuf *out)
{
	char when[32];
	int i;

	/* Where a reader finds a supply value, the blend finds it too. */
	if (tree) {
		to_real_seconds(tree);
		supply_keys_fix_all(tree);
	}
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
		to_real_seconds(p);
		supply_keys_fix_all(p);
		if (tree == NULL) {
			tree = p;
			continue;
		}
		blend(tree, p, alpha);
		cJSON_Delete(p);
	}
	/* Blended under learned_parameters: the same values at the top level. */
	supply_keys_fix_all(tree);
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
	    struct strbuf *out, int quiet, struct strbuf *headline)
{
	struct strbuf why = { 0 };
	int i, changed = 0, status = 0;
	char when[32];

	for (i = 0; i < n && status == 0; i++) {
		struct learned *p;

		sb_reset(&why);
		if ((p = learned_load(parts[i], &status, &why)) == NULL) {
			warnmsg("%s: %s", parts[i], why.data);
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
	/* --json: the main section alone, a small fraction of a large file. */
	if (status == 0 && headline && l)
		learned_render_main(l, headline);
	learned_free(l);
	sb_free(&why);
	return status;
}

/* A number of obj's at key, or NULL. */
static const cJSON *
number_at(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? v : NULL;
}

/*
 * --json: the headline figures of the learned file text: the builds it
 * counted, the mean times of the first SpawningPool, Extractor and
 * Hatchery, and the seven supply medians; a figure the file lacks is left
 * out. The driver keeps them in its history, to show how the learned
 * build order moves as replays come in.
 */
static void
learned_headline(const char *text, size_t size)
{
	static const char *const timings[][2] = {
		{ "SpawningPool", "spawning_pool_time" }, { "Extractor", "extractor_time" },
		{ "Hatchery", "hatchery_time" } };
	cJSON *tree = cJSON_ParseWithLength(text, size);
	const cJSON *stats = cJSON_GetObjectItemCaseSensitive(tree, "stats");
	const cJSON *bo = cJSON_GetObjectItemCaseSensitive(tree, "build_order_timings");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(tree, "learned_parameters");
	const cJSON *v;
	struct strbuf sb = { 0 };
	size_t i;

	sb_adds(&sb, "{");
	if ((v = number_at(stats, "total_replays")) != NULL) {
		sb_adds(&sb, "\"builds\": ");
		json_number(&sb, v->valuedouble);
	}
	for (i = 0; i < sizeof timings / sizeof timings[0]; i++)
		if ((v = number_at(bo, timings[i][0])) != NULL) {
			sb_printf(&sb, "%s\"%s\": ", sb.len > 1 ? ", " : "", timings[i][1]);
			json_number(&sb, v->valuedouble);
		}
	cJSON_ArrayForEach(v, params)
		if (cJSON_IsNumber(v) && v->string) {
			sb_adds(&sb, sb.len > 1 ? ", " : "");
			json_cstring(&sb, v->string);
			sb_adds(&sb, ": ");
			json_number(&sb, v->valuedouble);
		}
	sb_adds(&sb, "}\n");
	fwrite(sb.data, 1, sb.len, stdout);
	sb_free(&sb);
	cJSON_Delete(tree);
}

int
merge_learned(const char *target, char *const *parts, int n, double alpha,
	      int quiet, int json)
{
	struct strbuf out = { 0 }, why = { 0 }, headline = { 0 };
	struct learned *l = NULL;
	cJSON *tree = NULL;
	int lock, stream, status = 0;
	char *text;
	size_t size;

	if ((lock = lock_file(target)) < 0) {
		warnmsg("%s.lock: %s", target, strerror(errno));
		return EX_IOERR;
	}
	atomic_remove_stale(target);
	/* "-", a device or a FIFO: written to, never read (it would block). */
	stream = output_kind(target) != OUTPUT_FILE;
	if (!stream && (text = file_read(target, LEARNED_SIZE_LIMIT, &size)) != NULL) {
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
	} else if (!stream && errno != ENOENT) {
		warnmsg("%s: %s", target, strerror(errno));
		status = EX_IOERR;
	}
	if (status == 0)
		status = alpha < 0 ? merge_exact(target, parts, n, l, &out, quiet,
		    json ? &headline : NULL) :
		    merge_alpha(target, parts, n, alpha, tree, &out);
	else {
		cJSON_Delete(tree);
		learned_free(l);
	}
	if (status == 0 && out.len && atomic_write(target, out.data, out.len) < 0) {
		warnmsg("%s: cannot write: %s", target, strerror(errno));
		status = EX_IOERR;
	}
	if (json && status == 0) {
		/* Nothing new merged: the headline is the target's as it is. */
		if (headline.len)
			learned_headline(headline.data, headline.len);
		else if (out.len == 0 && !stream &&
		    (text = file_read(target, LEARNED_SIZE_LIMIT, &size)) != NULL) {
			learned_headline(text, size);
			free(text);
		} else {
			learned_headline(out.data ? out.data : "", out.len);
		}
	}
	unlock_file(lock);
	sb_free(&out);
	sb_free(&why);
	sb_free(&headline);
	return status;
}
