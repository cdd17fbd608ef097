/*
 * units.c - what the game's unit names mean: buildings, town halls, races
 *
 * Facts about the game's units, apart from the decoder, because both the
 * build-order rules (which see a replay) and the learned files (which
 * merge-results reads without any replay) need them: a program that only
 * merges summaries links this file and none of the MPQ reader or decoder.
 */
#include <stdlib.h>
#include <string.h>

#include "units.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Sorted (strcmp order) so that bsearch finds names. */
static const char *const buildings[] = {
	"Armory", "Assimilator", "AssimilatorRich", "BanelingNest", "Barracks",
	"BarracksReactor", "BarracksTechLab", "Bunker", "CommandCenter",
	"CyberneticsCore", "DarkShrine", "EngineeringBay", "EvolutionChamber",
	"Extractor", "ExtractorRich", "Factory", "FactoryReactor",
	"FactoryTechLab", "FleetBeacon", "Forge", "FusionCore", "Gateway",
	"GhostAcademy", "GreaterSpire", "Hatchery", "Hive", "HydraliskDen",
	"InfestationPit", "Lair", "LurkerDenMP", "MissileTurret", "Nexus",
	"NydusCanal", "NydusNetwork", "OrbitalCommand", "PhotonCannon",
	"PlanetaryFortress", "Pylon", "Reactor", "Refinery", "RefineryRich",
	"RoachWarren", "RoboticsBay", "RoboticsFacility", "SensorTower",
	"ShieldBattery", "SpawningPool", "SpineCrawler", "Spire", "SporeCrawler",
	"Stargate", "Starport", "StarportReactor", "StarportTechLab",
	"SupplyDepot", "SupplyDepotDrop", "TechLab", "TemplarArchive",
	"TwilightCouncil", "UltraliskCavern", "WarpGate",
};

/* Sorted, as buildings. */
static const char *const workers[] = { "Drone", "Probe", "SCV" };

static const char *const town_halls[][2] = {
	{ "Hatchery", "Zerg" }, { "Nexus", "Protoss" },
	{ "CommandCenter", "Terran" },
};

/* Details hold the race in the language of the client that saved it. */
static const char *const race_names[][2] = {
	{ "Terran", "Terran" }, { "Protoss", "Protoss" }, { "Zerg", "Zerg" },
	{ "테란", "Terran" }, { "프로토스", "Protoss" }, { "저그", "Zerg" },
	{ "Терран", "Terran" }, { "Терраны", "Terran" },
	{ "Протосс", "Protoss" }, { "Протоссы", "Protoss" },
	{ "Зерг", "Zerg" }, { "Зерги", "Zerg" },
	{ "人类", "Terran" }, { "星灵", "Protoss" }, { "异虫", "Zerg" },
	{ "人類", "Terran" }, { "神族", "Protoss" }, { "蟲族", "Zerg" },
	{ "Terrani", "Terran" }, { "Protosi", "Protoss" }, { "Zergi", "Zerg" },
	{ "Terraner", "Terran" },
};

int
name_is_text(struct name n)
{
	const unsigned char *p = (const unsigned char *)n.s, *end = p + n.n;

	while (p < end) {
		unsigned c = *p++, lo = 0x80, hi = 0xbf;
		int more;

		if (c == 0)
			return 0;
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			more = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			lo = c == 0xe0 ? 0xa0 : 0x80;	/* no overlong forms */
			hi = c == 0xed ? 0x9f : 0xbf;	/* no surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			lo = c == 0xf0 ? 0x90 : 0x80;
			hi = c == 0xf4 ? 0x8f : 0xbf;	/* at most U+10FFFF */
		} else
			return 0;
		if (end - p < more || *p < lo || *p > hi)
			return 0;
		for (p++; --more > 0; p++)
			if (*p < 0x80 || *p > 0xbf)
				return 0;
	}
	return 1;
}

int
name_is(struct name n, const char *s)
{
	return strlen(s) == n.n && memcmp(n.s, s, n.n) == 0;
}

static int
compare_name(const void *key, const void *member)
{
	const struct name *n = key;
	const char *s = *(const char *const *)member;
	size_t len = strlen(s);
	int c = memcmp(n->s, s, n->n < len ? n->n : len);

	if (c != 0)
		return c;
	return n->n < len ? -1 : n->n > len;
}

int
name_in_sorted(struct name n, const char *const *list, size_t count)
{
	return bsearch(&n, list, count, sizeof list[0], compare_name) != NULL;
}

int
name_has_prefix(struct name n, const char *const *prefixes, size_t count)
{
	size_t i, len;

	for (i = 0; i < count; i++) {
		len = strlen(prefixes[i]);
		if (n.n >= len && memcmp(n.s, prefixes[i], len) == 0)
			return 1;
	}
	return 0;
}

int
unit_is_building(struct name n)
{
	return name_in_sorted(n, buildings, COUNT(buildings));
}

int
unit_is_worker(struct name n)
{
	return name_in_sorted(n, workers, COUNT(workers));
}

const char *
town_hall_race(struct name n)
{
	size_t i;

	for (i = 0; i < COUNT(town_halls); i++)
		if (name_is(n, town_halls[i][0]))
			return town_halls[i][1];
	return NULL;
}

const char *
race_english(const char *race)
{
	size_t i;

	for (i = 0; i < COUNT(race_names); i++)
		if (strcmp(race, race_names[i][0]) == 0)
			return race_names[i][1];
	return NULL;
}
