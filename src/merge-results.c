/*
 * merge-results - merge learned parameters and models, exactly, under a lock
 *
 * main() only gathers the settings, from one option table, and calls the
 * merge of learned files (learned_merge.c) or of models (model_merge.c).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "learned_merge.h"
#include "model_merge.h"
#include "options.h"
#include "output.h"

struct settings {
	const char *output;
	double alpha;		/* -1: not given */
	int average, quiet, json;
};

static const struct opt merge_results_options[] = {
	{ .name = "output", .letter = 'o', .kind = OPT_STRING,
	  .field = offsetof(struct settings, output), .arg = "FILE",
	  .help = "the learned file or model to merge into" },
	{ .name = "alpha", .kind = OPT_NUMBER,
	  .field = offsetof(struct settings, alpha), .arg = "A", .lo = 0, .hi = 1,
	  .help = "learned: the old tool's blend, new = (1-A) old + A new" },
	{ .name = "average", .kind = OPT_FLAG,
	  .field = offsetof(struct settings, average),
	  .help = "model: add the games-weighted mean of the changes" },
	{ .name = "quiet", .letter = 'q', .kind = OPT_FLAG,
	  .field = offsetof(struct settings, quiet),
	  .help = "no notes about inputs already merged" },
	{ .name = "json", .kind = OPT_FLAG, .field = offsetof(struct settings, json),
	  .help = "print what the target holds after the merge as one JSON line\n"
	  "(model: episode_count; learned: builds, first timings, supply medians)" },
	{ .name = NULL }
};

static const char synopsis[] =
"usage: merge-results learned -o LEARNED.json [--alpha A] SUMMARY.json ...\n"
"       merge-results model -o MODEL.npz [--average] CANDIDATE.npz ...\n"
"Merge replay-analyze --summary files into the learned file, or policy-train\n"
"--out candidates into the model, under an exclusive lock, atomically.\n";

static const char footer[] =
"Exit status: 0 merged (or nothing to do), 64 usage (also -o naming an input),\n"
"65 an input does not fit (the target is untouched), 66 missing input or not\n"
"a file, 74 the target could not be written.\n";

/*
 * The command line. Returns the exit status when there is nothing more to
 * do (--help, a usage error), else -1.
 */
static int
settings_read(struct settings *st, struct opt_set *set, int argc, char **argv)
{
	int rc;

	memset(st, 0, sizeof *st);
	st->alpha = -1;
	if (opt_add(set, merge_results_options, st) < 0)
		return EX_SOFTWARE;
	if ((rc = opt_main(set, argc, argv, synopsis, footer)) >= 0)
		return rc;
	if (argc - optind < 2 || st->output == NULL) {
		opt_usage(stderr, set);
		return EX_USAGE;
	}
	return -1;
}

/*
 * Before anything is read or written: each part a regular file (a folder
 * or FIFO said as such, never read: a FIFO would block), and -o none of
 * them. Returns 0, or the exit status after one message.
 */
static int
parts_check(const char *output, char **parts, int n)
{
	const struct output_name out = { "-o", output };
	struct strlist paths = { NULL, 0, 0 };
	struct stat st;
	int i, rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		if (stat(parts[i], &st) < 0) {
			warnmsg("%s: %s", parts[i], strerror(errno));
			rc = errno == ENOENT || errno == ENOTDIR || errno == EACCES ?
			    EX_NOINPUT : EX_IOERR;
		} else if (S_ISDIR(st.st_mode)) {
			warnmsg("%s: is a folder: name the files in it", parts[i]);
			rc = EX_NOINPUT;
		} else if (!S_ISREG(st.st_mode)) {
			warnmsg("%s: not a regular file: not read", parts[i]);
			rc = EX_NOINPUT;
		}
	}
	strlist_push_all(&paths, parts, (size_t)n);
	if (rc == 0 && output_check(&out, 1, &paths, NULL) < 0)
		rc = EX_USAGE;
	strlist_free(&paths);
	return rc;
}

/* Merge what argv names; returns the exit status. */
static int
merge(const struct settings *st, int argc, char **argv)
{
	const char *what = argv[0];
	int rc;

	if (strcmp(what, "learned") == 0) {
		if (st->average) {
			warnmsg("--average is for models");
			return EX_USAGE;
		}
		if ((rc = parts_check(st->output, argv + 1, argc - 1)) != 0)
			return rc;
		return merge_learned(st->output, argv + 1, argc - 1, st->alpha,
		    st->quiet, st->json);
	}
	if (strcmp(what, "model") == 0) {
		if (st->alpha >= 0) {
			warnmsg("--alpha is for learned files");
			return EX_USAGE;
		}
		if ((rc = parts_check(st->output, argv + 1, argc - 1)) != 0)
			return rc;
		return merge_models(st->output, argv + 1, argc - 1, st->average,
		    st->quiet, st->json);
	}
	warnmsg("%s: not 'learned' or 'model'", what);
	return EX_USAGE;
}

int
main(int argc, char **argv)
{
	struct settings st;
	struct opt_set set = { 0 };
	int status;

	progname = "merge-results";
	if ((status = settings_read(&st, &set, argc, argv)) < 0)
		status = merge(&st, argc - optind, argv + optind);
	opt_free(&set);
	return status;
}
