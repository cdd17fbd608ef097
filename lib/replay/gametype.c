/*
 * gametype.c - what kind of game a replay holds, and lists of kinds
 *
 * The build orders a bot learns from must come from the game it plays:
 * co-op commanders and arcade mods fill the timings with names such as
 * HotSRaptor, so the summary counts 1v1 games by default. The kind is told
 * from what the game was, never from the map's publisher (tournaments play
 * their own copies of ladder maps): a commander in the lobby is co-op; a
 * player who began without a town hall and workers, or with more upgrades
 * than melee has, played a mod; the rest is melee, by the players of the
 * details. Only struct fields are read here, so merge-results, which
 * needs the names, links no decoder.
 */
#include <string.h>
#include <strings.h>

#include "gametype.h"
#include "protocol.h"

static const char *const names[N_GAME_TYPES] = {
	[GAME_UNTOLD] = NULL, [GAME_1V1] = "1v1", [GAME_1V1_VS_AI] = "1v1-vs-AI",
	[GAME_TEAM] = "team", [GAME_TEAM_WITH_AI] = "team-with-AI",
	[GAME_COOP] = "coop", [GAME_ARCADE] = "arcade",
};

/* Co-op's human slots carry a commander; every other lobby leaves it empty. */
static int
has_commander(const struct attributes *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->v[i].id == ATTR_COMMANDER &&
		    a->v[i].scope != ATTR_SCOPE_GLOBAL && a->v[i].value[0])
			return 1;
	return 0;
}

enum game_type
game_type_of(const struct game *g)
{
	const struct replay *r = &g->replay;
	size_t i, players = 0;
	int computer = 0, began = 0, two_teams = 0, first_team = 0;

	/* Without the lobby, co-op (whose humans may begin as in melee)
	 * cannot be ruled out. */
	if (!r->has_attributes)
		return GAME_UNTOLD;
	if (has_commander(&r->attributes))
		return GAME_COOP;
	for (i = 0; i < r->n_players; i++) {
		const struct player *p = &r->players[i];
		const struct player_start *s = &g->start[i];

		if (p->observe)
			continue;
		if (s->upgrades > MELEE_UPGRADES_MAX)
			return GAME_ARCADE;
		/* A player with nothing at loop 0 (an absent computer) shows
		 * nothing; one with units there shows how the game began. */
		if (s->units) {
			if (!s->town_hall || !s->worker)
				return GAME_ARCADE;
			began = 1;
		}
		if (!p->human && !p->computer)
			return GAME_UNTOLD;
		computer |= p->computer;
		if (players++ == 0)
			first_team = p->team;
		else if (p->team != first_team)
			two_teams = 1;
	}
	/* A game resumed from a replay has no loop 0 in its tracker; a game
	 * of one team has no opponent. */
	if (!began || !two_teams)
		return GAME_UNTOLD;
	if (players == 2)
		return computer ? GAME_1V1_VS_AI : GAME_1V1;
	return computer ? GAME_TEAM_WITH_AI : GAME_TEAM;
}

const char *
game_type_name(int type)
{
	return type > GAME_UNTOLD && type < N_GAME_TYPES ? names[type] : NULL;
}

/* What a list may hold, and the word in it that is none of that. */
static void
refuse(struct strbuf *why, const char *word, size_t n)
{
	int t;

	for (t = GAME_UNTOLD + 1; t < N_GAME_TYPES; t++)
		sb_printf(why, "%s%s", names[t], t + 1 < N_GAME_TYPES ? ", " : "");
	sb_printf(why, " or any (comma-separated), not '%.*s'", (int)n, word);
}

int
game_types_parse(const char *list, unsigned *set, struct strbuf *why)
{
	const char *p = list;
	unsigned s = 0;
	int t;

	for (;;) {
		size_t n = strcspn(p, ",");

		for (t = GAME_UNTOLD + 1; t < N_GAME_TYPES; t++)
			if (strlen(names[t]) == n && strncasecmp(p, names[t], n) == 0)
				break;
		if (t < N_GAME_TYPES)
			s |= 1u << t;
		else if (n == 3 && strncasecmp(p, "any", 3) == 0)
			s |= GAME_TYPES_ANY;
		else {
			refuse(why, p, n);
			return -1;
		}
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*set = s;
	return 0;
}

void
game_types_text(unsigned set, struct strbuf *out)
{
	const char *sep = "";
	int t;

	if ((set & GAME_TYPES_ANY) == GAME_TYPES_ANY) {
		sb_adds(out, "any");
		return;
	}
	for (t = GAME_UNTOLD + 1; t < N_GAME_TYPES; t++) {
		if (set & 1u << t) {
			sb_printf(out, "%s%s", sep, names[t]);
			sep = ",";
		}
	}
}
