/*
 * analysis_flags.c - replay-analyze's summary settings as bgtrain options
 *
 * The driver links no replay code, so it cannot take replay-analyze's own
 * table; it declares the same options with the same limits here, so that
 * a value out of range stops bgtrain at start-up (64) instead of failing
 * every job. A setting that was not given is not passed: replay-analyze's
 * default is the one default. These settings make the learned file's
 * filter; analysis.c keeps them from changing under an existing file.
 */
#include <sys/stat.h>

#include <math.h>
#include <stddef.h>

#include "analysis_flags.h"
#include "die.h"

/* replay-analyze's words for --race (any case), in the same order. */
static const char *const races[] = { "any", "terran", "protoss", "zerg", NULL };

const struct opt analysis_options[] = {
	{ .name = "race", .kind = OPT_CHOICE,
	  .field = offsetof(struct analysis_flags, race), .arg = "RACE",
	  .words = races,
	  .help = "analysis: whose builds count: zerg (replay-analyze's\n"
	  "default), terran, protoss or any" },
	{ .name = "all-results", .kind = OPT_FLAG,
	  .field = offsetof(struct analysis_flags, all_results),
	  .help = "analysis: losers' builds count too" },
	{ .name = "game-type", .kind = OPT_STRING,
	  .field = offsetof(struct analysis_flags, game_type), .arg = "LIST",
	  .help = "analysis: the kinds of game that count, comma-separated,\n"
	  "or any (replay-analyze's default: 1v1)" },
	{ .name = "min-seconds", .kind = OPT_NUMBER,
	  .field = offsetof(struct analysis_flags, min_seconds), .arg = "N",
	  .lo = 0, .hi = 1e9,
	  .help = "analysis: leave out replays shorter than N real seconds" },
	{ .name = "max-seconds", .kind = OPT_NUMBER,
	  .field = offsetof(struct analysis_flags, max_seconds), .arg = "N",
	  .lo = 0, .hi = 1e9,
	  .help = "analysis: leave out replays longer than N real seconds" },
	{ .name = "password-file", .kind = OPT_STRING,
	  .field = offsetof(struct analysis_flags, password_file), .arg = "FILE",
	  .help = "analysis: the zip packs' password is FILE's first line\n"
	  "(else $REPLAY_ZIP_PASSWORD)" },
	{ .name = NULL }
};

void
analysis_flags_unset(struct analysis_flags *a)
{
	a->race = -1;
	a->all_results = 0;
	a->game_type = NULL;
	a->min_seconds = a->max_seconds = NAN;
	a->password_file = NULL;
}

int
analysis_flags_check(const struct analysis_flags *a)
{
	struct stat st;

	/* NaN (not given) compares false: replay-analyze's bound holds. */
	if (a->min_seconds > a->max_seconds) {
		warnmsg("--min-seconds: %g is above --max-seconds %g: no replay "
		    "could count", a->min_seconds, a->max_seconds);
		return -1;
	}
	/* A missing one is replay-analyze's to say (66), at start-up. */
	if (a->password_file && stat(a->password_file, &st) == 0 &&
	    !S_ISREG(st.st_mode)) {
		warnmsg("--password-file: %s: not a regular file: every analysis job "
		    "reads it, and a pipe is read only once", a->password_file);
		return -1;
	}
	return 0;
}

void
analysis_flags_argv(const struct analysis_flags *a, struct strlist *av)
{
	if (a->race >= 0) {
		strlist_push(av, "--race");
		strlist_push(av, races[a->race]);
	}
	if (a->all_results)
		strlist_push(av, "--all-results");
	if (a->game_type) {
		strlist_push(av, "--game-type");
		strlist_push(av, a->game_type);
	}
	if (!isnan(a->min_seconds))
		strlist_push_option(av, "--min-seconds", a->min_seconds);
	if (!isnan(a->max_seconds))
		strlist_push_option(av, "--max-seconds", a->max_seconds);
	if (a->password_file) {
		strlist_push(av, "--password-file");
		strlist_push(av, a->password_file);
	}
}
