/*
 * learned.c - learned_build_orders.json: aggregate, merge, render
 *
 * Everything the file shows is derived from integer state: sums of game
 * loops, counts, and multisets of supply values in the tracker's fixed
 * point (1/4096). Merging two summaries of disjoint replay sets adds that
 * state, so the result is exactly the summary of their union, in any order
 * and grouping; only rendering rounds.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "jsonw.h"
#include "learned.h"

#define LOOPS_PER_REAL_SECOND	22.4
#define STATE_FORMAT		1

enum section_id { SECTION_ALL, SECTION_VS_TERRAN, SECTION_VS_PROTOSS,
	SECTION_VS_ZERG, N_SECTIONS };
static const char *const section_keys[N_SECTIONS] = {
	"all", "vs_terran", "vs_protoss", "vs_zerg"
};

/* The supply an older reader looks up, of the first item of a name and event. */
static const struct {
	const char *key, *name;
	enum item_event event;
} supply_keys[] = {
	{ "spawning_pool_supply", "SpawningPool", ITEM_INIT },
	{ "gas_supply", "Extractor", ITEM_INIT },
	{ "natural_expansion_supply", "Hatchery", ITEM_INIT },
	{ "roach_warren_supply", "RoachWarren", ITEM_INIT },
	{ "hydralisk_den_supply", "HydraliskDen", ITEM_INIT },
	{ "lair_supply", "Lair", ITEM_MORPH },
	{ "hive_supply", "Hive", ITEM_MORPH },
};
#define N_SUPPLY_KEYS	(sizeof supply_keys / sizeof supply_keys[0])
#define N_EXPANSIONS	3
static const char *const expansion_keys[N_EXPANSIONS] = {
	"second_base", "third_base", "fourth_base"
};

struct name_stat {
	char *name;
	int64_t builds;		/* counted builds that have the name */
	int64_t first_loops;	/* sum of the loop of its first item in each */
	int64_t items;		/* unit, building and morph items of the name */
	uint64_t seen_in;	/* the build that touched it last (not state) */
};

struct multiset {
	int64_t *v;		/* supply * 4096 */
	size_t n, cap;
};

struct section {
	struct name_stat *names;	/* open addressing, cap a power of two */
	size_t n_names, cap;
	int64_t items;			/* all unit, building and morph items */
	int64_t expansions[N_EXPANSIONS], expansion_loops[N_EXPANSIONS];
	struct multiset supply[N_SUPPLY_KEYS];
	int64_t builds;			/* counted builds */
	int64_t replays;		/* replays with a counted build */
	int64_t replay_loops;		/* their lengths, summed */
};

struct learned {
	struct learned_filter filter;
	int64_t total_replays;
	struct section sections[N_SECTIONS];
	char (*hashes)[LEARNED_HASH_LEN + 1];	/* in the order added */
	size_t n_hashes, cap_hashes;
	size_t *hash_index;	/* open addressing: 1 + position in hashes, 0 empty */
	size_t index_cap;
	uint64_t build_serial;
};

void
learned_filter_defaults(struct learned_filter *f)
{
	f->race = RACE_ZERG;
	f->winners_only = 1;
	f->min_seconds = 0;
	f->max_seconds = HUGE_VAL;
}

struct learned *
learned_new(const struct learned_filter *f)
{
	struct learned *l = xcalloc(1, sizeof *l);

	l->filter = *f;
	return l;
}

void
learned_free(struct learned *l)
{
	size_t s, i;

	if (l == NULL)
		return;
	for (s = 0; s < N_SECTIONS; s++) {
		for (i = 0; i < l->sections[s].cap; i++)
			free(l->sections[s].names[i].name);
		free(l->sections[s].names);
		for (i = 0; i < N_SUPPLY_KEYS; i++)
			free(l->sections[s].supply[i].v);
	}
	free(l->hashes);
	free(l->hash_index);
	free(l);
}

static uint64_t
hash_name(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static struct name_stat *
name_slot(struct name_stat *table, size_t cap, const char *s, size_t n)
{
	size_t i = hash_name(s, n) & (cap - 1);

	while (table[i].name && (strlen(table[i].name) != n ||
	    memcmp(table[i].name, s, n) != 0))
		i = (i + 1) & (cap - 1);
	return &table[i];
}

static struct name_stat *
name_get(struct section *sec, const char *s, size_t n)
{
	struct name_stat *st;

	if ((sec->n_names + 1) * 2 > sec->cap) {
		struct name_stat *old = sec->names;
		size_t old_cap = sec->cap, i;

		sec->cap = old_cap ? old_cap * 2 : 64;
		sec->names = xcalloc(sec->cap, sizeof sec->names[0]);
		for (i = 0; i < old_cap; i++)
			if (old[i].name)
				*name_slot(sec->names, sec->cap, old[i].name,
				    strlen(old[i].name)) = old[i];
		free(old);
	}
	st = name_slot(sec->names, sec->cap, s, n);
	if (st->name == NULL) {
		st->name = xmalloc(n + 1);
		memcpy(st->name, s, n);
		st->name[n] = '\0';
		sec->n_names++;
	}
	return st;
}

static void
multiset_add(struct multiset *m, int64_t v)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->v = xreallocarray(m->v, m->cap, sizeof m->v[0]);
	}
	m->v[m->n++] = v;
}

static void
add_build(struct learned *l, struct section *sec, const struct build_order *bo)
{
	uint64_t serial = ++l->build_serial;
	int supply_done[N_SUPPLY_KEYS] = { 0 };
	size_t i, k, halls = 0;

	sec->builds++;
	for (i = 0; i < bo->n; i++) {
		const struct bo_item *it = &bo->items[i];
		struct name_stat *st = name_get(sec, it->name, it->name_len);

		if (st->seen_in != serial) {
			st->seen_in = serial;
			st->builds++;
			st->first_loops += it->loop;
		}
		if (it->kind != KIND_UPGRADE) {
			st->items++;
			sec->items++;
		}
		if (it->event == ITEM_INIT && town_hall_race(it->name, it->name_len) && halls < N_EXPANSIONS) {
			sec->expansions[halls]++;
			sec->expansion_loops[halls++] += it->loop;
		}
		for (k = 0; k < N_SUPPLY_KEYS; k++) {
			if (supply_done[k] || it->event != supply_keys[k].event ||
			    strlen(supply_keys[k].name) != it->name_len ||
			    memcmp(supply_keys[k].name, it->name, it->name_len) != 0)
				continue;
			/* Only the first such item counts, with or without supply. */
			supply_done[k] = 1;
			if (it->has_supply)
				multiset_add(&sec->supply[k],
				    (int64_t)llround(it->supply * 4096));
		}
	}
}

static int
race_matches(int filter, const char *race)
{
	switch (filter) {
	case RACE_TERRAN: return strcmp(race, "Terran") == 0;
	case RACE_PROTOSS: return strcmp(race, "Protoss") == 0;
	case RACE_ZERG: return strcmp(race, "Zerg") == 0;
	default: return 1;
	}
}

/* The index slot for md5: where it is, or the empty slot where it would go. */
static size_t *
hash_slot(const struct learned *l, const char *md5)
{
	size_t i = hash_name(md5, strlen(md5)) & (l->index_cap - 1);

	while (l->hash_index[i] &&
	    strcmp(l->hashes[l->hash_index[i] - 1], md5) != 0)
		i = (i + 1) & (l->index_cap - 1);
	return &l->hash_index[i];
}

static int
has_hash(const struct learned *l, const char *md5)
{
	return l->index_cap && *hash_slot(l, md5) != 0;
}

/* Record a replay; 0 when it was already recorded (counted once, by content). */
static int
add_hash(struct learned *l, const char *md5)
{
	size_t *slot, i;

	if ((l->n_hashes + 1) * 2 > l->index_cap) {
		free(l->hash_index);
		l->index_cap = l->index_cap ? l->index_cap * 2 : 128;
		l->hash_index = xcalloc(l->index_cap, sizeof l->hash_index[0]);
		for (i = 0; i < l->n_hashes; i++)
			*hash_slot(l, l->hashes[i]) = i + 1;
	}
	slot = hash_slot(l, md5);
	if (*slot)
		return 0;
	if (l->n_hashes == l->cap_hashes) {
		l->cap_hashes = l->cap_hashes ? l->cap_hashes * 2 : 64;
		l->hashes = xreallocarray(l->hashes, l->cap_hashes,
		    sizeof l->hashes[0]);
	}
	snprintf(l->hashes[l->n_hashes++], LEARNED_HASH_LEN + 1, "%s", md5);
	*slot = l->n_hashes;
	return 1;
}

enum learned_overlap
learned_overlap(const struct learned *l, const struct learned *part)
{
	size_t i, shared = 0;

	for (i = 0; i < part->n_hashes; i++)
		shared += has_hash(l, part->hashes[i]);
	if (shared == part->n_hashes)
		return OVERLAP_ALL;
	return shared ? OVERLAP_PART : OVERLAP_NONE;
}

/* The matchup section of a 1v1 (two players on different teams), or -1. */
static int
matchup(const struct game *g, size_t me)
{
	size_t i, n = 0, other = 0;
	const char *race;

	for (i = 0; i < g->replay.n_players; i++) {
		if (g->replay.players[i].observe)
			continue;
		n++;
		if (i != me)
			other = i;
	}
	if (n != 2 || g->replay.players[other].team == g->replay.players[me].team)
		return -1;
	race = g->race[other];
	if (strcmp(race, "Terran") == 0) return SECTION_VS_TERRAN;
	if (strcmp(race, "Protoss") == 0) return SECTION_VS_PROTOSS;
	if (strcmp(race, "Zerg") == 0) return SECTION_VS_ZERG;
	return -1;
}

void
learned_add_game(struct learned *l, const struct game *g, const char *md5)
{
	double seconds = g->replay.loops / LOOPS_PER_REAL_SECOND;
	int counted[N_SECTIONS] = { 0 };
	size_t i, s;

	if (!add_hash(l, md5))
		return;		/* the same replay twice: counted once */
	if (seconds < l->filter.min_seconds || seconds > l->filter.max_seconds)
		return;
	l->total_replays++;
	for (i = 0; i < g->replay.n_players; i++) {
		const struct player *p = &g->replay.players[i];
		int vs;

		if (p->observe || !race_matches(l->filter.race, g->race[i]) ||
		    (l->filter.winners_only && p->result != 1))
			continue;
		add_build(l, &l->sections[SECTION_ALL], &g->orders[i]);
		counted[SECTION_ALL] = 1;
		if ((vs = matchup(g, i)) >= 0) {
			add_build(l, &l->sections[vs], &g->orders[i]);
			counted[vs] = 1;
		}
	}
	for (s = 0; s < N_SECTIONS; s++) {
		if (counted[s]) {
			l->sections[s].replays++;
			l->sections[s].replay_loops += g->replay.loops;
		}
	}
}

/* ---- rendering ---- */

static double
round_to(double x, double scale)
{
	return round(x * scale) / scale;
}

static double
mean_seconds(int64_t loops, int64_t count)
{
	return count ? round_to((double)loops / (double)count /
	    LOOPS_PER_REAL_SECOND, 100) : 0.0;
}

static int
compare_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The values in ascending order, in a new array (the multiset keeps arrival order). */
static int64_t *
sorted_copy(const struct multiset *m)
{
	int64_t *v = xmalloc((m->n + 1) * sizeof v[0]);

	if (m->n) {
		memcpy(v, m->v, m->n * sizeof v[0]);
		qsort(v, m->n, sizeof v[0], compare_int64);
	}
	return v;
}

static void
render_median(struct strbuf *out, const struct multiset *m)
{
	int64_t *v;
	double median;

	if (m->n == 0) {
		sb_adds(out, "null");
		return;
	}
	v = sorted_copy(m);
	if (m->n % 2)
		median = (double)v[m->n / 2] / 4096;
	else
		median = ((double)v[m->n / 2 - 1] + (double)v[m->n / 2]) / 8192;
	free(v);
	json_number(out, median);
}

struct ranked {
	const struct name_stat *st;
	double value;
};

static int
compare_ranked_up(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return strcmp(x->st->name, y->st->name);
}

static int
compare_ranked_down(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return strcmp(x->st->name, y->st->name);
}

/* An object of name -> value, for the names that pick() accepts, in order. */
static void
render_ranked(struct strbuf *out, const struct section *sec, int timings)
{
	struct ranked *r = xcalloc(sec->n_names, sizeof r[0]);
	size_t i, n = 0;

	for (i = 0; i < sec->cap; i++) {
		const struct name_stat *st = &sec->names[i];

		if (st->name == NULL || (timings ? st->builds : st->items) == 0)
			continue;
		r[n].st = st;
		r[n++].value = timings ? mean_seconds(st->first_loops, st->builds) :
		    round_to((double)st->items / (double)sec->items, 10000);
	}
	qsort(r, n, sizeof r[0], timings ? compare_ranked_up : compare_ranked_down);
	sb_addc(out, '{');
	for (i = 0; i < n; i++) {
		if (i)
			sb_adds(out, ", ");
		json_cstring(out, r[i].st->name);
		sb_adds(out, ": ");
		json_float(out, r[i].value);
	}
	sb_addc(out, '}');
	free(r);
}

static void
render_section(struct strbuf *out, const struct learned *l,
	       const struct section *sec, int64_t total_replays)
{
	size_t i;

	sb_adds(out, "{\"build_order_timings\": ");
	render_ranked(out, sec, 1);
	sb_adds(out, ", \"unit_priorities\": ");
	render_ranked(out, sec, 0);
	sb_adds(out, ", \"expansion_timings\": {");
	for (i = 0; i < N_EXPANSIONS; i++) {
		sb_printf(out, "%s\"%s\": ", i ? ", " : "", expansion_keys[i]);
		json_float(out, mean_seconds(sec->expansion_loops[i],
		    sec->expansions[i]));
	}
	sb_printf(out, "}, \"stats\": {\"total_replays\": %lld, \"zerg_wins\": %lld, "
	    "\"avg_game_length\": ", (long long)total_replays,
	    (long long)sec->builds);
	json_float(out, mean_seconds(sec->replay_loops, sec->replays));
	sb_adds(out, ", \"common_openers\": {}}, \"learned_parameters\": {");
	for (i = 0; i < N_SUPPLY_KEYS; i++) {
		sb_printf(out, "%s\"%s\": ", i ? ", " : "", supply_keys[i].key);
		render_median(out, &sec->supply[i]);
	}
	sb_addc(out, '}');
	(void)l;
}

static const char *
race_name(int race)
{
	static const char *const names[] = { "any", "terran", "protoss", "zerg" };

	return race >= 0 && race <= 3 ? names[race] : "any";
}

static int
compare_hashes(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
render_state(struct strbuf *out, const struct learned *l)
{
	char (*hashes)[LEARNED_HASH_LEN + 1];
	size_t s, i, k;

	sb_printf(out, "{\"format\": %d, \"replays\": [", STATE_FORMAT);
	hashes = xcalloc(l->n_hashes, sizeof hashes[0]);
	if (l->n_hashes)
		memcpy(hashes, l->hashes, l->n_hashes * sizeof hashes[0]);
	qsort(hashes, l->n_hashes, sizeof hashes[0], compare_hashes);
	for (i = 0; i < l->n_hashes; i++)
		sb_printf(out, "%s\"%s\"", i ? ", " : "", hashes[i]);
	free(hashes);
	sb_printf(out, "], \"total_replays\": %lld", (long long)l->total_replays);
	for (s = 0; s < N_SECTIONS; s++) {
		const struct section *sec = &l->sections[s];
		struct ranked *names = xcalloc(sec->n_names, sizeof names[0]);
		size_t n = 0;

		sb_printf(out, ", \"%s\": {\"builds\": %lld, \"replays\": %lld, "
		    "\"replay_loops\": %lld, \"items\": %lld, \"expansions\": [",
		    section_keys[s], (long long)sec->builds,
		    (long long)sec->replays, (long long)sec->replay_loops,
		    (long long)sec->items);
		for (i = 0; i < N_EXPANSIONS; i++)
			sb_printf(out, "%s[%lld, %lld]", i ? ", " : "",
			    (long long)sec->expansions[i],
			    (long long)sec->expansion_loops[i]);
		sb_adds(out, "], \"supply_4096\": {");
		for (k = 0; k < N_SUPPLY_KEYS; k++) {
			int64_t *v = sorted_copy(&sec->supply[k]);

			sb_printf(out, "%s\"%s\": [", k ? ", " : "", supply_keys[k].key);
			for (i = 0; i < sec->supply[k].n; i++)
				sb_printf(out, "%s%lld", i ? ", " : "", (long long)v[i]);
			sb_addc(out, ']');
			free(v);
		}
		sb_adds(out, "}, \"names\": {");
		for (i = 0; i < sec->cap; i++)
			if (sec->names[i].name)
				names[n++].st = &sec->names[i];
		qsort(names, n, sizeof names[0], compare_ranked_up);
		for (i = 0; i < n; i++) {
			sb_adds(out, i ? ", " : "");
			json_cstring(out, names[i].st->name);
			sb_printf(out, ": [%lld, %lld, %lld]",
			    (long long)names[i].st->builds,
			    (long long)names[i].st->first_loops,
			    (long long)names[i].st->items);
		}
		sb_adds(out, "}}");
		free(names);
	}
	sb_addc(out, '}');
}

void
learned_render(const struct learned *l, struct strbuf *out,
	       const char *generated_at)
{
	const struct section *all = &l->sections[SECTION_ALL];
	size_t s;

	render_section(out, l, all, l->total_replays);
	/* render_section leaves the object open so the top level can go on. */
	for (s = SECTION_VS_TERRAN; s < N_SECTIONS; s++) {
		sb_printf(out, ", \"%s\": ", section_keys[s]);
		render_section(out, l, &l->sections[s], l->sections[s].replays);
		sb_addc(out, '}');
	}
	sb_printf(out, ", \"time_unit\": \"real_seconds\", \"filter\": {\"race\": "
	    "\"%s\", \"winners_only\": %s, \"min_seconds\": ",
	    race_name(l->filter.race), l->filter.winners_only ? "true" : "false");
	json_number(out, l->filter.min_seconds);
	sb_adds(out, ", \"max_seconds\": ");
	if (isinf(l->filter.max_seconds))
		sb_adds(out, "null");
	else
		json_number(out, l->filter.max_seconds);
	sb_adds(out, "}, \"generated_at\": ");
	json_cstring(out, generated_at);
	sb_adds(out, ", \"merge_state\": ");
	render_state(out, l);
	sb_adds(out, "}\n");
}

/* ---- reading back and merging ---- */

static int
race_from_name(const char *s)
{
	int r;

	for (r = RACE_ANY; r <= RACE_ZERG; r++)
		if (strcmp(s, race_name(r)) == 0)
			return r;
	return -1;
}

static int
get_int(const cJSON *o, int64_t *out)
{
	if (!cJSON_IsNumber(o) || o->valuedouble != floor(o->valuedouble) ||
	    fabs(o->valuedouble) > 9007199254740992.0)
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

		if (cJSON_GetArraySize(e) != 3)
			return -1;
		st = name_get(sec, e->string, strlen(e->string));
		if (get_int(cJSON_GetArrayItem(e, 0), &st->builds) ||
		    get_int(cJSON_GetArrayItem(e, 1), &st->first_loops) ||
		    get_int(cJSON_GetArrayItem(e, 2), &st->items))
			return -1;
	}
	return 0;
}

struct learned *
learned_parse(const char *text, size_t size, struct strbuf *why)
{
	cJSON *root = cJSON_ParseWithLength(text, size);
	const cJSON *state, *filter, *hashes, *h, *v;
	struct learned_filter f;
	struct learned *l = NULL;
	int64_t format;
	size_t s;

	if (root == NULL) {
		sb_adds(why, "not JSON");
		return NULL;
	}
	state = cJSON_GetObjectItemCaseSensitive(root, "merge_state");
	filter = cJSON_GetObjectItemCaseSensitive(root, "filter");
	if (state == NULL) {
		sb_adds(why, "no merge_state: not written by replay-analyze "
		    "(an old tool's file merges only with --alpha)");
		goto fail;
	}
	if (get_field_int(state, "format", &format) || format != STATE_FORMAT) {
		sb_adds(why, "merge_state of an unknown format");
		goto fail;
	}
	learned_filter_defaults(&f);
	v = cJSON_GetObjectItemCaseSensitive(filter, "race");
	f.race = cJSON_IsString(v) ? race_from_name(v->valuestring) : -1;
	v = cJSON_GetObjectItemCaseSensitive(filter, "winners_only");
	f.winners_only = cJSON_IsTrue(v);
	v = cJSON_GetObjectItemCaseSensitive(filter, "min_seconds");
	f.min_seconds = cJSON_IsNumber(v) ? v->valuedouble : -1;
	v = cJSON_GetObjectItemCaseSensitive(filter, "max_seconds");
	f.max_seconds = cJSON_IsNumber(v) ? v->valuedouble : HUGE_VAL;
	if (f.race < 0 || f.min_seconds < 0 || !cJSON_IsBool(
	    cJSON_GetObjectItemCaseSensitive(filter, "winners_only"))) {
		sb_adds(why, "damaged filter");
		goto fail;
	}
	l = learned_new(&f);
	hashes = cJSON_GetObjectItemCaseSensitive(state, "replays");
	if (!cJSON_IsArray(hashes) ||
	    get_field_int(state, "total_replays", &l->total_replays))
		goto damaged;
	cJSON_ArrayForEach(h, hashes) {
		if (!cJSON_IsString(h) || strlen(h->valuestring) != LEARNED_HASH_LEN)
			goto damaged;
		if (!add_hash(l, h->valuestring))
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

int
learned_merge(struct learned *into, const struct learned *from,
	      struct strbuf *why)
{
	const struct learned_filter *a = &into->filter, *b = &from->filter;
	size_t s, i, k;

	if (a->race != b->race || a->winners_only != b->winners_only ||
	    a->min_seconds != b->min_seconds || a->max_seconds != b->max_seconds) {
		sb_adds(why, "summaries made with different filters");
		return -1;
	}
	into->total_replays += from->total_replays;
	for (i = 0; i < from->n_hashes; i++)
		add_hash(into, from->hashes[i]);
	for (s = 0; s < N_SECTIONS; s++) {
		struct section *d = &into->sections[s];
		const struct section *o = &from->sections[s];

		d->builds += o->builds;
		d->replays += o->replays;
		d->replay_loops += o->replay_loops;
		d->items += o->items;
		for (i = 0; i < N_EXPANSIONS; i++) {
			d->expansions[i] += o->expansions[i];
			d->expansion_loops[i] += o->expansion_loops[i];
		}
		for (k = 0; k < N_SUPPLY_KEYS; k++)
			for (i = 0; i < o->supply[k].n; i++)
				multiset_add(&d->supply[k], o->supply[k].v[i]);
		for (i = 0; i < o->cap; i++) {
			const struct name_stat *ost = &o->names[i];
			struct name_stat *st;

			if (ost->name == NULL)
				continue;
			st = name_get(d, ost->name, strlen(ost->name));
			st->builds += ost->builds;
			st->first_loops += ost->first_loops;
			st->items += ost->items;
		}
	}
	return 0;
}
