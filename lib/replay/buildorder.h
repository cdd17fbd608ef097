/* buildorder.h - the build-order rules of specs/build-orders.md */
#ifndef BUILDORDER_H
#define BUILDORDER_H

#include <stddef.h>
#include <stdint.h>

#include "replay.h"
#include "strbuf.h"

enum item_kind { KIND_UNIT, KIND_BUILDING, KIND_UPGRADE };
enum item_event { ITEM_INIT, ITEM_BORN, ITEM_MORPH, ITEM_UPGRADE };

struct bo_item {
	uint32_t loop;
	uint32_t done_loop;
	const char *name;	/* points into the replay's tracker data */
	uint32_t name_len;
	uint8_t kind, event;
	uint8_t has_done, has_supply;
	double supply, supply_cap;
};

struct build_order {
	struct bo_item *items;
	size_t n, cap;
};

/* What the tracker shows of how a player began and played (gametype.c). */
struct player_start {
	uint32_t units;		/* units born to the player at loop 0 */
	uint8_t town_hall;	/* a town hall among them */
	uint8_t worker;		/* a worker among them */
	uint32_t upgrades;	/* Upgrade events, every one */
};

/* A replay with a build order for each entry of its player list. */
struct game {
	struct replay replay;
	struct build_order *orders;	/* indexed by pid - 1 */
	const char **race;		/* English race, or the details string */
	struct player_start *start;	/* indexed by pid - 1 */
	int type;			/* enum game_type (gametype.h) */
};

/*
 * Walk g->replay's tracker events and fill the build orders and races.
 * Returns 0, or -1 with a reason appended to why when the tracker data is
 * damaged.
 */
int buildorder_analyze(struct game *g, struct strbuf *why);
/* True for the entries of the player list that are players, not observers. */
int game_is_player(const struct game *g, int64_t pid);
void game_free(struct game *g);

#endif
