/*
 * replay-analyze - StarCraft II replays to build orders and learned parameters
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze_run.h"
#include "args.h"
#include "die.h"
#include "inputs.h"
#include "learned.h"
#include "version.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: replay-analyze [OPTIONS] REPLAY|FOLDER|ZIP|- ...\n"
"Read StarCraft II replays and print their build orders as JSON Lines.\n"
"\n"
"  -o, --output FILE      write the lines to FILE (atomically) instead of stdout\n"
"  -s, --summary FILE     also write the learned parameters (learned_build_orders.json)\n"
"  -r, --root DIR         print file paths relative to DIR\n"
"  -p, --password PASS    password for encrypted zip archives\n"
"      --race RACE        summary race: zerg (default), terran, protoss or any\n"
"      --all-results      summary counts losers too (default: winners only)\n"
"      --min-seconds N    summary skips replays shorter than N real seconds\n"
"      --max-seconds N    summary skips replays longer than N real seconds\n"
"  -q, --quiet            no progress on a terminal\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"Exit status: 0 all read, 65 some replay unusable, 66 an input is missing,\n"
"74 output could not be written, 64 usage error.\n");
}

enum { OPT_RACE = 256, OPT_ALL_RESULTS, OPT_MIN_SECONDS, OPT_MAX_SECONDS };

static const struct option options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "summary", required_argument, NULL, 's' },
	{ "root", required_argument, NULL, 'r' },
	{ "password", required_argument, NULL, 'p' },
	{ "race", required_argument, NULL, OPT_RACE },
	{ "all-results", no_argument, NULL, OPT_ALL_RESULTS },
	{ "min-seconds", required_argument, NULL, OPT_MIN_SECONDS },
	{ "max-seconds", required_argument, NULL, OPT_MAX_SECONDS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static int
race_arg(const char *s)
{
	if (strcmp(s, "zerg") == 0) return RACE_ZERG;
	if (strcmp(s, "terran") == 0) return RACE_TERRAN;
	if (strcmp(s, "protoss") == 0) return RACE_PROTOSS;
	if (strcmp(s, "any") == 0) return RACE_ANY;
	die(EX_USAGE, "--race: not zerg, terran, protoss or any: %s", s);
}

int
main(int argc, char **argv)
{
	struct analysis_options ao = { 0 };
	struct input_list inputs = { 0 };
	const char *output = NULL, *summary = NULL;
	int c, quiet = 0, i;

	progname = "replay-analyze";
	learned_filter_defaults(&ao.filter);
	while ((c = getopt_long(argc, argv, "o:s:r:p:qhV", options, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 's': summary = optarg; break;
		case 'r': ao.root = optarg; break;
		case 'p': inputs.password = optarg; break;
		case OPT_RACE: ao.filter.race = race_arg(optarg); break;
		case OPT_ALL_RESULTS: ao.filter.winners_only = 0; break;
		case OPT_MIN_SECONDS:
			ao.filter.min_seconds = arg_number("--min-seconds", optarg, 0, 1e9, 0);
			break;
		case OPT_MAX_SECONDS:
			ao.filter.max_seconds = arg_number("--max-seconds", optarg, 0, 1e9, 0);
			break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("replay-analyze %s\n", BGTRAIN_VERSION); return 0;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return EX_USAGE;
	}
	for (i = optind; i < argc; i++)
		inputs_add(&inputs, argv[i]);
	ao.progress = !quiet && isatty(STDERR_FILENO);
	ao.output = output;
	ao.summary = summary;
	c = analyze_inputs(&inputs, &ao);
	inputs_free(&inputs);
	return c;
}
