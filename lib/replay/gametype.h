/* gametype.h - what kind of game a replay holds, and lists of kinds */
#ifndef GAMETYPE_H
#define GAMETYPE_H

#include "buildorder.h"
#include "strbuf.h"

/* The kinds of specs/build-orders.md ("What kind of game"), in this order. */
enum game_type {
	GAME_UNTOLD = 0,	/* null: the replay cannot tell */
	GAME_1V1, GAME_1V1_VS_AI, GAME_TEAM, GAME_TEAM_WITH_AI, GAME_COOP,
	GAME_ARCADE,
	N_GAME_TYPES
};

/* A set of kinds, bit (1 << type) each; "any" holds the untold ones too. */
#define GAME_TYPES_ANY		((1u << N_GAME_TYPES) - 1)
#define GAME_TYPES_DEFAULT	(1u << GAME_1V1)

/* The kind of g, from its details, attributes and tracker start (g->start). */
enum game_type game_type_of(const struct game *g);

/* "1v1", "1v1-vs-AI", ...; NULL for GAME_UNTOLD (null in JSON). */
const char *game_type_name(int type);

/*
 * A comma-separated list of kinds, or "any", in any case, to a set.
 * Returns 0, or -1 with the words that may be used appended to why.
 */
int game_types_parse(const char *list, unsigned *set, struct strbuf *why);

/* The set as game_types_parse() reads it: "any", or names in the order above. */
void game_types_text(unsigned set, struct strbuf *out);

#endif
