/*
 * policy-train - REINFORCE on the bot's experience files, on OpenBLAS
 *
 * main() only gathers the settings, from one option table, and calls the
 * trainer (train_run.c).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "die.h"
#include "filenames.h"
#include "options.h"
#include "output.h"
#include "train_run.h"

struct settings {
	struct train_options o;
	const char *hidden;	/* W,W,...: read after the table, into o */
	int actions;		/* 0: not given */
	int no_normalize, quiet;
};

/* --optimizer's words in the order of enum optimizer, set as an int. */
static const char *const optimizers[] = { "adam", "sgd", NULL };
_Static_assert(sizeof(enum optimizer) == sizeof(int), "--optimizer is stored as an int");
/* --behavior's, in the order of enum behavior. */
static const char *const behaviors[] = { "auto", "uniform", "none", NULL };
_Static_assert(sizeof(enum behavior) == sizeof(int), "--behavior is stored as an int");

/* The defaults here are train_defaults()' own, shown by --help. */
static const struct opt policy_train_options[] = {
	{ .name = "model", .letter = 'm', .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.model), .arg = "FILE",
	  .help = "the model (rl_agent_model.npz); written back atomically" },
	{ .name = "out", .letter = 'o', .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.out), .arg = "FILE",
	  .help = "write the trained model here as a candidate instead" },
	{ .name = "init", .kind = OPT_FLAG, .field = offsetof(struct settings, o.init),
	  .help = "create MODEL (it must not exist)" },
	/* No .def: only --init takes these, and given without it they are refused. */
	{ .name = "hidden", .kind = OPT_STRING,
	  .field = offsetof(struct settings, hidden), .arg = "W,W",
	  .help = "hidden widths for --init (default 64,64)" },
	{ .name = "actions", .kind = OPT_INT,
	  .field = offsetof(struct settings, actions), .arg = "N",
	  .min = 2, .max = POLICY_MAX_ACTIONS,
	  .help = "actions for --init (default 5)" },
	{ .name = "epochs", .letter = 'e', .kind = OPT_INT,
	  .field = offsetof(struct settings, o.train.epochs), .arg = "N",
	  .min = 1, .max = 1000000, .def = "1",
	  .help = "passes over the data; over 20 on-policy warn" },
	{ .name = "batch-episodes", .kind = OPT_SIZE,
	  .field = offsetof(struct settings, o.train.batch_episodes), .arg = "N",
	  .min = 1, .max = (uint64_t)1 << 40,
	  .help = "update every N episodes, shuffled (default: full batch)" },
	{ .name = "seed", .kind = OPT_U64,
	  .field = offsetof(struct settings, o.train.seed), .arg = "N",
	  .min = 0, .max = INT64_MAX, .def = "0",
	  .help = "seed for --init and the shuffle" },
	{ .name = "lr", .kind = OPT_NUMBER,
	  .field = offsetof(struct settings, o.train.lr), .arg = "X",
	  .lo = 0, .hi = 1e300, .def = "0.001", .help = "learning rate" },
	{ .name = "gamma", .kind = OPT_NUMBER,
	  .field = offsetof(struct settings, o.train.gamma), .arg = "X",
	  .lo = 0, .hi = 1, .def = "0.99", .help = "discount" },
	{ .name = "entropy", .kind = OPT_NUMBER,
	  .field = offsetof(struct settings, o.train.entropy), .arg = "X",
	  .lo = 0, .hi = 1e300, .def = "0.01", .help = "entropy bonus" },
	{ .name = "clip", .kind = OPT_NUMBER,
	  .field = offsetof(struct settings, o.train.clip), .arg = "X",
	  .lo = 1e-12, .hi = 1e300, .def = "5", .help = "gradient-norm clip" },
	{ .name = "optimizer", .kind = OPT_CHOICE,
	  .field = offsetof(struct settings, o.train.optimizer), .arg = "NAME",
	  .words = optimizers, .def = "adam", .help = "adam or sgd" },
	{ .name = "behavior", .kind = OPT_CHOICE,
	  .field = offsetof(struct settings, o.train.behavior), .arg = "MODE",
	  .words = behaviors, .def = "auto",
	  .help = "where mu comes from: auto, uniform, none\n"
	  "(behavior_probs, else on-policy rho = 1; the\n"
	  "same, else 1/actions, for random play; never)" },
	{ .name = "max-ratio", .kind = OPT_NUMBER,
	  .field = offsetof(struct settings, o.train.max_ratio), .arg = "C",
	  .lo = 1e-12, .hi = 1e300, .def = "5",
	  .help = "truncate the importance ratio pi/mu at C" },
	{ .name = "no-normalize", .kind = OPT_FLAG,
	  .field = offsetof(struct settings, no_normalize),
	  .help = "do not normalise advantages" },
	{ .name = "threads", .letter = 't', .kind = OPT_INT,
	  .field = offsetof(struct settings, o.threads), .arg = "N",
	  .min = 1, .max = 256, .def = "1", .help = "OpenBLAS threads" },
	{ .name = "skip-bad", .kind = OPT_FLAG,
	  .field = offsetof(struct settings, o.skip_bad),
	  .help = "train on the good files when some are bad" },
	{ .name = "quarantine", .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.quarantine), .arg = "DIR",
	  .help = "move bad experience files to DIR" },
	{ .name = "report", .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.report), .arg = "FILE",
	  .help = "write {\"file\", \"error\"} lines for the inputs not\n"
	  "trained on to FILE (- for stdout)" },
	{ .name = "again", .kind = OPT_FLAG, .field = offsetof(struct settings, o.again),
	  .help = "train games the model already has (its trained_md5)\n"
	  "instead of skipping them" },
	{ .name = "json", .kind = OPT_FLAG, .field = offsetof(struct settings, o.json),
	  .help = "print the summary as JSON" },
	{ .name = "quiet", .letter = 'q', .kind = OPT_FLAG,
	  .field = offsetof(struct settings, quiet),
	  .help = "no progress on a terminal, no note per game\n"
	  "already trained" },
	{ .name = NULL }
};

static const char synopsis[] =
"usage: policy-train -m MODEL.npz [OPTIONS] EXPERIENCE.npz|FOLDER ...\n"
"Apply the REINFORCE update, on- or off-policy, to the policy model from the\nbot's experience files.\n";

static const char footer[] =
"Exit status: 0 trained, 64 usage, 65 bad experience or model, 66 missing input,\n"
"74 the model could not be written.\n";

/* --hidden's widths into o (args.c reads the list; bgtrain checks it the same way). */
static int
hidden_read(struct train_options *o, const char *s)
{
	return parse_widths("--hidden", s, POLICY_MAX_LAYERS - 1, POLICY_MAX_WIDTH,
	    o->hidden, &o->n_hidden);
}

/*
 * The shape of a new model, which only --init makes: with a model there,
 * its layers are read from it, and silently ignoring --hidden or --actions
 * would train another shape than the one asked for. Returns 0, or -1.
 */
static int
shape_read(struct settings *st)
{
	if (st->hidden != NULL && hidden_read(&st->o, st->hidden) < 0)
		return -1;
	if (!st->o.init && (st->hidden != NULL || st->actions != 0)) {
		warnmsg("--%s: only with --init: it shapes a new model, and an "
		    "existing one keeps its own layers",
		    st->hidden != NULL ? "hidden" : "actions");
		return -1;
	}
	if (st->actions != 0)
		st->o.actions = st->actions;
	return 0;
}

/*
 * Defaults, then the command line. Returns the exit status when there is
 * nothing more to do (--help, a usage error), else -1.
 */
static int
settings_read(struct settings *st, struct opt_set *set, int argc, char **argv)
{
	int rc;

	memset(st, 0, sizeof *st);
	train_defaults(&st->o);
	if (opt_add(set, policy_train_options, st) < 0)
		return EX_SOFTWARE;
	if ((rc = opt_main(set, argc, argv, synopsis, footer)) >= 0)
		return rc;
	if (st->o.model == NULL || optind == argc) {
		if (st->o.model == NULL)
			warnmsg("-m MODEL is required");
		opt_usage(stderr, set);
		return EX_USAGE;
	}
	if (shape_read(st) < 0)
		return EX_USAGE;
	st->o.train.normalize = !st->no_normalize;
	st->o.train.progress = !st->quiet && !st->o.json && isatty(STDERR_FILENO);
	st->o.quiet = st->quiet;
	return -1;
}

int
main(int argc, char **argv)
{
	struct settings st;
	struct opt_set set = { 0 };
	int status;

	progname = "policy-train";
	if ((status = settings_read(&st, &set, argc, argv)) < 0) {
		/* --out and --report against the experience, -m and each other. */
		const struct output_name outs[] = {
			{ "--out", st.o.out }, { "--report", st.o.report },
		};
		struct strlist inputs = { NULL, 0, 0 };

		strlist_push(&inputs, st.o.model);
		strlist_push_all(&inputs, argv + optind, (size_t)(argc - optind));
		if (output_check(outs, 2, &inputs, experience_wanted) < 0)
			status = EX_USAGE;
		strlist_free(&inputs);
		if (status < 0)
			status = train_run(argv + optind, argc - optind, &st.o);
	}
	opt_free(&set);
	return status;
}
