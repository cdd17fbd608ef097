/*
 * test_buildorder - the build-order rules on replays written for the purpose
 *
 * Each case writes a .SC2Replay with tests/replay_writer (StormLib makes the
 * archive), reads it back through the whole analysis, and checks exact
 * results: morphs, cancelled buildings, supply, the wrap-around of the game
 * loop, clan tags, localised races, observers, skipped units, missing
 * members, other compressions and archive versions. One case feeds the unit
 * table's hash map keys that would all collide under an unkeyed hash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze.h"
#include "hashmap.h"
#include "jsonl.h"
#include "protocol.h"
#include "replay_writer.h"
#include "testutil.h"

static char dir[] = "/tmp/bgtrain-test-bo.XXXXXX";

static const struct rw_player zerg = {
	"&lt;ABC&gt;<sp/>Serral&amp;Co", "Zerg", 1, 0, 2, 0, 2, 1, 315071, "S2", 250.0, NULL
};
static const struct rw_player terran = {
	"Maru", "Terran", 2, 1, 2, 0, 3, 1, 4242, "S2", 180.5, NULL
};

/* Write r into the test's folder, analyse it; 0 with *g, or -1 with why. */
static int
load(struct rw_replay *r, struct game *g, struct strbuf *why)
{
	return test_analyze(r, dir, g, why);
}

static const struct bo_item *
item(const struct game *g, int pid, size_t i)
{
	const struct build_order *bo = &g->orders[pid - 1];

	return i < bo->n ? &bo->items[i] : NULL;
}

static int
named(const struct bo_item *it, const char *name)
{
	return it && strlen(name) == it->name_len &&
	    memcmp(it->name, name, it->name_len) == 0;
}

static struct rw_replay *
two_players(void)
{
	struct rw_replay *r = rw_new();

	rw_set_map(r, "Ultralove");
	rw_add_player(r, &zerg);
	rw_add_player(r, &terran);
	rw_unit_born(r, 0, 1, 1, "Hatchery", 1, 1, NULL);
	rw_unit_born(r, 0, 2, 1, "CommandCenter", 2, 2, NULL);
	/* Workers at loop 0 too: a melee start, so a 1v1. */
	rw_unit_born(r, 0, 900, 1, "Drone", 1, 1, NULL);
	rw_unit_born(r, 0, 901, 1, "SCV", 2, 2, NULL);
	return r;
}

static void
test_build_order(void)
{
	struct rw_replay *r = two_players();
	struct strbuf why = { 0 }, line = { 0 };
	struct game g;

	rw_unit_born(r, 50, 3, 1, "Overlord", 1, 1, "");	/* before any stats */
	rw_player_stats(r, 100, 1, 12 * SUPPLY_ONE, 14 * SUPPLY_ONE);
	rw_unit_born(r, 200, 4, 1, "Drone", 1, 1, "");
	rw_unit_born(r, 210, 5, 1, "Larva", 1, 1, "");		/* skipped */
	rw_unit_init(r, 1000, 6, 1, "SpawningPool", 1);
	rw_player_stats(r, 1100, 1, 14 * SUPPLY_ONE + SUPPLY_ONE / 2,
	    14 * SUPPLY_ONE);
	rw_unit_init(r, 1200, 7, 1, "Extractor", 1);
	rw_unit_died(r, 1300, 7, 1);				/* cancelled */
	rw_unit_done(r, 1500, 6, 1);
	rw_unit_init(r, 1600, 8, 1, "CreepTumorQueen", 1);	/* skipped */
	rw_upgrade(r, 1700, 1, "SprayZerg", 1);			/* skipped */
	rw_upgrade(r, 1800, 1, "zerglingmovementspeed", 1);
	rw_unit_born(r, 1900, 9, 1, "Archon", 1, 1, "HallucinationArchon");
	rw_unit_init(r, 2000, 10, 1, "Barracks", 2);
	rw_unit_born(r, 2100, 11, 1, "Marine", 0, 0, "");	/* neutral */
	rw_set_loops(r, 22400);
	EXPECT(load(r, &g, &why) == 0);

	EXPECT(g.replay.n_players == 2);
	EXPECT(strcmp(g.replay.players[0].name, "Serral&Co") == 0);
	EXPECT(strcmp(g.replay.players[0].toon, "2-S2-1-315071") == 0);
	EXPECT(g.replay.players[0].has_apm && g.replay.players[0].apm == 250.0);
	EXPECT(g.orders[0].n == 5);
	EXPECT(named(item(&g, 1, 0), "Overlord") && !item(&g, 1, 0)->has_supply);
	EXPECT(named(item(&g, 1, 1), "Drone") && item(&g, 1, 1)->supply == 12 &&
	    item(&g, 1, 1)->supply_cap == 14 && item(&g, 1, 1)->event == ITEM_BORN &&
	    item(&g, 1, 1)->kind == KIND_UNIT);
	EXPECT(named(item(&g, 1, 2), "SpawningPool") && item(&g, 1, 2)->has_done &&
	    item(&g, 1, 2)->done_loop == 1500 && item(&g, 1, 2)->kind == KIND_BUILDING &&
	    item(&g, 1, 2)->event == ITEM_INIT && item(&g, 1, 2)->supply == 12);
	EXPECT(named(item(&g, 1, 3), "Extractor") && !item(&g, 1, 3)->has_done &&
	    item(&g, 1, 3)->supply == 14.5);
	EXPECT(named(item(&g, 1, 4), "zerglingmovementspeed") &&
	    item(&g, 1, 4)->kind == KIND_UPGRADE && item(&g, 1, 4)->event == ITEM_UPGRADE);
	EXPECT(g.orders[1].n == 1 && named(item(&g, 2, 0), "Barracks"));

	/* The whole line, exactly. */
	jsonl_game(&line, "x.SC2Replay", "0123456789abcdef0123456789abcdef", &g);
	EXPECT(strcmp(line.data,
"{\"file\": \"x.SC2Replay\", \"md5\": \"0123456789abcdef0123456789abcdef\", "
"\"version\": \"5.0.14.93333\", \"build\": 93333, \"base_build\": 93333, "
"\"map\": \"Ultralove\", \"loops\": 22400, \"seconds\": 1000, \"length\": \"16:40\", "
"\"game_type\": \"1v1\", \"players\": [{\"pid\": 1, \"name\": \"Serral&Co\", \"race\": \"Zerg\", "
"\"result\": \"Win\", \"toon\": \"2-S2-1-315071\", \"team\": 1, \"human\": true, "
"\"apm\": 250, \"build_order\": ["
"{\"loop\": 50, \"sec\": 2, \"time\": \"0:02\", \"name\": \"Overlord\", \"kind\": \"unit\", \"event\": \"born\"}, "
"{\"loop\": 200, \"sec\": 8, \"time\": \"0:08\", \"name\": \"Drone\", \"kind\": \"unit\", \"event\": \"born\", \"supply\": 12, \"supply_cap\": 14}, "
"{\"loop\": 1000, \"sec\": 44, \"time\": \"0:44\", \"name\": \"SpawningPool\", \"kind\": \"building\", \"event\": \"init\", \"supply\": 12, \"supply_cap\": 14, \"done_loop\": 1500}, "
"{\"loop\": 1200, \"sec\": 53, \"time\": \"0:53\", \"name\": \"Extractor\", \"kind\": \"building\", \"event\": \"init\", \"supply\": 14.5, \"supply_cap\": 14}, "
"{\"loop\": 1800, \"sec\": 80, \"time\": \"1:20\", \"name\": \"zerglingmovementspeed\", \"kind\": \"upgrade\", \"event\": \"upgrade\", \"supply\": 14.5, \"supply_cap\": 14}]}, "
"{\"pid\": 2, \"name\": \"Maru\", \"race\": \"Terran\", \"result\": \"Loss\", "
"\"toon\": \"3-S2-1-4242\", \"team\": 2, \"human\": true, \"apm\": 180.5, \"build_order\": ["
"{\"loop\": 2000, \"sec\": 89, \"time\": \"1:29\", \"name\": \"Barracks\", \"kind\": \"building\", \"event\": \"init\"}]}]}\n") == 0);
	if (test_failures)
		printf("%s", line.data);
	game_free(&g);
	sb_free(&why);
	sb_free(&line);
}

static void
test_morphs(void)
{
	struct rw_replay *r = two_players();
	struct strbuf why = { 0 };
	struct game g;

	rw_type_change(r, 5000, 1, 1, "Lair");			/* Hatchery from loop 0 */
	rw_owner_change(r, 5100, 1, 1, 2, 2);			/* does not move morphs */
	rw_unit_born(r, 6000, 20, 1, "Zergling", 1, 1, "");
	rw_type_change(r, 6100, 20, 1, "BanelingCocoon");	/* no item */
	rw_type_change(r, 6500, 20, 1, "Baneling");
	rw_type_change(r, 7000, 2, 1, "OrbitalCommand");
	rw_unit_init(r, 7100, 21, 1, "SupplyDepot", 2);
	rw_type_change(r, 7200, 21, 1, "SupplyDepotLowered");	/* not a morph */
	rw_type_change(r, 7300, 99, 1, "Lair");			/* unknown tag */
	rw_type_change(r, 9000, 1, 1, "Hive");
	EXPECT(load(r, &g, &why) == 0);
	EXPECT(g.orders[0].n == 4);
	EXPECT(named(item(&g, 1, 0), "Lair") && item(&g, 1, 0)->event == ITEM_MORPH &&
	    item(&g, 1, 0)->kind == KIND_BUILDING && item(&g, 1, 0)->loop == 5000);
	EXPECT(named(item(&g, 1, 1), "Zergling"));
	EXPECT(named(item(&g, 1, 2), "Baneling") && item(&g, 1, 2)->kind == KIND_UNIT &&
	    item(&g, 1, 2)->event == ITEM_MORPH);
	EXPECT(named(item(&g, 1, 3), "Hive") && item(&g, 1, 3)->loop == 9000);
	EXPECT(g.orders[1].n == 2 && named(item(&g, 2, 0), "OrbitalCommand") &&
	    named(item(&g, 2, 1), "SupplyDepot"));
	game_free(&g);
	sb_free(&why);
}

static void
test_wraparound(void)
{
	struct rw_replay *r = two_players();
	struct strbuf why = { 0 };
	struct game g;

	rw_unit_born(r, 0xfffffff0u, 30, 1, "Drone", 1, 1, "");
	rw_unit_born(r, 0x10, 31, 1, "Drone", 1, 1, "");	/* the uint32 wraps */
	rw_set_loops(r, 0x20);
	EXPECT(load(r, &g, &why) == 0);
	EXPECT(g.orders[0].n == 2);
	EXPECT(item(&g, 1, 0) && item(&g, 1, 0)->loop == 0xfffffff0u);
	EXPECT(item(&g, 1, 1) && item(&g, 1, 1)->loop == 0x10);
	game_free(&g);
	sb_free(&why);
}

static void
test_races_and_players(void)
{
	struct rw_replay *r = rw_new();
	struct rw_player p = terran;
	struct strbuf why = { 0 };
	struct game g;

	p.race = "테란";
	rw_add_player(r, &p);
	p.race = "Зерг";
	p.control = CONTROL_COMPUTER;	/* AI: no toon */
	p.result = 3;
	rw_add_player(r, &p);
	p.race = "Unbekannt";
	p.control = CONTROL_HUMAN;
	p.result = 0;
	rw_add_player(r, &p);
	p.race = "Mystery";
	rw_add_player(r, &p);
	p.observe = 1;
	p.name = "Watcher";
	rw_add_player(r, &p);
	rw_unit_born(r, 0, 1, 1, "Nexus", 3, 3, NULL);
	rw_unit_born(r, 0, 2, 1, "Probe", 4, 4, NULL);		/* not a town hall */
	rw_unit_init(r, 100, 3, 1, "Pylon", 5);			/* observer: no item */
	rw_set_flags(r, RW_OMIT_GAMEMETADATA);
	EXPECT(load(r, &g, &why) == 0);
	EXPECT(g.replay.n_players == 5);
	EXPECT(strcmp(g.race[0], "Terran") == 0);
	EXPECT(strcmp(g.race[1], "Zerg") == 0);
	EXPECT(strcmp(g.race[2], "Protoss") == 0);	/* from its Nexus at loop 0 */
	EXPECT(strcmp(g.race[3], "Mystery") == 0);	/* kept as it is */
	EXPECT(g.replay.players[1].toon[0] == '\0' && !g.replay.players[1].human);
	EXPECT(g.replay.players[1].result == 3 && g.replay.players[2].result == 0);
	EXPECT(!game_is_player(&g, 5) && g.orders[4].n == 0);
	EXPECT(!g.replay.players[0].has_apm);
	game_free(&g);
	sb_free(&why);
}

/* Numbers from the file are checked before arithmetic: a team id of 2^31-1. */
static void
test_team_out_of_range(void)
{
	struct rw_replay *r = rw_new();
	struct rw_player p = zerg;
	struct strbuf why = { 0 };
	struct game g;

	p.team_id = INT32_MAX;
	rw_add_player(r, &p);
	rw_add_player(r, &terran);
	EXPECT(load(r, &g, &why) < 0);
	EXPECT(why.data && strstr(why.data, "team id 2147483647") != NULL);
	sb_free(&why);
}

static void
test_missing_members(void)
{
	struct rw_replay *r = two_players();
	struct strbuf why = { 0 };
	struct game g;

	rw_set_flags(r, RW_OMIT_TRACKER);
	EXPECT(load(r, &g, &why) == -1);
	EXPECT(strstr(why.data, "no replay.tracker.events") != NULL);

	sb_reset(&why);
	r = two_players();
	rw_set_flags(r, RW_OMIT_TRACKER | RW_DETAILS_BACKUP_ONLY);
	EXPECT(load(r, &g, &why) == -1);
	EXPECT(strstr(why.data, "anonymised") != NULL);

	sb_reset(&why);
	r = two_players();
	rw_unit_born(r, 10, 3, 1, "Drone", 1, 1, "");
	rw_tracker_raw(r, "\x05\xff\xff", 3);			/* a broken event */
	EXPECT(load(r, &g, &why) == -1);
	EXPECT(strstr(why.data, MEMBER_TRACKER ": ") != NULL);

	sb_reset(&why);
	r = two_players();
	rw_add_member(r, MEMBER_DETAILS, "\x05\x04", 2);	/* damaged details */
	EXPECT(load(r, &g, &why) == -1);
	EXPECT(strstr(why.data, MEMBER_DETAILS) != NULL);
	sb_free(&why);
}

/* The same game through other compressions and archive versions reads the same. */
static void
test_encodings(void)
{
	static const unsigned flags[] = { RW_ZLIB, RW_STORED, RW_MPQ_V1, RW_MPQ_V2 };
	struct strbuf why = { 0 }, want = { 0 }, got = { 0 };
	struct game g;
	size_t i;

	for (i = 0; i <= sizeof flags / sizeof flags[0]; i++) {
		struct rw_replay *r = two_players();
		int k;

		for (k = 0; k < 200; k++)
			rw_unit_born(r, 100 + (uint32_t)k * 10, 40 + k, 1,
			    k % 2 ? "Drone" : "Zergling", 1, 1, "");
		if (i > 0)
			rw_set_flags(r, flags[i - 1]);
		EXPECT(load(r, &g, &why) == 0);
		sb_reset(&got);
		jsonl_game(&got, "f", "m", &g);
		game_free(&g);
		if (i == 0)
			sb_add(&want, got.data, got.len);
		else
			EXPECT(got.len == want.len && strcmp(got.data, want.data) == 0);
	}
	sb_free(&why);
	sb_free(&want);
	sb_free(&got);
}

#define FNV_PRIME	1099511628211ull
#define LOW18		((1u << 18) - 1)

static uint64_t
fnv_step(uint64_t h, unsigned char b)
{
	return (h ^ b) * FNV_PRIME;
}

/*
 * The i-th of 8-byte keys whose FNV-1a hashes agree in their low 18 bits,
 * the bits a probe of a map of up to 131,072 entries uses: the low bits of a
 * product depend only on the low bits of its factors, so the last byte can
 * be solved for once the two before it put the rest of the state right.
 */
static void
colliding_key(uint32_t i, unsigned char key[8])
{
	uint64_t inv = FNV_PRIME, h = 14695981039346656037ull, u, s;
	int k, b0, b1;

	for (k = 0; k < 6; k++)
		inv *= 2 - FNV_PRIME * inv;
	u = (0x2a5a5ull * inv) & LOW18;
	for (k = 0; k < 5; k++) {
		key[k] = k < 4 ? (unsigned char)(i >> (8 * k)) : 0x5a;
		h = fnv_step(h, key[k]);
	}
	for (b0 = 0; b0 < 256; b0++)
		for (b1 = 0; b1 < 256; b1++) {
			s = fnv_step(fnv_step(h, (unsigned char)b0),
			    (unsigned char)b1);
			if ((s & LOW18 & ~0xffull) != (u & ~0xffull))
				continue;
			key[5] = (unsigned char)b0;
			key[6] = (unsigned char)b1;
			key[7] = (unsigned char)((s ^ u) & 0xff);
			return;
		}
	EXPECT(!"no colliding key");
}

static double
cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Keys chosen to collide under the old unkeyed hash stay fast. */
static void
test_hash_collisions(void)
{
	enum { N = 60000 };
	static unsigned char keys[N][8];
	struct hashmap m = { 0 };
	double t0;
	size_t *at;
	int found = 0;
	uint32_t i;

	for (i = 0; i < N; i++)
		colliding_key(i, keys[i]);
	t0 = cpu_seconds();
	for (i = 0; i < N; i++)
		*hashmap_put(&m, keys[i], 8, NULL) = i;
	for (i = 0; i < N; i++)
		found += (at = hashmap_get(&m, keys[i], 8)) && *at == i;
	EXPECT(found == N && m.n == N);
	EXPECT(hashmap_key(&m, 12345)[0] == keys[12345][0]);
	EXPECT(cpu_seconds() - t0 < 1.0);
	hashmap_free(&m);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_build_order();
	test_morphs();
	test_wraparound();
	test_races_and_players();
	test_team_out_of_range();
	test_missing_members();
	test_encodings();
	test_hash_collisions();
	test_analyze_done(dir);
	printf("test_buildorder: %d failures\n", test_failures);
	return test_exit();
}
