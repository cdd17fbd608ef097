/*
 * buildorder.c - the build-order rules of specs/build-orders.md
 *
 * Items take the unit's type *at the event*: a Hatchery that later became a
 * Hive is a Hatchery at loop 0. The tracker stamps buildings and warp-ins
 * when they start, trained units, morphs and upgrades when they finish; the
 * rules keep those meanings and do not try to re-time them.
 */
#include <stdlib.h>
#include <string.h>

#include "buildorder.h"
#include "die.h"
#include "hashmap.h"
#include "protocol.h"
#include "tracker.h"
#include "units.h"

static const char *const init_skipped[] = {
	"CreepTumor", "CreepTumorBurrowed", "CreepTumorQueen", "OracleStasisTrap",
};

static const char *const born_skipped[] = {
	"AdeptPhaseShift", "ApplyVision", "AutoTurret", "BanelingCocoon",
	"BroodLordCocoon", "Broodling", "BroodlingEscort", "Changeling",
	"ChangelingMarine", "ChangelingMarineShield", "ChangelingZealot",
	"ChangelingZergling", "ChangelingZerglingWings", "CreepTumor",
	"CreepTumorBurrowed", "CreepTumorQueen", "DisruptorPhased", "Egg",
	"ForceField", "InfestedTerransEgg", "InfestorTerran", "Interceptor",
	"InvisibleTargetDummy", "KD8Charge", "Larva", "LocustMP",
	"LocustMPFlying", "LocustMPPrecursor", "LurkerMPEgg", "MULE", "Nuke",
	"OracleStasisTrap", "OverlordCocoon", "ParasiticBombDummy",
	"ParasiticBombRelayDummy", "PointDefenseDrone", "RavagerCocoon",
	"ReaperPlaceholder", "SpiderMine", "TrainDummy",
	"TransportOverlordCocoon", "UnitBirthBar",
};

static const char *const born_skipped_prefixes[] = {
	"Collapsible", "DeathBurst", "Debris", "Trophy", "Reward", "Spray",
};

/* Units made by these abilities are not really there. */
static const char *const ability_skipped_prefixes[] = { "Hallucination" };

static const char *const upgrade_skipped_prefixes[] = {
	"Spray", "Reward", "GameHeart", "Skin", "Theme", "Worker", "Refinery",
	"Trophy", "Emote", "Decoration", "StagingArea",
};

/* The morphs that count, new <- old; the event comes when the morph ends. */
static const char *const morphs[][2] = {
	{ "Lair", "Hatchery" }, { "Hive", "Lair" }, { "GreaterSpire", "Spire" },
	{ "OrbitalCommand", "CommandCenter" },
	{ "PlanetaryFortress", "CommandCenter" },
	{ "Baneling", "BanelingCocoon" }, { "Ravager", "RavagerCocoon" },
	{ "LurkerMP", "LurkerMPEgg" }, { "BroodLord", "BroodLordCocoon" },
	{ "Overseer", "OverlordCocoon" },
	{ "OverlordTransport", "TransportOverlordCocoon" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static struct name
blob_name(const struct vvalue *v)
{
	struct name n = { NULL, 0 };

	n.s = (const char *)vv_blob(v, &n.n);
	if (n.s == NULL) {
		n.s = "";
		n.n = 0;
	}
	return n;
}

/* What the stream has said of a unit tag so far. */
struct unit {
	struct name type;
	int64_t owner;
	size_t init_item;	/* index + 1 in the owner's items, 0 for none */
};

/* The units in the order first seen; map: the tag's bytes -> index in v. */
struct units {
	struct hashmap map;
	struct unit *v;
	size_t n, cap;
};

static struct unit *
unit_find(struct units *u, uint32_t tag)
{
	size_t *at = hashmap_get(&u->map, &tag, sizeof tag);

	return at ? &u->v[*at] : NULL;
}

static struct unit *
unit_put(struct units *u, uint32_t tag)
{
	int added;
	size_t *at = hashmap_put(&u->map, &tag, sizeof tag, &added);

	if (added) {
		if (u->n == u->cap) {
			u->cap = u->cap ? u->cap * 2 : 1024;
			u->v = xreallocarray(u->v, u->cap, sizeof u->v[0]);
		}
		memset(&u->v[u->n], 0, sizeof u->v[0]);
		*at = u->n++;
	}
	return &u->v[*at];
}

static void
units_free(struct units *u)
{
	hashmap_free(&u->map);
	free(u->v);
}

struct supply {
	int known;
	double used, made;
};

struct walk {
	struct game *g;
	struct units units;
	struct supply *supply;	/* indexed by pid - 1 */
	int bad_name;		/* a name that is not text was seen */
};

static struct bo_item *
add_item(struct walk *w, int64_t owner, uint32_t loop, struct name name,
	 enum item_kind kind, enum item_event event)
{
	struct build_order *bo = &w->g->orders[owner - 1];
	struct supply *s = &w->supply[owner - 1];
	struct bo_item *it;

	/* Every name that reaches a result or a summary is checked here. */
	if (!name_is_text(name))
		w->bad_name = 1;
	if (bo->n == bo->cap) {
		bo->cap = bo->cap ? bo->cap * 2 : 64;
		bo->items = xreallocarray(bo->items, bo->cap, sizeof bo->items[0]);
	}
	it = &bo->items[bo->n++];
	memset(it, 0, sizeof *it);
	it->loop = loop;
	it->name = name.s;
	it->name_len = (uint32_t)name.n;
	it->kind = (uint8_t)kind;
	it->event = (uint8_t)event;
	if (s->known) {
		it->has_supply = 1;
		it->supply = s->used;
		it->supply_cap = s->made;
	}
	return it;
}

static enum item_kind
unit_kind(struct name n)
{
	return unit_is_building(n) ? KIND_BUILDING : KIND_UNIT;
}

static uint32_t
unit_tag(const struct vvalue *body)
{
	/* Unsigned: an index from the file may be any int64, never shifted signed. */
	return (uint32_t)((uint64_t)vv_field_int(body, UNIT_INDEX, 0) << UNIT_TAG_INDEX_SHIFT) |
	    (uint32_t)((uint64_t)vv_field_int(body, UNIT_RECYCLE, 0) & UNIT_TAG_RECYCLE_MASK);
}

static int
emits(const struct walk *w, uint32_t loop, int64_t owner)
{
	return loop > 0 && game_is_player(w->g, owner);
}

static void
on_player_stats(struct walk *w, const struct vvalue *body)
{
	int64_t pid = vv_field_int(body, STATS_PLAYER, 0);
	const struct vvalue *stats = vv_field(body, STATS_BODY);
	int64_t used = vv_field_int(stats, STATS_FOOD_USED, 0);
	int64_t made = vv_field_int(stats, STATS_FOOD_MADE, 0);

	if (pid < 1 || (uint64_t)pid > w->g->replay.n_players)
		return;
	w->supply[pid - 1].known = 1;
	w->supply[pid - 1].used = (used > 0 ? (double)used : 0) / SUPPLY_ONE;
	w->supply[pid - 1].made = (made > 0 ? (double)made : 0) / SUPPLY_ONE;
}

/* A unit begun or born: its type and owner, recorded under its tag. */
static struct unit *
unit_seen(struct walk *w, const struct vvalue *body)
{
	struct unit *u = unit_put(&w->units, unit_tag(body));

	u->type = blob_name(vv_field(body, UNIT_TYPE));
	u->owner = vv_field_int(body, UNIT_CONTROL, 0);
	u->init_item = 0;
	return u;
}

static void
on_unit_init(struct walk *w, uint32_t loop, const struct vvalue *body)
{
	struct unit *u = unit_seen(w, body);
	struct name type = u->type;
	int64_t owner = u->owner;

	if (!emits(w, loop, owner) ||
	    name_in_sorted(type, init_skipped, COUNT(init_skipped)))
		return;
	add_item(w, owner, loop, type, unit_kind(type), ITEM_INIT);
	u->init_item = w->g->orders[owner - 1].n;
}

static void
on_unit_done(struct walk *w, uint32_t loop, const struct vvalue *body)
{
	struct unit *u = unit_find(&w->units, unit_tag(body));
	struct bo_item *it;

	if (u == NULL || u->init_item == 0)
		return;
	it = &w->g->orders[u->owner - 1].items[u->init_item - 1];
	it->has_done = 1;
	it->done_loop = loop;
}

static int
born_skipped_name(struct name type, const struct vvalue *body)
{
	struct name ability = blob_name(vv_field(body, BORN_CREATOR_ABILITY));

	return name_in_sorted(type, born_skipped, COUNT(born_skipped)) ||
	    name_has_prefix(type, born_skipped_prefixes,
	    COUNT(born_skipped_prefixes)) ||
	    name_has_prefix(ability, ability_skipped_prefixes,
	    COUNT(ability_skipped_prefixes));
}

static void
on_unit_born(struct walk *w, uint32_t loop, const struct vvalue *body)
{
	struct unit *u = unit_seen(w, body);
	struct name type = u->type;
	int64_t owner = u->owner;

	if (loop == 0 && game_is_player(w->g, owner)) {
		struct player_start *st = &w->g->start[owner - 1];
		const char *hall = town_hall_race(type);

		if (w->g->race[owner - 1] == NULL)
			w->g->race[owner - 1] = hall;
		st->units++;
		st->town_hall |= hall != NULL;
		st->worker |= unit_is_worker(type);
	}
	if (emits(w, loop, owner) && !born_skipped_name(type, body))
		add_item(w, owner, loop, type, unit_kind(type), ITEM_BORN);
}

static void
on_type_change(struct walk *w, uint32_t loop, const struct vvalue *body)
{
	struct name type = blob_name(vv_field(body, UNIT_TYPE));
	struct unit *u = unit_find(&w->units, unit_tag(body));
	size_t i;

	if (u == NULL)
		return;
	for (i = 0; i < COUNT(morphs); i++) {
		if (name_is(type, morphs[i][0]) && name_is(u->type, morphs[i][1])) {
			if (emits(w, loop, u->owner))
				add_item(w, u->owner, loop, type, unit_kind(type),
				    ITEM_MORPH);
			break;
		}
	}
	u->type = type;
}

static void
on_upgrade(struct walk *w, uint32_t loop, const struct vvalue *body)
{
	struct name name = blob_name(vv_field(body, UPGRADE_NAME));
	int64_t owner = vv_field_int(body, UPGRADE_PLAYER, 0);

	if (game_is_player(w->g, owner))
		w->g->start[owner - 1].upgrades++;
	if (emits(w, loop, owner) && !name_has_prefix(name, upgrade_skipped_prefixes,
	    COUNT(upgrade_skipped_prefixes)))
		add_item(w, owner, loop, name, KIND_UPGRADE, ITEM_UPGRADE);
}

int
buildorder_analyze(struct game *g, struct strbuf *why)
{
	struct replay *r = &g->replay;
	struct walk w = { 0 };
	struct tracker t;
	struct tracker_event ev;
	size_t i;
	int rc;

	w.g = g;
	g->orders = xcalloc(r->n_players, sizeof g->orders[0]);
	g->race = xcalloc(r->n_players, sizeof g->race[0]);
	g->start = xcalloc(r->n_players, sizeof g->start[0]);
	w.supply = xcalloc(r->n_players, sizeof w.supply[0]);
	for (i = 0; i < r->n_players; i++)
		g->race[i] = race_english(r->players[i].race);
	tracker_init(&t, r->tracker, r->tracker_size);
	while (!w.bad_name && (rc = tracker_next(&t, &ev, why)) > 0) {
		switch (ev.id) {
		case EV_PLAYER_STATS: on_player_stats(&w, ev.body); break;
		case EV_UNIT_INIT: on_unit_init(&w, ev.loop, ev.body); break;
		case EV_UNIT_DONE: on_unit_done(&w, ev.loop, ev.body); break;
		case EV_UNIT_BORN: on_unit_born(&w, ev.loop, ev.body); break;
		case EV_UNIT_TYPE_CHANGE: on_type_change(&w, ev.loop, ev.body); break;
		case EV_UPGRADE: on_upgrade(&w, ev.loop, ev.body); break;
		default: break;
		}
	}
	if (w.bad_name) {
		sb_printf(why, "%s: a unit or upgrade name that is not UTF-8 "
		    "text (or holds a NUL)", MEMBER_TRACKER);
		rc = -1;
	}
	tracker_free(&t);
	units_free(&w.units);
	free(w.supply);
	for (i = 0; i < r->n_players; i++)
		if (g->race[i] == NULL)
			g->race[i] = r->players[i].race;
	return rc;
}

int
game_is_player(const struct game *g, int64_t pid)
{
	return pid >= 1 && (uint64_t)pid <= g->replay.n_players &&
	    g->replay.players[pid - 1].observe == 0;
}

void
game_free(struct game *g)
{
	size_t i;

	if (g->orders)
		for (i = 0; i < g->replay.n_players; i++)
			free(g->orders[i].items);
	free(g->orders);
	free(g->race);
	free(g->start);
	replay_free(&g->replay);
	g->orders = NULL;
	g->race = NULL;
	g->start = NULL;
}
