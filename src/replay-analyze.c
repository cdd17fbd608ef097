/*
 * replay-analyze - StarCraft II replays to build orders and learned parameters
 *
 * main() only gathers the settings, from one option table, and calls the
 * analysis (analyze_run.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze_run.h"
#include "die.h"
#include "file.h"
#include "gametype.h"
#include "inputs.h"
#include "learned.h"
#include "options.h"
#include "output.h"

struct settings {
	struct analysis_options ao;
	const char *password, *password_file;
	const char *game_types;
	int all_results, quiet, null;
};

/* The zip password from the environment: like a file, out of ps's sight. */
#define PASSWORD_ENV		"REPLAY_ZIP_PASSWORD"
/* A password file is one line; a larger file is some other file. */
#define PASSWORD_FILE_LIMIT	4096

/* --race's words in the order of enum race_filter (filter.race, an int). */
static const char *const races[] = { "any", "terran", "protoss", "zerg", NULL };

/* The defaults here are learned_filter_defaults()' own, shown by --help. */
static const struct opt replay_analyze_options[] = {
	{ .name = "output", .letter = 'o', .kind = OPT_STRING,
	  .field = offsetof(struct settings, ao.output), .arg = "FILE",
	  .help = "write the lines to FILE (atomically) instead of stdout" },
	{ .name = "summary", .letter = 's', .kind = OPT_STRING,
	  .field = offsetof(struct settings, ao.summary), .arg = "FILE",
	  .help = "also write the learned parameters\n(learned_build_orders.json)" },
	{ .name = "skip-known", .kind = OPT_STRING,
	  .field = offsetof(struct settings, ao.skip_known), .arg = "LEARNED",
	  .help = "leave the replays LEARNED counts out of the summary\n"
	  "(their lines say \"skipped\": \"known\")" },
	{ .name = "root", .letter = 'r', .kind = OPT_STRING,
	  .field = offsetof(struct settings, ao.root), .arg = "DIR",
	  .help = "print file paths relative to DIR" },
	{ .name = "password", .letter = 'p', .kind = OPT_STRING,
	  .field = offsetof(struct settings, password), .arg = "PASS",
	  .help = "password for encrypted zip archives (ps shows it)" },
	{ .name = "password-file", .kind = OPT_STRING,
	  .field = offsetof(struct settings, password_file), .arg = "FILE",
	  .help = "the password is FILE's first line; without either,\n"
	  "$" PASSWORD_ENV },
	{ .name = "race", .kind = OPT_CHOICE,
	  .field = offsetof(struct settings, ao.filter.race), .arg = "RACE",
	  .words = races, .def = "zerg",
	  .help = "summary race: zerg, terran, protoss or any" },
	{ .name = "all-results", .kind = OPT_FLAG,
	  .field = offsetof(struct settings, all_results),
	  .help = "summary counts losers too (default: winners only)" },
	{ .name = "min-seconds", .kind = OPT_NUMBER,
	  .field = offsetof(struct settings, ao.filter.min_seconds), .arg = "N",
	  .lo = 0, .hi = 1e9,
	  .help = "summary skips replays shorter than N real seconds" },
	{ .name = "max-seconds", .kind = OPT_NUMBER,
	  .field = offsetof(struct settings, ao.filter.max_seconds), .arg = "N",
	  .lo = 0, .hi = 1e9,
	  .help = "summary skips replays longer than N real seconds" },
	{ .name = "game-type", .kind = OPT_STRING,
	  .field = offsetof(struct settings, game_types), .arg = "LIST",
	  .def = "1v1",
	  .help = "kinds of game the summary counts:\n"
	  "1v1, 1v1-vs-AI, team, team-with-AI, coop,\n"
	  "arcade (comma-separated), or any" },
	{ .name = "null", .letter = '0', .kind = OPT_FLAG,
	  .field = offsetof(struct settings, null),
	  .help = "the list on - is NUL-separated (find -print0)" },
	{ .name = "quiet", .letter = 'q', .kind = OPT_FLAG,
	  .field = offsetof(struct settings, quiet),
	  .help = "no progress on a terminal" },
	{ .name = NULL }
};

static const char synopsis[] =
"usage: replay-analyze [OPTIONS] REPLAY|FOLDER|ZIP|- ...\n"
"Read StarCraft II replays and print their build orders as JSON Lines.\n";

static const char footer[] =
"Exit status: 0 all read, 65 some replay unusable (or the --skip-known or\n"
"password file), 66 an input is missing (or one of those files), 74 output\n"
"could not be written, 64 usage error (also an output that names an input,\n"
"or -o and -s naming one file: nothing is written).\n";

/*
 * Defaults, then the command line. Returns the exit status when there is
 * nothing more to do (--help, a usage error), else -1.
 */
static int
settings_read(struct settings *st, struct opt_set *set, int argc, char **argv)
{
	struct strbuf why = { 0 };
	int rc;

	memset(st, 0, sizeof *st);
	learned_filter_defaults(&st->ao.filter);
	if (opt_add(set, replay_analyze_options, st) < 0)
		return EX_SOFTWARE;
	if ((rc = opt_main(set, argc, argv, synopsis, footer)) >= 0)
		return rc;
	if (optind == argc) {
		opt_usage(stderr, set);
		return EX_USAGE;
	}
	/* An empty range is a typing mistake, never a wish for an empty summary. */
	if (st->ao.filter.min_seconds > st->ao.filter.max_seconds) {
		warnmsg("--min-seconds: %g is above --max-seconds %g: "
		    "no replay could count", st->ao.filter.min_seconds,
		    st->ao.filter.max_seconds);
		return EX_USAGE;
	}
	st->ao.filter.winners_only = !st->all_results;
	if (game_types_parse(st->game_types, &st->ao.filter.game_types,
	    &why) < 0) {
		warnmsg("--game-type: %s", why.data);
		sb_free(&why);
		return EX_USAGE;
	}
	st->ao.progress = !st->quiet && isatty(STDERR_FILENO);
	return -1;
}

/*
 * The zip password: --password, else the first line of --password-file,
 * else $REPLAY_ZIP_PASSWORD when set and not empty. The command line says
 * what this run wants, over what the environment holds for every run.
 * Returns -1, or the exit status after a message.
 */
static int
password_choose(struct settings *st, struct opt_set *set)
{
	const char *env;
	char *line;

	if (st->password)
		return -1;
	if (st->password_file) {
		line = file_first_line(st->password_file, PASSWORD_FILE_LIMIT);
		if (line == NULL) {
			int big = errno == EFBIG;

			warnmsg("%s: %s", st->password_file, big ?
			    "larger than 4 KiB: not a password file" :
			    strerror(errno));
			return big ? EX_DATAERR : EX_NOINPUT;
		}
		if (*line == '\0') {
			free(line);
			warnmsg("%s: the first line is empty: no password",
			    st->password_file);
			return EX_DATAERR;
		}
		st->password = opt_keep(set, line);
	} else if ((env = getenv(PASSWORD_ENV)) != NULL && *env != '\0') {
		st->password = env;
	}
	return -1;
}

/*
 * -o and -s against the replays and packs found (folders and the list on
 * "-" already read), the files options name, and each other: 0, or -1
 * after the message. An -s over --skip-known's file would replace the
 * learned file with the new replays alone.
 */
static int
outputs_check(const struct settings *st, const struct input_list *inputs)
{
	const struct output_name outs[] = {
		{ "-o", st->ao.output ? st->ao.output : "-" },
		{ "-s", st->ao.summary },
	};
	struct strlist paths = { NULL, 0, 0 };
	size_t i;
	int rc;

	for (i = 0; i < inputs->n; i++)
		if (i == 0 || strcmp(inputs->v[i].path, inputs->v[i - 1].path) != 0)
			strlist_push(&paths, inputs->v[i].path);
	if (st->ao.skip_known)
		strlist_push(&paths, st->ao.skip_known);
	if (st->password_file)
		strlist_push(&paths, st->password_file);
	rc = output_check(outs, 2, &paths, NULL);
	strlist_free(&paths);
	return rc;
}

int
main(int argc, char **argv)
{
	struct settings st;
	struct opt_set set = { 0 };
	struct input_list inputs = { 0 };
	int status, i;

	progname = "replay-analyze";
	if ((status = settings_read(&st, &set, argc, argv)) < 0 &&
	    (status = password_choose(&st, &set)) < 0) {
		inputs.password = st.password;
		inputs.null_separated = st.null;
		for (i = optind; i < argc; i++)
			inputs_add(&inputs, argv[i]);
		if (outputs_check(&st, &inputs) < 0)
			status = EX_USAGE;
		else
			status = analyze_inputs(&inputs, &st.ao);
		inputs_free(&inputs);
	}
	opt_free(&set);
	return status;
}
