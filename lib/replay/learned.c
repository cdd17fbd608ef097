/*
 * learned.c - learned_build_orders.json: the state, counting and merging
 *
 * Everything the file shows is derived from integer state: sums of game
 * loops, counts, and multisets of supply values in the tracker's fixed
 * point (protocol.h: SUPPLY_ONE). Merging two summaries of disjoint replay
 * sets adds that state, so the result is exactly the summary of their
 * union, in any order and grouping; only rendering (learned_render.c)
 * rounds. This file needs the unit facts (units.c) but not the decoder, so
 * merge-results links no MPQ reader.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "gametype.h"
#include "learned_state.h"
#include "protocol.h"
#include "units.h"

const char *const section_keys[N_SECTIONS] = {
	"all", "vs_terran", "vs_protoss", "vs_zerg"
};

const struct supply_key supply_keys[] = {
	{ "spawning_pool_supply", "SpawningPool", ITEM_INIT },
	{ "gas_supply", "Extractor", ITEM_INIT },
	{ "natural_expansion_supply", "Hatchery", ITEM_INIT },
	{ "roach_warren_supply", "RoachWarren", ITEM_INIT },
	{ "hydralisk_den_supply", "HydraliskDen", ITEM_INIT },
	{ "lair_supply", "Lair", ITEM_MORPH },
	{ "hive_supply", "Hive", ITEM_MORPH },
};
_Static_assert(sizeof supply_keys / sizeof supply_keys[0] == N_SUPPLY_KEYS,
    "N_SUPPLY_KEYS counts supply_keys");

const char *
learned_supply_key(size_t i)
{
	return i < N_SUPPLY_KEYS ? supply_keys[i].key : NULL;
}

const char *const expansion_keys[N_EXPANSIONS] = {
	"second_base", "third_base", "fourth_base"
};

void
learned_filter_defaults(struct learned_filter *f)
{
	f->race = RACE_ZERG;
	f->winners_only = 1;
	f->min_seconds = 0;
	f->max_seconds = HUGE_VAL;
	f->game_types = GAME_TYPES_DEFAULT;
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
		hashmap_free(&l->sections[s].names);
		free(l->sections[s].stats);
		for (i = 0; i < N_SUPPLY_KEYS; i++)
			free(l->sections[s].supply[i].v);
	}
	hashmap_free(&l->replays);
	free(l);
}

struct name_stat *
section_name(struct section *sec, const char *s, size_t n)
{
	int added;
	size_t *at = hashmap_put(&sec->names, s, n, &added);

	if (added) {
		size_t i = sec->names.n - 1;

		if (i == sec->cap_stats) {
			sec->cap_stats = sec->cap_stats ? sec->cap_stats * 2 : 64;
			sec->stats = xreallocarray(sec->stats, sec->cap_stats,
			    sizeof sec->stats[0]);
		}
		memset(&sec->stats[i], 0, sizeof sec->stats[i]);
		*at = i;
	}
	return &sec->stats[*at];
}

void
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
		struct name name = { it->name, it->name_len };
		struct name_stat *st = section_name(sec, name.s, name.n);

		if (st->seen_in != serial) {
			st->seen_in = serial;
			st->builds++;
			st->first_loops += it->loop;
		}
		if (it->kind != KIND_UPGRADE) {
			st->items++;
			sec->items++;
		}
		if (it->event == ITEM_INIT && town_hall_race(name) &&
		    halls < N_EXPANSIONS) {
			sec->expansions[halls]++;
			sec->expansion_loops[halls++] += it->loop;
		}
		for (k = 0; k < N_SUPPLY_KEYS; k++) {
			if (supply_done[k] || it->event != supply_keys[k].event ||
			    !name_is(name, supply_keys[k].name))
				continue;
			/* Only the first such item counts, with or without supply. */
			supply_done[k] = 1;
			if (it->has_supply)
				multiset_add(&sec->supply[k],
				    (int64_t)llround(it->supply * SUPPLY_ONE));
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

int
learned_add_replay(struct learned *l, const char *md5)
{
	int added;

	hashmap_put_str(&l->replays, md5, &added);
	return added;
}

int
learned_has_replay(const struct learned *l, const char *md5)
{
	return hashmap_get_str(&l->replays, md5) != NULL;
}

enum learned_overlap
learned_overlap(const struct learned *l, const struct learned *part)
{
	size_t i, shared = 0;

	for (i = 0; i < part->replays.n; i++)
		shared += learned_has_replay(l, hashmap_key(&part->replays, i));
	if (shared == part->replays.n)
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

	if (!learned_add_replay(l, md5))
		return;		/* the same replay twice: counted once */
	if (seconds < l->filter.min_seconds || seconds > l->filter.max_seconds ||
	    !(l->filter.game_types & 1u << g->type))
		return;
	l->total_replays++;
	for (i = 0; i < g->replay.n_players; i++) {
		const struct player *p = &g->replay.players[i];
		int vs;

		if (p->observe || !race_matches(l->filter.race, g->race[i]) ||
		    (l->filter.winners_only && p->result != RESULT_WIN))
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

const char *
race_filter_name(int race)
{
	static const char *const names[] = { "any", "terran", "protoss", "zerg" };

	return race >= RACE_ANY && race <= RACE_ZERG ? names[race] : "any";
}

/* One side's --min-seconds or --max-seconds: "none" for no bound. */
static void
seconds_text(struct strbuf *why, double v)
{
	if (isinf(v))
		sb_adds(why, "none");
	else
		sb_printf(why, "%g", v);
}

/* " OPTION FROM here, INTO in the target;" */
static void
seconds_difference(struct strbuf *why, const char *option, double from,
		   double into)
{
	sb_printf(why, " %s ", option);
	seconds_text(why, from);
	sb_adds(why, " here, ");
	seconds_text(why, into);
	sb_adds(why, " in the target;");
}

/*
 * Which filters differ, as options, so the user knows which side to make
 * again: from is "this file" (the summary named in the message), into
 * "the target" (the file merged into, or the summaries before it).
 */
static void
filter_differences(const struct learned_filter *into,
		   const struct learned_filter *from, struct strbuf *why)
{
	sb_adds(why, "summaries made with different filters:");
	if (into->race != from->race)
		sb_printf(why, " --race %s here, %s in the target;",
		    race_filter_name(from->race), race_filter_name(into->race));
	if (into->winners_only != from->winners_only)
		sb_printf(why, " %s here, %s in the target;",
		    from->winners_only ? "winners only" : "--all-results",
		    into->winners_only ? "winners only" : "--all-results");
	if (into->min_seconds != from->min_seconds)
		seconds_difference(why, "--min-seconds", from->min_seconds,
		    into->min_seconds);
	if (into->max_seconds != from->max_seconds)
		seconds_difference(why, "--max-seconds", from->max_seconds,
		    into->max_seconds);
	if (into->game_types != from->game_types) {
		sb_adds(why, " --game-type ");
		game_types_text(from->game_types, why);
		sb_adds(why, " here, ");
		game_types_text(into->game_types, why);
		sb_adds(why, " in the target;");
	}
	/* The last ';' goes: the line ends with the last difference. */
	why->data[--why->len] = '\0';
}

int
learned_merge(struct learned *into, const struct learned *from,
	      struct strbuf *why)
{
	const struct learned_filter *a = &into->filter, *b = &from->filter;
	size_t s, i, k;

	if (a->race != b->race || a->winners_only != b->winners_only ||
	    a->min_seconds != b->min_seconds || a->max_seconds != b->max_seconds ||
	    a->game_types != b->game_types) {
		filter_differences(a, b, why);
		return -1;
	}
	into->total_replays += from->total_replays;
	for (i = 0; i < from->replays.n; i++)
		learned_add_replay(into, hashmap_key(&from->replays, i));
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
		for (i = 0; i < o->names.n; i++) {
			const struct name_stat *ost = &o->stats[i];
			const char *name = hashmap_key(&o->names, i);
			struct name_stat *st = section_name(d, name, strlen(name));

			st->builds += ost->builds;
			st->first_loops += ost->first_loops;
			st->items += ost->items;
		}
	}
	return 0;
}
