/* units.h - what the game's unit names mean: buildings, town halls, races */
#ifndef UNITS_H
#define UNITS_H

#include <stddef.h>

/*
 * A name as the tracker holds it: bytes in the replay's data, not
 * NUL-terminated.
 */
struct name {
	const char *s;
	size_t n;
};

/*
 * Whether n is valid UTF-8 (shortest forms, no surrogates, at most U+10FFFF)
 * without a NUL: what every real replay's names are. Anything else is bad
 * data, since names become JSON keys and table keys compared as text.
 */
int name_is_text(struct name n);
int name_is(struct name n, const char *s);
/* list is sorted in strcmp order. */
int name_in_sorted(struct name n, const char *const *list, size_t count);
int name_has_prefix(struct name n, const char *const *prefixes, size_t count);

/* A building (of the spec's building list), as opposed to a unit. */
int unit_is_building(struct name n);
/* A worker: SCV, Probe or Drone. */
int unit_is_worker(struct name n);
/* The race whose town hall (Hatchery, Nexus, CommandCenter) n is, or NULL. */
const char *town_hall_race(struct name n);
/* The English race of a details race string, which may be localised; or NULL. */
const char *race_english(const char *race);

#endif
