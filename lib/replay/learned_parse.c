/*
 * learned_parse.c - reading learned_build_orders.json back into its state
 * (learned_load: from a file, for merge-results and --skip-known)
 *
 * Only merge_state and the filter are read: everything else in the file is
 * derived from them and is rendered again after a merge. Numbers must be
 * integers a double holds exactly (a file is text that anyone may have
 * edited); anything else is a damaged state, refused whole. Names are
 * what a replay's names may be (UTF-8 without NUL, each once in its
 * section): a file that reads is one that renders, reads back and renders
 * to the same bytes, whoever wrote it.
 *
 * It implements learned_parse() of learned.h, over learned_state.h: one
 * concern of the learned file, its own unit, no header of its own.
 */
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "file.h"
#include "gametype.h"
#include "learned_state.h"
#include "units.h"

/* Integers up to 2^53 are exact in a JSON number. */
#define EXACT_INTEGER_LIMIT	9007199254740992.0

static int
race_from_name(const char *s)
{
	int r;

	for (r = RACE_ANY; r <= RACE_ZERG; r++)
		if (strcmp(s, race_filter_name(r)) == 0)
			return r;
	return -1;
}

static int
get_int(const cJSON *o, int64_t *out)
{
	if (!cJSON_IsNumber(o) || o->valuedouble != floor(o->valuedouble) ||
	    fabs(o->valuedouble) > EXACT_INTEGER_LIMIT)
		return -1;
	*out = (int64_t)o->valuedouble;
	return 0;
}

static int
get_field_int(const cJSON *o, const char *key, int64_t *out)
{
	return get_int(cJSON_GetObjectItemCaseSensitive(o, key), out);
}

static int
parse_section(struct section *sec, const cJSON *j)
{
	const cJSON *e, *names, *supply;
	size_t i;

	if (!cJSON_IsObject(j) || get_field_int(j, "builds", &sec->builds) ||
	    get_field_int(j, "replays", &sec->replays) ||
	    get_field_int(j, "replay_loops", &sec->replay_loops) ||
	    get_field_int(j, "items", &sec->items))
		return -1;
	e = cJSON_GetObjectItemCaseSensitive(j, "expansions");
	if (cJSON_GetArraySize(e) != N_EXPANSIONS)
		return -1;
	for (i = 0; i < N_EXPANSIONS; i++) {
		const cJSON *pair = cJSON_GetArrayItem(e, (int)i);

		if (cJSON_GetArraySize(pair) != 2 ||
		    get_int(cJSON_GetArrayItem(pair, 0), &sec->expansions[i]) ||
		    get_int(cJSON_GetArrayItem(pair, 1), &sec->expansion_loops[i]))
			return -1;
	}
	supply = cJSON_GetObjectItemCaseSensitive(j, "supply_4096");
	for (i = 0; i < N_SUPPLY_KEYS; i++) {
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(supply,
		    supply_keys[i].key), *v;
		int64_t x;

		if (!cJSON_IsArray(list))
			return -1;
		cJSON_ArrayForEach(v, list) {
			if (get_int(v, &x))
				return -1;
			multiset_add(&sec->supply[i], x);
		}
	}
	names = cJSON_GetObjectItemCaseSensitive(j, "names");
	if (!cJSON_IsObject(names))
		return -1;
	cJSON_ArrayForEach(e, names) {
		struct name_stat *st;

		struct name name = { e->string, strlen(e->string) };
		size_t before = sec->names.n;

		if (cJSON_GetArraySize(e) != 3 || !name_is_text(name))
			return -1;
		st = section_name(sec, name.s, name.n);
		if (sec->names.n == before)
			return -1;	/* a duplicate key */
		if (get_int(cJSON_GetArrayItem(e, 0), &st->builds) ||
		    get_int(cJSON_GetArrayItem(e, 1), &st->first_loops) ||
		    get_int(cJSON_GetArrayItem(e, 2), &st->items))
			return -1;
	}
	return 0;
}

/* The filter a file was made with; 0, or -1 when it is damaged. */
static int
parse_filter(const cJSON *filter, struct learned_filter *f)
{
	const cJSON *v;

	learned_filter_defaults(f);
	v = cJSON_GetObjectItemCaseSensitive(filter, "race");
	f->race = cJSON_IsString(v) ? race_from_name(v->valuestring) : -1;
	v = cJSON_GetObjectItemCaseSensitive(filter, "winners_only");
	f->winners_only = cJSON_IsTrue(v);
	v = cJSON_GetObjectItemCaseSensitive(filter, "min_seconds");
	f->min_seconds = cJSON_IsNumber(v) ? v->valuedouble : -1;
	v = cJSON_GetObjectItemCaseSensitive(filter, "max_seconds");
	f->max_seconds = cJSON_IsNumber(v) ? v->valuedouble : HUGE_VAL;
	/* Finite, as they render: 1e400 reads as infinity and renders as null. */
	if (f->race < 0 || !(f->min_seconds >= 0 && isfinite(f->min_seconds)) ||
	    (cJSON_IsNumber(v) && !isfinite(v->valuedouble)) || !cJSON_IsBool(
	    cJSON_GetObjectItemCaseSensitive(filter, "winners_only")))
		return -1;
	/* A file from before this filter counted every kind of game. */
	v = cJSON_GetObjectItemCaseSensitive(filter, "game_type");
	f->game_types = GAME_TYPES_ANY;
	if (v != NULL) {
		struct strbuf why = { 0 };
		int rc = cJSON_IsString(v) ? game_types_parse(v->valuestring,
		    &f->game_types, &why) : -1;

		sb_free(&why);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/*
 * Whether the text holds a NUL, raw or escaped (\u0000): cJSON hands
 * strings over NUL-terminated, so a name "A\u0000B" would be read as "A".
 */
static int
holds_nul(const char *text, size_t size)
{
	size_t i;

	if (memchr(text, '\0', size) != NULL)
		return 1;
	for (i = 0; i + 1 < size; i++)
		if (text[i] == '\\') {
			if (text[i + 1] == 'u' && size - i >= 6 &&
			    memcmp(text + i + 2, "0000", 4) == 0)
				return 1;
			i++;	/* the escaped character: "\\u0000" is no NUL */
		}
	return 0;
}

struct learned *
learned_parse(const char *text, size_t size, struct strbuf *why)
{
	cJSON *root;
	const cJSON *state, *hashes, *h;
	struct learned_filter f;
	struct learned *l = NULL;
	int64_t format;
	size_t s;

	if (holds_nul(text, size)) {
		sb_adds(why, "a NUL in the text: not a summary");
		return NULL;
	}
	if ((root = cJSON_ParseWithLength(text, size)) == NULL) {
		sb_adds(why, "not JSON");
		return NULL;
	}
	state = cJSON_GetObjectItemCaseSensitive(root, "merge_state");
	if (state == NULL) {
		sb_adds(why, "no merge_state: not written by replay-analyze "
		    "(an old tool's file merges only with --alpha)");
		goto fail;
	}
	if (get_field_int(state, "format", &format) || format != STATE_FORMAT) {
		sb_adds(why, "merge_state of an unknown format");
		goto fail;
	}
	if (parse_filter(cJSON_GetObjectItemCaseSensitive(root, "filter"),
	    &f) < 0) {
		sb_adds(why, "damaged filter");
		goto fail;
	}
	l = learned_new(&f);
	hashes = cJSON_GetObjectItemCaseSensitive(state, "replays");
	if (!cJSON_IsArray(hashes) ||
	    get_field_int(state, "total_replays", &l->total_replays))
		goto damaged;
	cJSON_ArrayForEach(h, hashes) {
		/* A replay is known by its MD5: 32 hex digits, nothing else. */
		if (!cJSON_IsString(h) || strlen(h->valuestring) != LEARNED_HASH_LEN ||
		    strspn(h->valuestring, "0123456789abcdef") != LEARNED_HASH_LEN)
			goto damaged;
		if (!learned_add_replay(l, h->valuestring))
			goto damaged;
	}
	for (s = 0; s < N_SECTIONS; s++)
		if (parse_section(&l->sections[s],
		    cJSON_GetObjectItemCaseSensitive(state, section_keys[s])) < 0)
			goto damaged;
	cJSON_Delete(root);
	return l;
damaged:
	sb_adds(why, "damaged merge_state");
fail:
	learned_free(l);
	cJSON_Delete(root);
	return NULL;
}

/* Why a learned file was not read, as an exit status. */
static int
read_status(int err)
{
	if (err == ENOENT || err == ENOTDIR || err == EACCES || err == EISDIR)
		return EX_NOINPUT;
	return err == EFBIG ? EX_DATAERR : EX_IOERR;
}

struct learned *
learned_load(const char *path, int *status, struct strbuf *why)
{
	struct learned *l;
	struct stat st;
	size_t size;
	char *text;

	/* Only a regular file: a FIFO would block the run, waiting for a writer. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		*status = EX_NOINPUT;
		sb_adds(why, S_ISDIR(st.st_mode) ? "is a folder, not a learned file" :
		    "not a regular file: not read");
		return NULL;
	}
	if ((text = file_read(path, LEARNED_SIZE_LIMIT, &size)) == NULL) {
		*status = read_status(errno);
		sb_adds(why, errno == EFBIG ? "larger than a learned file can be" :
		    strerror(errno));
		return NULL;
	}
	if ((l = learned_parse(text, size, why)) == NULL)
		*status = EX_DATAERR;
	free(text);
	return l;
}
