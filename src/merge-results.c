/*
 * merge-results - merge learned parameters and models, exactly, under a lock
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "die.h"
#include "learned_merge.h"
#include "model_merge.h"
#include "version.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: merge-results learned -o LEARNED.json [--alpha A] SUMMARY.json ...\n"
"       merge-results model -o MODEL.npz [--average] CANDIDATE.npz ...\n"
"Merge replay-analyze --summary files into the learned file, or policy-train\n"
"--out candidates into the model, under an exclusive lock, atomically.\n"
"\n"
"  -o, --output FILE   the learned file or model to merge into\n"
"      --alpha A       learned: the old tool's blend, new = (1-A) old + A new\n"
"      --average       model: add the games-weighted mean of the changes\n"
"  -q, --quiet         no notes about inputs already merged\n"
"  -h, --help          show this help\n"
"  -V, --version       show the version\n"
"\n"
"Exit status: 0 merged (or nothing to do), 64 usage, 65 an input does not fit\n"
"(the target is untouched), 66 missing input, 74 the target could not be written.\n");
}

enum { OPT_ALPHA = 256, OPT_AVERAGE };

static const struct option options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "average", no_argument, NULL, OPT_AVERAGE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	const char *output = NULL, *what;
	double alpha = -1;
	int c, average = 0, quiet = 0;

	progname = "merge-results";
	while ((c = getopt_long(argc, argv, "o:qhV", options, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case OPT_ALPHA: alpha = arg_number("--alpha", optarg, 0, 1, 0); break;
		case OPT_AVERAGE: average = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("merge-results %s\n", BGTRAIN_VERSION); return 0;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (argc - optind < 2 || output == NULL) {
		usage(stderr);
		return EX_USAGE;
	}
	what = argv[optind++];
	if (strcmp(what, "learned") == 0) {
		if (average)
			die(EX_USAGE, "--average is for models");
		return merge_learned(output, argv + optind, argc - optind, alpha, quiet);
	}
	if (strcmp(what, "model") == 0) {
		if (alpha >= 0)
			die(EX_USAGE, "--alpha is for learned files");
		return merge_models(output, argv + optind, argc - optind, average, quiet);
	}
	die(EX_USAGE, "%s: not 'learned' or 'model'", what);
}
