/*
 * mkreplay - write generated 1v1 StarCraft II replays, for benchmarks and
 * the demo
 *
 * usage: mkreplay [--seed N] [--count N] [--items N] OUTDIR
 *
 * Each game is simulated loosely: both players follow a standard opening
 * for their race, then macro (workers, supply, expansions, tech, upgrades,
 * army, trades) until they have made about items/2 build-order items each.
 * The tracker stream gets what real ones have around those items (larvae
 * and eggs, neutral units at loop 0, PlayerStats every 160 loops, unit
 * positions, deaths, sprays), so the file sizes are realistic too.
 * Replay i depends only on the seed and i.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "protocol.h"
#include "replay_writer.h"

/* Game loops in s real seconds at "Faster" speed. */
#define SEC(s)		((uint32_t)((s) * FASTER_LOOPS / FASTER_SECONDS))

#define MAXBLD		256	/* buildings a player may own */
#define MAXALIVE	512	/* army units (and overlords) tracked */

enum { GEN_BORN, GEN_INIT, GEN_DONE, GEN_DIED, GEN_MORPH, GEN_UPGRADE };

/* A tracker event before the units get their tags. */
struct ev {
	uint32_t loop;
	uint32_t seq;		/* generation order: stable sort */
	int kind;
	int player;
	int unit;		/* internal unit number */
	const char *name;
	const char *ability;
	int food;		/* change of food used, in half supply */
	int cap;		/* change of food made, in supply */
};

struct unitdef {
	const char *name;
	const char *ability;	/* creator ability */
	int food;		/* half supply */
	int build;		/* seconds */
	int weight;		/* relative frequency, 0 for none */
	const char *needs;	/* building that unlocks it */
	int how;		/* MADE_* */
};

enum { MADE_TRAIN, MADE_LARVA, MADE_PAIR, MADE_GATEWAY };

struct techdef {
	const char *name;
	int build;		/* seconds */
	int earliest;		/* seconds */
	const char *needs;
};

struct upgdef {
	const char *name;
	int earliest;		/* seconds */
	const char *needs;
};

struct race {
	const char *name;
	const char *hall;
	int hall_cap;
	const char *gas;
	const char *supply;	/* SupplyDepot, Pylon; NULL: Overlord */
	const char *spray;
	const struct unitdef *worker;
	const struct unitdef *units;	/* army, ends with a NULL name */
	const struct techdef *tech;
	const struct upgdef *upgrades;
};

struct bld {
	int unit;
	const char *name;
	uint32_t done;		/* usable under this name (morphs) */
	uint32_t built;		/* construction finished */
	int cap;		/* supply it gives when built */
	int morphed;
};

struct alive {
	int unit;
	const struct unitdef *def;
	uint32_t ready;		/* not usable before (morphing) */
};

struct player {
	int id;
	const struct race *race;
	uint32_t t;
	int food;		/* half supply, as generated */
	int cap;		/* supply, buildings in progress included */
	int overlord_cap;	/* supply from overlords */
	int workers;
	int bases;
	int gases;
	uint32_t next_base;
	int items;		/* build-order items so far */
	int target;
	struct bld bld[MAXBLD];
	int nbld;
	uint64_t tech_done;	/* bit i: race->tech[i] started */
	int next_upgrade;
	int warpgate;
	int sprayed;
	struct alive alive[MAXALIVE];
	int nalive;
};

struct game {
	uint64_t rng;
	struct ev *ev;
	size_t nev, evcap;
	int nunits;
	int failed;
	struct player pl[2];
};

/* Zerg */

static const struct unitdef zerg_worker =
	{ "Drone", "LarvaTrain", 2, 12, 0, NULL, MADE_LARVA };
static const struct unitdef zerg_overlord =
	{ "Overlord", "LarvaTrain", 0, 18, 0, NULL, MADE_LARVA };

static const struct unitdef zerg_units[] = {
	{ "Zergling", "LarvaTrain", 1, 17, 5, "SpawningPool", MADE_PAIR },
	{ "Queen", "TrainQueen", 4, 36, 1, "SpawningPool", MADE_TRAIN },
	{ "Roach", "LarvaTrain", 4, 19, 5, "RoachWarren", MADE_LARVA },
	{ "Hydralisk", "LarvaTrain", 4, 24, 4, "HydraliskDen", MADE_LARVA },
	{ "Mutalisk", "LarvaTrain", 4, 24, 2, "Spire", MADE_LARVA },
	{ "Infestor", "LarvaTrain", 4, 36, 1, "InfestationPit", MADE_LARVA },
	{ "Ultralisk", "LarvaTrain", 12, 39, 1, "UltraliskCavern", MADE_LARVA },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* Lair and Hive are morphs of the main Hatchery, see try_morph(). */
static const struct techdef zerg_tech[] = {
	{ "RoachWarren", 39, 150, "SpawningPool" },
	{ "EvolutionChamber", 25, 180, "SpawningPool" },
	{ "BanelingNest", 43, 200, "SpawningPool" },
	{ "EvolutionChamber", 25, 260, "SpawningPool" },
	{ "HydraliskDen", 29, 290, "Lair" },
	{ "SporeCrawler", 21, 300, "SpawningPool" },
	{ "InfestationPit", 36, 360, "Lair" },
	{ "Spire", 71, 400, "Lair" },
	{ "SpineCrawler", 36, 450, "SpawningPool" },
	{ "UltraliskCavern", 46, 560, "Hive" },
	{ NULL, 0, 0, NULL }
};

static const struct upgdef zerg_upgrades[] = {
	{ "zerglingmovementspeed", 170, "SpawningPool" },
	{ "overlordspeed", 230, "Lair" },
	{ "GlialReconstitution", 280, "RoachWarren" },
	{ "ZergMissileWeaponsLevel1", 330, "EvolutionChamber" },
	{ "ZergGroundArmorsLevel1", 340, "EvolutionChamber" },
	{ "EvolveGroovedSpines", 400, "HydraliskDen" },
	{ "EvolveMuscularAugments", 460, "HydraliskDen" },
	{ "CentrificalHooks", 480, "BanelingNest" },
	{ "ZergMissileWeaponsLevel2", 560, "Lair" },
	{ "ZergGroundArmorsLevel2", 580, "Lair" },
	{ "Burrow", 600, "Lair" },
	{ "ZergMissileWeaponsLevel3", 780, "Hive" },
	{ "ZergGroundArmorsLevel3", 800, "Hive" },
	{ NULL, 0, NULL }
};

/* Terran */

static const struct unitdef terran_worker =
	{ "SCV", "CommandCenterTrain", 2, 12, 0, NULL, MADE_TRAIN };

static const struct unitdef terran_units[] = {
	{ "Marine", "BarracksTrain", 2, 18, 8, "Barracks", MADE_TRAIN },
	{ "Reaper", "BarracksTrain", 2, 32, 1, "Barracks", MADE_TRAIN },
	{ "Marauder", "BarracksTrain", 4, 21, 4, "BarracksTechLab",
	    MADE_TRAIN },
	{ "Hellion", "FactoryTrain", 4, 21, 2, "Factory", MADE_TRAIN },
	{ "WidowMine", "FactoryTrain", 4, 21, 1, "Factory", MADE_TRAIN },
	{ "SiegeTank", "FactoryTrain", 6, 32, 2, "FactoryTechLab",
	    MADE_TRAIN },
	{ "Medivac", "StarportTrain", 4, 30, 2, "Starport", MADE_TRAIN },
	{ "VikingFighter", "StarportTrain", 4, 30, 1, "Starport",
	    MADE_TRAIN },
	{ "Liberator", "StarportTrain", 6, 43, 1, "StarportReactor",
	    MADE_TRAIN },
	{ "Ghost", "BarracksTrain", 4, 29, 1, "GhostAcademy", MADE_TRAIN },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static const struct techdef terran_tech[] = {
	{ "BarracksReactor", 36, 100, "Barracks" },
	{ "Factory", 43, 130, "Barracks" },
	{ "Barracks", 46, 170, "SupplyDepot" },
	{ "BarracksTechLab", 18, 200, "Barracks" },
	{ "Starport", 36, 200, "Factory" },
	{ "FactoryTechLab", 18, 240, "Factory" },
	{ "EngineeringBay", 25, 240, "SupplyDepot" },
	{ "Barracks", 46, 280, "SupplyDepot" },
	{ "Barracks", 46, 290, "SupplyDepot" },
	{ "StarportReactor", 36, 300, "Starport" },
	{ "BarracksReactor", 36, 330, "Barracks" },
	{ "MissileTurret", 18, 340, "EngineeringBay" },
	{ "Armory", 46, 420, "Factory" },
	{ "GhostAcademy", 29, 500, "Barracks" },
	{ "Bunker", 29, 520, "Barracks" },
	{ "Barracks", 46, 560, "SupplyDepot" },
	{ "FusionCore", 46, 700, "Starport" },
	{ NULL, 0, 0, NULL }
};

static const struct upgdef terran_upgrades[] = {
	{ "Stimpack", 300, "BarracksTechLab" },
	{ "ShieldWall", 380, "BarracksTechLab" },
	{ "TerranInfantryWeaponsLevel1", 400, "EngineeringBay" },
	{ "PunisherGrenades", 460, "BarracksTechLab" },
	{ "TerranInfantryArmorsLevel1", 480, "EngineeringBay" },
	{ "TerranInfantryWeaponsLevel2", 620, "Armory" },
	{ "TerranVehicleWeaponsLevel1", 640, "Armory" },
	{ "TerranInfantryArmorsLevel2", 700, "Armory" },
	{ "TerranBuildingArmor", 760, "EngineeringBay" },
	{ "TerranInfantryWeaponsLevel3", 860, "Armory" },
	{ NULL, 0, NULL }
};

/* Protoss */

static const struct unitdef protoss_worker =
	{ "Probe", "NexusTrain", 2, 12, 0, NULL, MADE_TRAIN };

static const struct unitdef protoss_units[] = {
	{ "Zealot", "GatewayTrain", 4, 27, 4, "Gateway", MADE_GATEWAY },
	{ "Adept", "GatewayTrain", 4, 30, 2, "CyberneticsCore",
	    MADE_GATEWAY },
	{ "Stalker", "GatewayTrain", 4, 30, 6, "CyberneticsCore",
	    MADE_GATEWAY },
	{ "Sentry", "GatewayTrain", 4, 26, 1, "CyberneticsCore",
	    MADE_GATEWAY },
	{ "Immortal", "RoboticsFacilityTrain", 8, 39, 2, "RoboticsFacility",
	    MADE_TRAIN },
	{ "Observer", "RoboticsFacilityTrain", 2, 21, 1, "RoboticsFacility",
	    MADE_TRAIN },
	{ "Colossus", "RoboticsFacilityTrain", 12, 54, 1, "RoboticsBay",
	    MADE_TRAIN },
	{ "Oracle", "StargateTrain", 6, 37, 1, "Stargate", MADE_TRAIN },
	{ "VoidRay", "StargateTrain", 8, 43, 1, "Stargate", MADE_TRAIN },
	{ "HighTemplar", "GatewayTrain", 4, 39, 1, "TemplarArchive",
	    MADE_GATEWAY },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static const struct techdef protoss_tech[] = {
	{ "Gateway", 46, 110, "Pylon" },
	{ "TwilightCouncil", 36, 170, "CyberneticsCore" },
	{ "RoboticsFacility", 46, 190, "CyberneticsCore" },
	{ "Forge", 32, 230, "Pylon" },
	{ "Gateway", 46, 250, "Pylon" },
	{ "Gateway", 46, 260, "Pylon" },
	{ "ShieldBattery", 29, 280, "CyberneticsCore" },
	{ "Stargate", 43, 320, "CyberneticsCore" },
	{ "PhotonCannon", 29, 340, "Forge" },
	{ "Gateway", 46, 360, "Pylon" },
	{ "RoboticsBay", 46, 420, "RoboticsFacility" },
	{ "TemplarArchive", 36, 470, "TwilightCouncil" },
	{ "Gateway", 46, 520, "Pylon" },
	{ "DarkShrine", 71, 600, "TwilightCouncil" },
	{ NULL, 0, 0, NULL }
};

static const struct upgdef protoss_upgrades[] = {
	{ "WarpGateResearch", 190, "CyberneticsCore" },
	{ "BlinkTech", 320, "TwilightCouncil" },
	{ "ProtossGroundWeaponsLevel1", 360, "Forge" },
	{ "Charge", 420, "TwilightCouncil" },
	{ "ProtossGroundArmorsLevel1", 470, "Forge" },
	{ "ExtendedThermalLance", 500, "RoboticsBay" },
	{ "PsiStormTech", 560, "TemplarArchive" },
	{ "ProtossGroundWeaponsLevel2", 600, "TwilightCouncil" },
	{ "ProtossShieldsLevel1", 650, "Forge" },
	{ "ProtossGroundArmorsLevel2", 700, "TwilightCouncil" },
	{ NULL, 0, NULL }
};

enum { ZERG, TERRAN, PROTOSS };

static const struct race races[] = {
	{ "Zerg", "Hatchery", 6, "Extractor", NULL, "SprayZerg",
	    &zerg_worker, zerg_units, zerg_tech, zerg_upgrades },
	{ "Terran", "CommandCenter", 15, "Refinery", "SupplyDepot",
	    "SprayTerran", &terran_worker, terran_units, terran_tech,
	    terran_upgrades },
	{ "Protoss", "Nexus", 15, "Assimilator", "Pylon", "SprayProtoss",
	    &protoss_worker, protoss_units, protoss_tech, protoss_upgrades },
};

static const char *names[] = {
	"Serral", "Reynor", "Maru", "Clem", "herO", "Classic", "ShoWTimE",
	"Solar", "Dark", "Rogue", "MaxPax", "Cure", "Zoun", "SHIN",
	"Trigger", "Bunny", "Oliveira", "Cham", "Spirit", "Lambo",
	"Astrea", "ByuN", "Elazer", "Creator", "Stats", "Zest",
};
static const char *clans[] = { "BASK", "ONSYDE", "TL", "GenG", "SR", "LIQ" };
static const char *maps[] = {
	"Ultralove LE", "Tokamak LE", "Persephone LE", "Incorporeal LE",
	"Ley Lines LE", "Magannatha LE", "Pylon LE", "Torches LE",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* splitmix64: small, fast, and the same everywhere. */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t z;

	z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int
between(struct game *g, int lo, int hi)
{
	return lo + (int)(rnd(&g->rng) % (uint64_t)(hi - lo + 1));
}

static int
chance(struct game *g, int percent)
{
	return (int)(rnd(&g->rng) % 100) < percent;
}

/* Loop t shifted by d, never below 0. */
static uint32_t
shift(uint32_t t, int d)
{
	return d < 0 && (uint32_t)-d > t ? 0 : t + d;
}

static int
new_unit(struct game *g)
{
	return g->nunits++;
}

static void
add(struct game *g, uint32_t loop, int kind, int player, int unit,
    const char *name, const char *ability, int food, int cap)
{
	struct ev *e;
	size_t n;

	if (g->failed)
		return;
	if (g->nev == g->evcap) {
		n = g->evcap ? 2 * g->evcap : 1024;
		if ((e = realloc(g->ev, n * sizeof(*e))) == NULL) {
			g->failed = 1;
			return;
		}
		g->ev = e;
		g->evcap = n;
	}
	e = &g->ev[g->nev];
	e->loop = loop;
	e->seq = g->nev;
	e->kind = kind;
	e->player = player;
	e->unit = unit;
	e->name = name;
	e->ability = ability;
	e->food = food;
	e->cap = cap;
	g->nev++;
}

/* Buildings the player owns, finished by loop t. */
static int
has(const struct player *p, const char *name, uint32_t t)
{
	int i;

	if (name == NULL)
		return 1;
	for (i = 0; i < p->nbld; i++)
		if (strcmp(p->bld[i].name, name) == 0 && p->bld[i].done <= t)
			return 1;
	/* A Lair or Hive still counts as a Hatchery, a Hive as a Lair. */
	if (strcmp(name, "Hatchery") == 0)
		return has(p, "Lair", t) || has(p, "Hive", t);
	if (strcmp(name, "Lair") == 0)
		return has(p, "Hive", t);
	return 0;
}

/* Supply available at loop t: finished buildings and overlords. */
static int
cap_at(const struct player *p, uint32_t t)
{
	int i, cap = p->overlord_cap;

	for (i = 0; i < p->nbld; i++)
		if (p->bld[i].built <= t)
			cap += p->bld[i].cap;
	return cap < 200 ? cap : 200;
}

/* Whether food (half supply) more fits under the supply cap at t. */
static int
fits(const struct player *p, uint32_t t, int food)
{
	return p->food + food <= 2 * cap_at(p, t);
}

static void
keep_alive(struct player *p, int unit, const struct unitdef *def,
    uint32_t ready)
{
	if (p->nalive < MAXALIVE) {
		p->alive[p->nalive].unit = unit;
		p->alive[p->nalive].def = def;
		p->alive[p->nalive].ready = ready;
		p->nalive++;
	}
}

/* Starts a building at t; returns its bld slot or -1. */
static int
build(struct game *g, struct player *p, uint32_t t, const char *name,
    int seconds, int cap)
{
	struct bld *b;
	int u;

	if (p->nbld == MAXBLD)
		return -1;
	u = new_unit(g);
	b = &p->bld[p->nbld];
	b->unit = u;
	b->name = name;
	b->done = t + SEC(seconds);
	b->built = b->done;
	b->cap = cap;
	b->morphed = 0;
	/* A drone turns into the building. */
	if (p->race == &races[ZERG]) {
		p->food -= 2;
		p->workers--;
	}
	add(g, t, GEN_INIT, p->id, u, name, NULL,
	    p->race == &races[ZERG] ? -2 : 0, 0);
	add(g, b->done, GEN_DONE, p->id, u, NULL, NULL, 0, cap);
	p->cap += cap;
	p->items++;
	/* Gateways become warp gates once the research is done. */
	if (p->warpgate && strcmp(name, "Gateway") == 0) {
		add(g, b->done + between(g, 10, 120), GEN_MORPH, p->id, u,
		    "WarpGate", NULL, 0, 0);
		b->morphed = 1;
	}
	return p->nbld++;
}

/* A unit that pops at t.  Returns the unit number of the (first) unit. */
static int
make_unit(struct game *g, struct player *p, uint32_t t,
    const struct unitdef *d)
{
	uint32_t egg, larva;
	int u, l, n, i;

	switch (d->how) {
	case MADE_LARVA:
	case MADE_PAIR:
		/* Larva, then an egg for the build time, then the unit.
		 * The game takes the supply when the egg starts; here it
		 * is taken at birth, so that the supply checks of the
		 * simulation, made at birth, hold in the PlayerStats. */
		egg = shift(t, -(int)SEC(d->build));
		larva = shift(egg, -between(g, 20, 400));
		l = new_unit(g);
		add(g, larva, GEN_BORN, p->id, l, "Larva", "", 0, 0);
		n = d->how == MADE_PAIR ? 2 : 1;
		add(g, egg, GEN_MORPH, p->id, l, "Egg", NULL, 0, 0);
		add(g, t, GEN_MORPH, p->id, l, "Larva", NULL, 0, 0);
		add(g, t, GEN_DIED, p->id, l, NULL, NULL, 0, 0);
		u = -1;
		for (i = 0; i < n; i++) {
			l = new_unit(g);
			if (u < 0)
				u = l;
			add(g, t, GEN_BORN, p->id, l, d->name, d->ability,
			    d->food, d == &zerg_overlord ? 8 : 0);
			if (d != p->race->worker)
				keep_alive(p, l, d, t);
		}
		p->food += n * d->food;
		p->items += n;
		if (d == &zerg_overlord) {
			p->cap += 8;
			p->overlord_cap += 8;
		}
		return u;
	case MADE_GATEWAY:
		if (p->warpgate) {
			/* Warp-ins are stamped when they start. */
			u = new_unit(g);
			add(g, t, GEN_INIT, p->id, u, d->name, NULL, d->food, 0);
			add(g, t + SEC(5), GEN_DONE, p->id, u, NULL, NULL, 0, 0);
			keep_alive(p, u, d, t + SEC(5));
			p->food += d->food;
			p->items++;
			return u;
		}
		/* FALLTHROUGH */
	default:
		u = new_unit(g);
		add(g, t, GEN_BORN, p->id, u, d->name, d->ability, d->food, 0);
		if (d->weight > 0)
			keep_alive(p, u, d, t);
		p->food += d->food;
		p->items++;
		return u;
	}
}

static void
worker(struct game *g, struct player *p, uint32_t t)
{
	make_unit(g, p, t, p->race->worker);
	p->workers++;
}

static void
supply(struct game *g, struct player *p, uint32_t t)
{
	if (p->race->supply == NULL)
		make_unit(g, p, t, &zerg_overlord);
	else
		build(g, p, t, p->race->supply,
		    strcmp(p->race->supply, "Pylon") == 0 ? 18 : 21, 8);
}

static void
expand(struct game *g, struct player *p, uint32_t t)
{
	if (build(g, p, t, p->race->hall, 71, p->race->hall_cap) >= 0)
		p->bases++;
}

static void
gas(struct game *g, struct player *p, uint32_t t)
{
	if (build(g, p, t, p->race->gas, 21, 0) >= 0)
		p->gases++;
}

/* A unit changes type when a morph ends; the cocoon, if any, at t. */
static void
morph(struct game *g, struct player *p, struct alive *a, uint32_t t,
    const char *cocoon, const char *final, const struct unitdef *def,
    int seconds, int food)
{
	uint32_t end = t + SEC(seconds);

	if (cocoon != NULL)
		add(g, t, GEN_MORPH, p->id, a->unit, cocoon, NULL, food, 0);
	add(g, end, GEN_MORPH, p->id, a->unit, final, NULL, 0, 0);
	p->food += food;
	p->items++;
	a->def = def;
	a->ready = end;
}

/* Unit definitions for morphed units, used for supply when they die. */
static const struct unitdef zerg_baneling =
	{ "Baneling", NULL, 1, 14, 1, NULL, MADE_TRAIN };
static const struct unitdef zerg_ravager =
	{ "Ravager", NULL, 6, 9, 1, NULL, MADE_TRAIN };
static const struct unitdef zerg_overseer =
	{ "Overseer", NULL, 0, 12, 0, NULL, MADE_TRAIN };

static struct alive *
find_alive(struct game *g, struct player *p, const char *name, uint32_t t)
{
	int i, start;

	if (p->nalive == 0)
		return NULL;
	start = between(g, 0, p->nalive - 1);
	for (i = 0; i < p->nalive; i++) {
		struct alive *a = &p->alive[(start + i) % p->nalive];

		if (strcmp(a->def->name, name) == 0 && a->ready <= t)
			return a;
	}
	return NULL;
}

static int
try_morph(struct game *g, struct player *p, uint32_t t)
{
	struct alive *a;
	struct bld *b;
	int i;

	for (i = 0; i < p->nbld; i++) {
		b = &p->bld[i];
		if (b->morphed || b->done > t)
			continue;
		if (strcmp(b->name, "Hatchery") == 0 && i == 0 &&
		    t >= SEC(240) && has(p, "SpawningPool", t)) {
			/* Not morphed: a Lair goes on to be a Hive. */
			b->name = "Lair";
			b->done = t + SEC(57);
			add(g, b->done, GEN_MORPH, p->id, b->unit, "Lair", NULL,
			    0, 0);
			p->items++;
			return 1;
		}
		if (strcmp(b->name, "Lair") == 0 && has(p, "InfestationPit",
		    t)) {
			b->morphed = 1;
			b->name = "Hive";
			b->done = t + SEC(71);
			add(g, b->done, GEN_MORPH, p->id, b->unit, "Hive", NULL,
			    0, 0);
			p->items++;
			return 1;
		}
		if (strcmp(b->name, "CommandCenter") == 0 &&
		    has(p, "Barracks", t)) {
			b->morphed = 1;
			b->name = chance(g, 85) ? "OrbitalCommand" :
			    "PlanetaryFortress";
			b->done = t + SEC(b->name[0] == 'O' ? 25 : 36);
			add(g, b->done, GEN_MORPH, p->id, b->unit, b->name, NULL,
			    0, 0);
			p->items++;
			return 1;
		}
	}
	if (p->race != &races[ZERG])
		return 0;
	if (has(p, "BanelingNest", t) &&
	    (a = find_alive(g, p, "Zergling", t)) != NULL) {
		morph(g, p, a, t, "BanelingCocoon", "Baneling", &zerg_baneling,
		    14, 0);
		return 1;
	}
	if (has(p, "RoachWarren", t) && fits(p, t, 2) &&
	    (a = find_alive(g, p, "Roach", t)) != NULL) {
		morph(g, p, a, t, "RavagerCocoon", "Ravager", &zerg_ravager,
		    9, 2);
		return 1;
	}
	if (has(p, "Lair", t) && chance(g, 30) &&
	    (a = find_alive(g, p, "Overlord", t)) != NULL) {
		morph(g, p, a, t, "OverlordCocoon", "Overseer", &zerg_overseer,
		    12, 0);
		return 1;
	}
	return 0;
}

static int
try_tech(struct game *g, struct player *p, uint32_t t)
{
	const struct techdef *d;
	int i;

	for (i = 0, d = p->race->tech; d->name != NULL; i++, d++) {
		if (p->tech_done & (uint64_t)1 << i)
			continue;
		if (t < SEC(d->earliest) || !has(p, d->needs, t))
			continue;
		if (!chance(g, 60))
			return 0;
		p->tech_done |= (uint64_t)1 << i;
		build(g, p, t, d->name, d->build, 0);
		return 1;
	}
	return 0;
}

static void
warp_gates(struct game *g, struct player *p, uint32_t t)
{
	int i;

	p->warpgate = 1;
	for (i = 0; i < p->nbld; i++)
		if (strcmp(p->bld[i].name, "Gateway") == 0 &&
		    !p->bld[i].morphed) {
			p->bld[i].morphed = 1;
			add(g, (p->bld[i].done > t ? p->bld[i].done : t) +
			    between(g, 10, 200), GEN_MORPH, p->id,
			    p->bld[i].unit, "WarpGate", NULL, 0, 0);
		}
}

static int
try_upgrade(struct game *g, struct player *p, uint32_t t)
{
	const struct upgdef *u = &p->race->upgrades[p->next_upgrade];

	if (u->name == NULL || t < SEC(u->earliest) || !has(p, u->needs, t))
		return 0;
	add(g, t, GEN_UPGRADE, p->id, -1, u->name, NULL, 0, 0);
	p->items++;
	p->next_upgrade++;
	if (strcmp(u->name, "WarpGateResearch") == 0)
		warp_gates(g, p, t);
	return 1;
}

/* Army units trade: some of them died over the last seconds.  Deaths in
 * the past keep the supply in the PlayerStats within the cap. */
static void
fight(struct game *g, struct player *p, uint32_t t)
{
	struct alive *a;
	int i, span;

	for (i = 0; i < p->nalive; ) {
		a = &p->alive[i];
		if (a->def->food > 0 && a->ready <= t && chance(g, 45)) {
			span = t - a->ready < 300 ? (int)(t - a->ready) : 300;
			add(g, t - between(g, 0, span), GEN_DIED, p->id,
			    a->unit, NULL, NULL, -a->def->food, 0);
			p->food -= a->def->food;
			*a = p->alive[--p->nalive];
		} else
			i++;
	}
}

static void
army(struct game *g, struct player *p, uint32_t t)
{
	const struct unitdef *d, *pick = NULL;
	int total = 0, n;

	for (d = p->race->units; d->name != NULL; d++)
		if (has(p, d->needs, t))
			total += d->weight;
	if (total == 0)
		return;
	n = between(g, 1, total);
	for (d = p->race->units; d->name != NULL; d++) {
		if (!has(p, d->needs, t))
			continue;
		if ((n -= d->weight) <= 0) {
			pick = d;
			break;
		}
	}
	if (pick == NULL)
		return;
	if (!fits(p, t, pick->how == MADE_PAIR ? 2 : pick->food)) {
		/* Maxed out: trade armies.  Otherwise wait for supply. */
		if (cap_at(p, t) >= 200)
			fight(g, p, t);
		return;
	}
	make_unit(g, p, t, pick);
}

/* Small things real games have that the build order skips. */
static void
noise(struct game *g, struct player *p, uint32_t t)
{
	int u;

	if (!p->sprayed && t > SEC(200) && chance(g, 20)) {
		add(g, t, GEN_UPGRADE, p->id, -1, p->race->spray, NULL, 0, 0);
		p->sprayed = 1;
		return;
	}
	u = new_unit(g);
	if (p->race == &races[ZERG] && has(p, "SpawningPool", t)) {
		add(g, t, GEN_INIT, p->id, u, "CreepTumorQueen", NULL, 0, 0);
		add(g, t + SEC(11), GEN_DONE, p->id, u, NULL, NULL, 0, 0);
	} else if (p->race == &races[TERRAN] && has(p, "OrbitalCommand", t)) {
		add(g, t, GEN_BORN, p->id, u, "MULE", "CalldownMULE", 0, 0);
		add(g, t + SEC(64), GEN_DIED, p->id, u, NULL, NULL, 0, 0);
	} else if (p->race == &races[PROTOSS] && has(p, "CyberneticsCore",
	    t)) {
		add(g, t, GEN_BORN, p->id, u, "AdeptPhaseShift",
		    "AdeptPhaseShift", 0, 0);
		add(g, t + SEC(7), GEN_DIED, p->id, u, NULL, NULL, 0, 0);
	}
}

static void
macro_step(struct game *g, struct player *p)
{
	uint32_t t = p->t;
	int want = 16 * p->bases + 6 * p->gases;

	if (want > 75)
		want = 75;
	/* Supply ahead of need: more production needs a larger margin. */
	if (p->cap < 200 && p->food + 12 + 4 * p->bases >= 2 * p->cap)
		supply(g, p, t);
	else if (p->workers < want && chance(g, 45)) {
		if (fits(p, t, 2))
			worker(g, p, t);
	} else if (t >= p->next_base && p->bases < 5) {
		expand(g, p, t);
		p->next_base = t + SEC(between(g, 120, 200));
	} else if (p->gases < 2 * p->bases && t > SEC(150) && chance(g, 15))
		gas(g, p, t);
	else if (try_tech(g, p, t))
		;
	else if (chance(g, 12) && try_upgrade(g, p, t))
		;
	else if (chance(g, 12) && try_morph(g, p, t))
		;
	else if (chance(g, 4))
		noise(g, p, t);
	else
		army(g, p, t);
	p->t += between(g, 15, 75);
}

/* Opening builds, the first two minutes.  Times in loops, a little late
 * or early each game. */

static void
start(struct game *g, struct player *p)
{
	const struct race *r = p->race;
	struct bld *b;
	int i, u;

	b = &p->bld[p->nbld++];
	b->unit = new_unit(g);
	b->name = r->hall;
	b->done = 0;
	b->built = 0;
	b->cap = r->hall_cap;
	b->morphed = 0;
	add(g, 0, GEN_BORN, p->id, b->unit, r->hall, NULL, 0, r->hall_cap);
	p->cap = r->hall_cap;
	p->bases = 1;
	for (i = 0; i < 12; i++)
		add(g, 0, GEN_BORN, p->id, new_unit(g), r->worker->name, NULL,
		    2, 0);
	p->food = 24;
	p->workers = 12;
	if (r == &races[ZERG]) {
		u = new_unit(g);
		add(g, 0, GEN_BORN, p->id, u, "Overlord", NULL, 0, 8);
		keep_alive(p, u, &zerg_overlord, 0);
		p->cap += 8;
		p->overlord_cap += 8;
		for (i = 0; i < 3; i++)
			add(g, 0, GEN_BORN, p->id, new_unit(g), "Larva", NULL,
			    0, 0);
	}
}

static uint32_t
jitter(struct game *g, uint32_t loop, int d)
{
	return shift(loop, between(g, -d, d));
}

static void
opening(struct game *g, struct player *p)
{
	static const uint32_t zerg_drones[] = {
		272, 290, 830, 860, 1000, 1160, 1380, 1560, 1700
	};
	uint32_t ov, t;
	int i;

	start(g, p);
	switch (p->race - races) {
	case ZERG:
		/* 13 overlord: drones past 14 supply wait for it. */
		ov = jitter(g, 810, 30);
		make_unit(g, p, ov, &zerg_overlord);
		for (i = 0; i < (int)NELEM(zerg_drones); i++) {
			t = jitter(g, zerg_drones[i], 15);
			if (zerg_drones[i] > 800 && t <= ov)
				t = ov + between(g, 5, 30);
			worker(g, p, t);
		}
		expand(g, p, jitter(g, 1150, 60));
		gas(g, p, jitter(g, 1290, 60));
		build(g, p, jitter(g, 1400, 100), "SpawningPool", 46, 0);
		make_unit(g, p, jitter(g, 1950, 40), &zerg_overlord);
		break;
	case TERRAN:
		for (i = 1; i <= 7; i++)
			worker(g, p, jitter(g, 272 * i, 10));
		build(g, p, jitter(g, 400, 40), "SupplyDepot", 21, 8);
		build(g, p, jitter(g, 900, 60), "Barracks", 46, 0);
		gas(g, p, jitter(g, 980, 60));
		expand(g, p, jitter(g, 1900, 100));
		break;
	default:
		for (i = 1; i <= 7; i++)
			worker(g, p, jitter(g, 269 * i, 10));
		build(g, p, jitter(g, 400, 40), "Pylon", 18, 8);
		build(g, p, jitter(g, 850, 50), "Gateway", 46, 0);
		gas(g, p, jitter(g, 1000, 50));
		gas(g, p, jitter(g, 1250, 80));
		expand(g, p, jitter(g, 1900, 100));
		/* After the Gateway is done, at 1930 at the latest. */
		build(g, p, jitter(g, 1960, 20), "CyberneticsCore", 36, 0);
		break;
	}
	p->t = 2000;
	p->next_base = SEC(between(g, 180, 260));
}

static int
ev_cmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->loop != y->loop)
		return x->loop < y->loop ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct tag {
	int index;
	int recycle;
};

/* Emits the sorted events with PlayerStats and unit positions between
 * them, giving units their tags in stream order: the index of a dead unit
 * is used again with the next recycle number, as the game does. */
static int
emit(struct game *g, struct rw_replay *r, uint32_t end, int positions)
{
	struct tag *tags, *freed;
	size_t nfreed = 0, freed_head = 0, i;
	int food[3] = { 0 }, cap[3] = { 0 };
	uint32_t stats = 1, pos = 240;
	int next_index = 0, n, pl;
	struct ev *e;

	tags = calloc(g->nunits + 1, sizeof(*tags));
	freed = calloc(g->nunits + 1, sizeof(*freed));
	if (tags == NULL || freed == NULL) {
		free(tags);
		free(freed);
		return -1;
	}
	/* Minerals and geysers belong to nobody. */
	for (n = 0; n < 24; n++)
		rw_unit_born(r, 0, next_index++, 1, n % 6 == 5 ?
		    "VespeneGeyser" : n % 2 ? "MineralField750" :
		    "MineralField", 0, 0, NULL);
	for (i = 0; i <= g->nev; i++) {
		e = i < g->nev ? &g->ev[i] : NULL;
		for (;;) {
			uint32_t l = e ? e->loop : end;

			if (stats <= l && stats <= pos) {
				for (pl = 1; pl <= 2; pl++)
					rw_player_stats(r, stats, pl,
					    (int64_t)food[pl] * (SUPPLY_ONE / 2),
					    (int64_t)(cap[pl] > 200 ? 200 :
					    cap[pl]) * SUPPLY_ONE);
				stats = stats == 1 ? 160 : stats + 160;
			} else if (pos <= l && positions > 0) {
				n = positions / 2 + between(g, 0, positions);
				rw_unit_positions(r, pos, between(g, 24, 200),
				    n);
				pos += 240;
			} else if (pos <= l)
				pos += 240;
			else
				break;
		}
		if (e == NULL)
			break;
		food[e->player] += e->food;
		cap[e->player] += e->cap;
		if (e->kind == GEN_BORN || e->kind == GEN_INIT) {
			if (freed_head < nfreed) {
				tags[e->unit] = freed[freed_head++];
				tags[e->unit].recycle++;
			} else {
				tags[e->unit].index = next_index++;
				tags[e->unit].recycle = 1;
			}
		}
		switch (e->kind) {
		case GEN_BORN:
			rw_unit_born(r, e->loop, tags[e->unit].index,
			    tags[e->unit].recycle, e->name, e->player,
			    e->player, e->ability);
			break;
		case GEN_INIT:
			rw_unit_init(r, e->loop, tags[e->unit].index,
			    tags[e->unit].recycle, e->name, e->player);
			break;
		case GEN_DONE:
			rw_unit_done(r, e->loop, tags[e->unit].index,
			    tags[e->unit].recycle);
			break;
		case GEN_DIED:
			rw_unit_died(r, e->loop, tags[e->unit].index,
			    tags[e->unit].recycle);
			freed[nfreed++] = tags[e->unit];
			break;
		case GEN_MORPH:
			rw_type_change(r, e->loop, tags[e->unit].index,
			    tags[e->unit].recycle, e->name);
			break;
		case GEN_UPGRADE:
			rw_upgrade(r, e->loop, e->player, e->name, 1);
			break;
		}
	}
	free(tags);
	free(freed);
	return 0;
}

static void
make_player(struct game *g, struct rw_player *rp, char *name, size_t size,
    const char *n, const struct race *race, int result, int team)
{
	if (chance(g, 40))
		snprintf(name, size, "&lt;%s&gt;<sp/>%s",
		    clans[between(g, 0, NELEM(clans) - 1)], n);
	else
		snprintf(name, size, "%s", n);
	memset(rp, 0, sizeof(*rp));
	rp->name = name;
	rp->race = race->name;
	rp->result = result;
	rp->team_id = team;
	rp->control = CONTROL_HUMAN;
	rp->observe = 0;
	rp->region = between(g, 1, 3);
	rp->realm = 1;
	rp->toon_id = between(g, 100000, 9999999);
	rp->program_id = "S2";
	rp->apm = between(g, 90, 450);
}

static int
make_replay(uint64_t seed, unsigned long num, int items, const char *path)
{
	struct game g;
	struct rw_replay *r;
	struct rw_player rp;
	struct rw_replay *scratch;
	struct player *p;
	char name[2][64];
	uint64_t target, size;
	uint32_t end;
	int i, winner, who[2], positions, err = -1;

	memset(&g, 0, sizeof(g));
	g.rng = seed ^ (num + 1) * 0xd1b54a32d192ed03ull;
	rnd(&g.rng);
	if ((r = rw_new()) == NULL) {
		fprintf(stderr, "mkreplay: out of memory\n");
		return -1;
	}
	rw_set_version(r, 5, 0, 14, 93333, 93333);
	rw_set_map(r, maps[between(&g, 0, NELEM(maps) - 1)]);
	winner = between(&g, 0, 1);
	who[0] = between(&g, 0, NELEM(names) - 1);
	who[1] = (who[0] + between(&g, 1, NELEM(names) - 1)) % NELEM(names);
	for (i = 0; i < 2; i++) {
		p = &g.pl[i];
		p->id = i + 1;
		p->race = &races[between(&g, 0, 2)];
		p->target = items / 2 + (i == 0 ? items % 2 : 0);
		make_player(&g, &rp, name[i], sizeof(name[i]), names[who[i]],
		    p->race, i == winner ? 1 : 2, i);
		rw_add_player(r, &rp);
	}
	for (i = 0; i < 2; i++) {
		p = &g.pl[i];
		opening(&g, p);
		/* The time limit only guards against a stuck simulation. */
		while (p->items < p->target && !g.failed &&
		    p->t < UINT32_MAX / 4)
			macro_step(&g, p);
	}
	end = g.pl[0].t > g.pl[1].t ? g.pl[0].t : g.pl[1].t;
	end += between(&g, 100, 600);
	qsort(g.ev, g.nev, sizeof(*g.ev), ev_cmp);

	/* Unit positions fill the tracker member up to ~150 KB for 700
	 * items, as in a real game that size; a dry run without them
	 * measures the rest.  A unit takes about 8 bytes. */
	if (g.failed || (scratch = rw_new()) == NULL)
		goto nomem;
	i = emit(&g, scratch, end, 0);
	size = rw_tracker_size(scratch);
	rw_free(scratch);
	if (i != 0)
		goto nomem;
	target = (uint64_t)items * 150000 / 700;
	positions = 0;
	if (target > size)
		positions = (target - size) / 8 / (end / 240 + 1);

	rw_player_setup(r, 0, 1, 1, 1, 0);
	rw_player_setup(r, 0, 2, 1, 6, 1);
	if (emit(&g, r, end, positions) != 0)
		goto nomem;
	rw_set_loops(r, end);
	err = rw_write(r, path);
	goto out;
nomem:
	fprintf(stderr, "mkreplay: out of memory\n");
out:
	rw_free(r);
	free(g.ev);
	return err;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: mkreplay [--seed N] [--count N] [--items N] OUTDIR\n");
	exit(1);
}

static unsigned long long
number(const char *opt, const char *s, unsigned long long max)
{
	unsigned long long v;
	char *end;

	if (s == NULL)
		usage();
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || *s == '-' || errno != 0 || v > max) {
		fprintf(stderr, "mkreplay: %s: bad number: %s\n", opt, s);
		exit(1);
	}
	return v;
}

int
main(int argc, char **argv)
{
	unsigned long long seed = 1, count = 1, items = 700, i;
	const char *dir = NULL;
	char path[4096];
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--seed") == 0)
			seed = number("--seed", argv[++a], ULLONG_MAX);
		else if (strcmp(argv[a], "--count") == 0)
			count = number("--count", argv[++a], 1000000);
		else if (strcmp(argv[a], "--items") == 0)
			items = number("--items", argv[++a], 100000);
		else if (argv[a][0] == '-' || dir != NULL)
			usage();
		else
			dir = argv[a];
	}
	if (dir == NULL)
		usage();
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "mkreplay: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (i = 0; i < count; i++) {
		if ((size_t)snprintf(path, sizeof(path),
		    "%s/gen_%06llu.SC2Replay", dir, i) >= sizeof(path)) {
			fprintf(stderr, "mkreplay: %s: name too long\n", dir);
			return 1;
		}
		if (make_replay(seed, i, (int)items, path) != 0) {
			fprintf(stderr, "mkreplay: %s: failed\n", path);
			return 1;
		}
	}
	return 0;
}
