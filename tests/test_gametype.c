/*
 * test_gametype - what kind of game a replay holds, on replays written for
 * the purpose, and the lists of kinds the summary filters by
 *
 * Each kind of specs/build-orders.md ("What kind of game") and each way a
 * replay may leave its kind untold, one written replay apiece; the fixed
 * layout of replay.attributes.events, damaged in the ways a parser must
 * refuse; the --game-type lists, and a summary that counts only the kinds
 * its filter names. The shared replays' kinds are checked against their
 * manifest by t_gametype.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attributes.h"
#include "gametype.h"
#include "learned.h"
#include "protocol.h"
#include "testutil.h"

static char dir[] = "/tmp/bgtrain-test-gt.XXXXXX";

#define HUMAN	2
#define AI	3

/* A player of team (0-based) and control, with a commander or none. */
static void
player(struct rw_replay *r, int team, int control, const char *commander)
{
	struct rw_player p = { 0 };

	p.name = control == AI ? "A.I. 1 (Elite)" : "Serral";
	p.race = "Zerg";
	p.result = team == 0 ? 1 : 2;
	p.team_id = team;
	p.control = control;
	p.program_id = control == AI ? "" : "S2";
	p.apm = -1;
	p.commander = commander;
	rw_add_player(r, &p);
}

/* A melee start for player pid: a town hall and workers at loop 0. */
static void
melee_start(struct rw_replay *r, int pid)
{
	int k;

	rw_unit_born(r, 0, pid * 100, 1, "Hatchery", pid, pid, NULL);
	for (k = 1; k <= 12; k++)
		rw_unit_born(r, 0, pid * 100 + k, 1, "Drone", pid, pid, NULL);
}

/* n players on teams[i] with controls[i], each with a melee start. */
static struct rw_replay *
melee(int n, const int *teams, const int *controls)
{
	struct rw_replay *r = rw_new();
	int i;

	for (i = 0; i < n; i++)
		player(r, teams[i], controls[i], NULL);
	for (i = 0; i < n; i++)
		melee_start(r, i + 1);
	rw_unit_init(r, 500, 9000, 1, "SpawningPool", 1);
	return r;
}

/* The kind test_analyze() finds in r, or -1 when the replay is refused. */
static int
kind(struct rw_replay *r)
{
	struct strbuf why = { 0 };
	struct game g;
	int type;

	if (test_analyze(r, dir, &g, &why) < 0) {
		printf("refused: %s\n", why.data);
		sb_free(&why);
		return -1;
	}
	type = g.type;
	game_free(&g);
	sb_free(&why);
	return type;
}

static void
test_melee(void)
{
	static const int two[] = { 0, 1 }, humans[] = { HUMAN, HUMAN, HUMAN, HUMAN };
	static const int vs_ai[] = { HUMAN, AI }, with_ai[] = { HUMAN, HUMAN, AI, AI };
	static const int two_two[] = { 0, 0, 1, 1 }, one_team[] = { 0, 0 };
	struct rw_replay *r;

	EXPECT(kind(melee(2, two, humans)) == GAME_1V1);
	EXPECT(kind(melee(2, two, vs_ai)) == GAME_1V1_VS_AI);
	EXPECT(kind(melee(4, two_two, humans)) == GAME_TEAM);
	EXPECT(kind(melee(4, two_two, with_ai)) == GAME_TEAM_WITH_AI);
	/* Three players, two teams: larger than a 1v1. */
	EXPECT(kind(melee(3, two_two + 1, humans)) == GAME_TEAM);

	/* Observers aside: two players and one who watches is a 1v1. */
	r = melee(2, two, humans);
	{
		struct rw_player obs = { 0 };

		obs.name = "caster";
		obs.race = "";
		obs.control = HUMAN;
		obs.observe = 1;
		obs.team_id = 2;
		obs.apm = -1;
		rw_add_player(r, &obs);
	}
	EXPECT(kind(r) == GAME_1V1);

	/* A computer with nothing at loop 0 shows nothing; the human began. */
	r = rw_new();
	player(r, 0, HUMAN, NULL);
	player(r, 1, AI, NULL);
	melee_start(r, 1);
	EXPECT(kind(r) == GAME_1V1_VS_AI);

	/* No opponent: one team, or one player. */
	EXPECT(kind(melee(2, one_team, humans)) == GAME_UNTOLD);
	EXPECT(kind(melee(1, two, humans)) == GAME_UNTOLD);
}

static void
test_coop_and_arcade(void)
{
	static const int two[] = { 0, 1 }, humans[] = { HUMAN, HUMAN };
	struct rw_replay *r;
	int k;

	/* Co-op: a commander in the lobby, whatever the start looks like. */
	r = rw_new();
	player(r, 0, HUMAN, "Kerr");
	player(r, 1, HUMAN, "Rayn");
	player(r, 0, AI, NULL);
	melee_start(r, 1);
	melee_start(r, 2);
	EXPECT(kind(r) == GAME_COOP);

	/* Arcade: players begin with units, but no town hall and workers. */
	r = rw_new();
	player(r, 0, HUMAN, NULL);
	player(r, 1, HUMAN, NULL);
	for (k = 1; k <= 2; k++) {
		rw_unit_born(r, 0, k * 100, 1, "Marine", k, k, NULL);
		rw_unit_born(r, 0, k * 100 + 1, 1, "SCV", k, k, NULL);
	}
	EXPECT(kind(r) == GAME_ARCADE);

	/* One player without a melee start is enough. */
	r = rw_new();
	player(r, 0, HUMAN, NULL);
	player(r, 1, HUMAN, NULL);
	melee_start(r, 1);
	rw_unit_born(r, 0, 200, 1, "DSBeacon", 2, 2, NULL);
	EXPECT(kind(r) == GAME_ARCADE);

	/* Arcade: a melee start, but more upgrades than melee has. */
	r = melee(2, two, humans);
	for (k = 0; k <= MELEE_UPGRADES_MAX; k++)
		rw_upgrade(r, 100 + (uint32_t)k, 2, "DSUpgrade", 1);
	EXPECT(kind(r) == GAME_ARCADE);
	r = melee(2, two, humans);
	for (k = 0; k < MELEE_UPGRADES_MAX; k++)
		rw_upgrade(r, 100 + (uint32_t)k, 2, "SprayTerran", 1);
	EXPECT(kind(r) == GAME_1V1);
}

static void
test_untold(void)
{
	static const int two[] = { 0, 1 }, humans[] = { HUMAN, HUMAN };
	static const uint8_t short_member[] = { 0, 0, 0, 0, 0, 1, 0, 0, 0 };
	struct rw_replay *r;

	/* No lobby: co-op cannot be ruled out. */
	r = melee(2, two, humans);
	rw_set_flags(r, RW_OMIT_ATTRIBUTES);
	EXPECT(kind(r) == GAME_UNTOLD);
	/* A lobby whose layout is wrong: untold, the build orders kept. */
	r = melee(2, two, humans);
	rw_add_member(r, MEMBER_ATTRIBUTES, short_member, sizeof short_member);
	EXPECT(kind(r) == GAME_UNTOLD);
	/* A game resumed from a replay: no loop 0 in its tracker. */
	r = rw_new();
	player(r, 0, HUMAN, NULL);
	player(r, 1, HUMAN, NULL);
	rw_unit_born(r, 5000, 100, 1, "Hatchery", 1, 1, NULL);
	EXPECT(kind(r) == GAME_UNTOLD);
	/* A player whose control is neither human nor computer. */
	r = rw_new();
	player(r, 0, HUMAN, NULL);
	player(r, 1, 1, NULL);
	melee_start(r, 1);
	melee_start(r, 2);
	EXPECT(kind(r) == GAME_UNTOLD);
}

/* A member of count records (id, scope, value bytes as stored), said count. */
static size_t
member(uint8_t *buf, uint32_t said, size_t count, const uint8_t (*rec)[6])
{
	size_t i, k, n = ATTR_HEADER_SIZE;

	memset(buf, 0, ATTR_HEADER_SIZE);
	for (k = 0; k < 4; k++)
		buf[ATTR_COUNT_OFFSET + k] = (uint8_t)(said >> (8 * k));
	for (i = 0; i < count; i++, n += ATTR_RECORD_SIZE) {
		memset(buf + n, 0, ATTR_RECORD_SIZE);
		buf[n + ATTR_ID_OFFSET] = rec[i][0];
		buf[n + ATTR_ID_OFFSET + 1] = rec[i][1];
		buf[n + ATTR_SCOPE_OFFSET] = 1;
		memcpy(buf + n + ATTR_VALUE_OFFSET, rec[i] + 2, ATTR_VALUE_SIZE);
	}
	return n;
}

static void
test_attributes_layout(void)
{
	/* 3013 = 0x0bc5: "Kerr" stored backwards; "1v1" and "t2" padded with
	 * NULs, which go; an empty value. */
	static const uint8_t recs[][6] = {
		{ 0xc5, 0x0b, 'r', 'r', 'e', 'K' },
		{ 0xd1, 0x07, '1', 'v', '1', 0 },
		{ 0xd0, 0x07, '2', 't', 0, 0 },
		{ 0xf4, 0x01, 0, 0, 0, 0 },
	};
	uint8_t buf[ATTR_HEADER_SIZE + 4 * ATTR_RECORD_SIZE + 1];
	struct strbuf why = { 0 };
	struct attributes a;
	size_t n;

	n = member(buf, 4, 4, recs);
	EXPECT(attributes_parse(&a, buf, n, &why) == 0 && a.n == 4);
	if (a.n == 4) {
		EXPECT(a.v[0].id == ATTR_COMMANDER && a.v[0].scope == 1 &&
		    strcmp(a.v[0].value, "Kerr") == 0);
		EXPECT(a.v[1].id == 2001 && strcmp(a.v[1].value, "1v1") == 0);
		EXPECT(strcmp(a.v[2].value, "t2") == 0);
		EXPECT(a.v[3].id == 500 && a.v[3].value[0] == '\0');
	}
	attributes_free(&a);

	/* An empty lobby is a lobby. */
	n = member(buf, 0, 0, recs);
	EXPECT(attributes_parse(&a, buf, n, &why) == 0 && a.n == 0);
	attributes_free(&a);

	/* Refused: a count that is not the records present, either way;
	 * a stray byte; a header cut short; a count of four billion, which
	 * must cost no memory. */
	n = member(buf, 3, 4, recs);
	EXPECT(attributes_parse(&a, buf, n, &why) < 0 && a.v == NULL);
	n = member(buf, 5, 4, recs);
	EXPECT(attributes_parse(&a, buf, n, &why) < 0);
	n = member(buf, 4, 4, recs);
	buf[n] = 0;
	EXPECT(attributes_parse(&a, buf, n + 1, &why) < 0);
	EXPECT(attributes_parse(&a, buf, ATTR_HEADER_SIZE - 1, &why) < 0);
	n = member(buf, 0xffffffffu, 0, recs);
	EXPECT(attributes_parse(&a, buf, n, &why) < 0);
	EXPECT(strstr(why.data, MEMBER_ATTRIBUTES) != NULL);
	sb_free(&why);
}

static void
test_lists(void)
{
	struct strbuf why = { 0 }, text = { 0 };
	unsigned set = 0;

	EXPECT(game_types_parse("1v1", &set, &why) == 0 &&
	    set == GAME_TYPES_DEFAULT);
	EXPECT(game_types_parse("any", &set, &why) == 0 && set == GAME_TYPES_ANY &&
	    (set & 1u << GAME_UNTOLD));
	/* Any case, any order; the text is in the order of the kinds. */
	EXPECT(game_types_parse("Team,1V1-VS-ai,1v1", &set, &why) == 0);
	game_types_text(set, &text);
	EXPECT(strcmp(text.data, "1v1,1v1-vs-AI,team") == 0);
	/* The text reads back as the same set. */
	EXPECT(game_types_parse(text.data, &set, &why) == 0 &&
	    set == (1u << GAME_1V1 | 1u << GAME_1V1_VS_AI | 1u << GAME_TEAM));
	sb_reset(&text);
	game_types_text(GAME_TYPES_ANY, &text);
	EXPECT(strcmp(text.data, "any") == 0);
	/* Every kind but the untold is not "any". */
	sb_reset(&text);
	game_types_text(GAME_TYPES_ANY & ~1u, &text);
	EXPECT(strcmp(text.data, "1v1,1v1-vs-AI,team,team-with-AI,coop,arcade") == 0);

	set = 12345;
	EXPECT(game_types_parse("1v2", &set, &why) < 0 && set == 12345);
	EXPECT(strstr(why.data, "not '1v2'") != NULL);
	EXPECT(game_types_parse("", &set, &why) < 0);
	EXPECT(game_types_parse("1v1,", &set, &why) < 0);
	EXPECT(game_types_parse(",1v1", &set, &why) < 0);
	EXPECT(game_types_parse("1v1,,coop", &set, &why) < 0);
	EXPECT(game_types_parse("null", &set, &why) < 0);
	EXPECT(game_type_name(GAME_UNTOLD) == NULL &&
	    strcmp(game_type_name(GAME_TEAM_WITH_AI), "team-with-AI") == 0);
	sb_free(&why);
	sb_free(&text);
}

/* total_replays counts the replays of the kinds the filter names. */
static void
test_summary_filter(void)
{
	static const int two[] = { 0, 1 }, humans[] = { HUMAN, HUMAN };
	struct learned_filter f;
	struct learned *l;
	struct strbuf why = { 0 }, out = { 0 };
	struct rw_replay *r;
	struct game g1, gc;

	r = melee(2, two, humans);
	EXPECT(test_analyze(r, dir, &g1, &why) == 0 && g1.type == GAME_1V1);
	r = rw_new();
	player(r, 0, HUMAN, "Kerr");
	player(r, 1, HUMAN, "Rayn");
	melee_start(r, 1);
	melee_start(r, 2);
	rw_unit_init(r, 500, 9000, 1, "SpawningPool", 1);
	EXPECT(test_analyze(r, dir, &gc, &why) == 0 && gc.type == GAME_COOP);

	learned_filter_defaults(&f);
	EXPECT(f.game_types == GAME_TYPES_DEFAULT);
	f.race = RACE_ANY;
	l = learned_new(&f);
	learned_add_game(l, &g1, "00000000000000000000000000000001");
	learned_add_game(l, &gc, "00000000000000000000000000000002");
	learned_render(l, &out, "now");
	EXPECT(strstr(out.data, "\"total_replays\": 1,") != NULL);
	EXPECT(strstr(out.data, "\"game_type\": \"1v1\"") != NULL);
	learned_free(l);

	f.game_types = GAME_TYPES_ANY;
	l = learned_new(&f);
	learned_add_game(l, &g1, "00000000000000000000000000000001");
	learned_add_game(l, &gc, "00000000000000000000000000000002");
	sb_reset(&out);
	learned_render(l, &out, "now");
	EXPECT(strstr(out.data, "\"total_replays\": 2,") != NULL);
	EXPECT(strstr(out.data, "\"game_type\": \"any\"") != NULL);
	learned_free(l);

	game_free(&g1);
	game_free(&gc);
	sb_free(&why);
	sb_free(&out);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_melee();
	test_coop_and_arcade();
	test_untold();
	test_attributes_layout();
	test_lists();
	test_summary_filter();
	test_analyze_done(dir);
	printf("test_gametype: %d failures\n", test_failures);
	return test_exit();
}
