/* learned.h - learned_build_orders.json: count, merge, render, read back */
#ifndef LEARNED_H
#define LEARNED_H

#include <stddef.h>

#include "buildorder.h"
#include "strbuf.h"

/* A summary is a few MB for a million replays; a GiB is not one. */
#define LEARNED_SIZE_LIMIT	(1u << 30)

/* Replays are recorded by their hex MD5. */
#define LEARNED_HASH_LEN	32

enum race_filter { RACE_ANY = 0, RACE_TERRAN, RACE_PROTOSS, RACE_ZERG };

/*
 * Which builds count: the race, winners only, replay length in real seconds,
 * the kinds of game (a set of enum game_type, gametype.h).
 */
struct learned_filter {
	int race;
	int winners_only;
	double min_seconds;
	double max_seconds;	/* HUGE_VAL: no upper bound */
	unsigned game_types;
};

struct learned;

/*
 * The i-th of the seven supply keys an older reader looks up, under
 * "learned_parameters" and at the top level; NULL past the last.
 */
const char *learned_supply_key(size_t i);

void learned_filter_defaults(struct learned_filter *f);
struct learned *learned_new(const struct learned_filter *f);
void learned_free(struct learned *l);

/* Count one analysed replay; md5 is its content hash. */
void learned_add_game(struct learned *l, const struct game *g, const char *md5);

/*
 * The file: the keys the bot reads, per-matchup sections, and under
 * "merge_state" the exact integer sums, multisets and replay hashes from
 * which the summary of a union of disjoint replay sets is computed.
 */
void learned_render(const struct learned *l, struct strbuf *out,
		    const char *generated_at);

/*
 * Only the main section, as learned_render writes it first, as one object:
 * what merge-results --json reads its headline from, without the matchups
 * and the merge state (most of a large file).
 */
void learned_render_main(const struct learned *l, struct strbuf *out);

/* Read a rendered file back (its merge_state); NULL with a reason in why. */
struct learned *learned_parse(const char *text, size_t size, struct strbuf *why);

/*
 * Read the learned file at path, a regular file: learned_parse() of its
 * bytes. NULL with a reason in why and the exit status in *status:
 * EX_NOINPUT when it is missing, not a regular file or not readable
 * (permissions), EX_IOERR on an I/O error, EX_DATAERR when it is no
 * summary of ours or too large to be one.
 */
struct learned *learned_load(const char *path, int *status, struct strbuf *why);

/* Whether l records the replay whose hex MD5 is md5. */
int learned_has_replay(const struct learned *l, const char *md5);

enum learned_overlap {
	OVERLAP_NONE,	/* no replay of part is in l: they merge */
	OVERLAP_ALL,	/* every replay of part is in l: merging is a no-op */
	OVERLAP_PART	/* some are: merging would count them twice */
};
enum learned_overlap learned_overlap(const struct learned *l,
				     const struct learned *part);

/* into += from, for disjoint replay sets with the same filter; -1 and why if not. */
int learned_merge(struct learned *into, const struct learned *from,
		  struct strbuf *why);

#endif
