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
