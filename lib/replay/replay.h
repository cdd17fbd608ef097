/* replay.h - a replay's header, players and tracker events, from memory */
#ifndef REPLAY_H
#define REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "attributes.h"
#include "strbuf.h"

/* Members larger than this are refused before they are decompressed. */
#define REPLAY_MEMBER_LIMIT	(64u << 20)

struct player {
	int pid;		/* 1-based index in the details player list */
	int observe;		/* non-zero: an observer, not a player */
	char *name;		/* clan tag removed, HTML entities decoded */
	char *race;		/* as the details store it, maybe localised */
	int result;		/* 0 none, 1 win, 2 loss, 3 tie */
	int team;		/* teamId + 1 */
	int human;		/* control 2 */
	int computer;		/* control 3 */
	char toon[96];		/* "region-S2-realm-id", or "" for AI */
	int has_apm;
	double apm;
};

struct replay {
	char version[64];	/* "major.minor.revision.build" */
	int64_t build, base_build;
	uint32_t loops;		/* elapsedGameLoops */
	char *map;
	struct player *players;	/* every entry of the player list */
	size_t n_players;
	uint8_t *tracker;	/* replay.tracker.events, decompressed */
	size_t tracker_size;
	/* replay.attributes.events, when present and whole: without it a
	 * game's kind cannot be told (gametype.c) */
	int has_attributes;
	struct attributes attributes;
};

/*
 * Read what the build orders need from a replay file held in memory.
 * Returns 0, or -1 with a one-line reason in *why (the replay is then
 * already released).
 */
int replay_load(struct replay *r, const uint8_t *file, size_t size,
		struct strbuf *why);
void replay_free(struct replay *r);

#endif
