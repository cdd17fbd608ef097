/*
 * learned_state.h - the integer state behind learned_build_orders.json
 *
 * Shared by the files that keep it (learned.c), show it (learned_render.c)
 * and read it back (learned_parse.c), and by nothing else: the public face
 * is learned.h. Every number the file shows is derived from this state.
 */
#ifndef LEARNED_STATE_H
#define LEARNED_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "buildorder.h"
#include "hashmap.h"
#include "learned.h"

/* The merge_state layout; a reader refuses any other. */
#define STATE_FORMAT		1

enum section_id { SECTION_ALL, SECTION_VS_TERRAN, SECTION_VS_PROTOSS,
	SECTION_VS_ZERG, N_SECTIONS };
extern const char *const section_keys[N_SECTIONS];

/* The supply an older reader looks up, of the first item of a name and event. */
struct supply_key {
	const char *key, *name;
	enum item_event event;
};
#define N_SUPPLY_KEYS		7
extern const struct supply_key supply_keys[N_SUPPLY_KEYS];

#define N_EXPANSIONS		3
extern const char *const expansion_keys[N_EXPANSIONS];

struct name_stat {
	int64_t builds;		/* counted builds that have the name */
	int64_t first_loops;	/* sum of the loop of its first item in each */
	int64_t items;		/* unit, building and morph items of the name */
	uint64_t seen_in;	/* the build that touched it last (not state) */
};

struct multiset {
	int64_t *v;		/* supply in SUPPLY_ONE units, in arrival order */
	size_t n, cap;
};

struct section {
	struct hashmap names;		/* name -> index in stats */
	struct name_stat *stats;	/* in the order names were added */
	size_t cap_stats;
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
	struct hashmap replays;		/* hex MD5s, in the order added */
	uint64_t build_serial;
};

/* The stats of name s[0..n) in sec, added as zeros when new. */
struct name_stat *section_name(struct section *sec, const char *s, size_t n);
void multiset_add(struct multiset *m, int64_t v);
/* Record a replay; 0 when it was already recorded (counted once, by content). */
int learned_add_replay(struct learned *l, const char *md5);
/* "any", "terran", "protoss", "zerg" of enum race_filter. */
const char *race_filter_name(int race);

#endif
