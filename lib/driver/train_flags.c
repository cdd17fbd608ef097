/*
 * train_flags.c - policy-train's training settings as bgtrain options
 *
 * The driver links no training code, so it cannot ask policy-train's own
 * table; it carries the same limits here instead, so that a bad value
 * stops bgtrain at start-up (64) rather than failing every job it starts.
 * t_bgtrain_bot checks value by value that both programs take and refuse
 * the same ones. A setting that was not given is not passed: policy-train's
 * default is the one default.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "args.h"
#include "die.h"
#include "train_flags.h"

/* policy-train's limits for --hidden (lib/learn/layout.h). */
#define TRAIN_MAX_HIDDEN_LAYERS 7
#define TRAIN_MAX_WIDTH (1 << 20)
/* The one shape the bot loads (specs/files.md): two hidden layers, 64 wide for hot reload. */
#define BOT_WIDTH 64

static const char *const behaviors[] = { "auto", "uniform", "none", NULL };
static const char *const optimizers[] = { "adam", "sgd", NULL };

const struct opt training_options[] = {
	{ .name = "behavior", .kind = OPT_CHOICE,
	  .field = offsetof(struct train_flags, behavior), .arg = "KIND",
	  .words = behaviors,
	  .help = "auto, uniform or none: the games' behaviour policy\n"
	  "(with --bot: uniform, the bot's random play)" },
	{ .name = "max-ratio", .kind = OPT_NUMBER,
	  .field = offsetof(struct train_flags, max_ratio), .arg = "C",
	  .lo = 1e-12, .hi = 1e300, .help = "truncate importance ratios at C" },
	{ .name = "lr", .kind = OPT_NUMBER,
	  .field = offsetof(struct train_flags, lr), .arg = "X",
	  .lo = 0, .hi = 1e300, .help = "learning rate" },
	{ .name = "gamma", .kind = OPT_NUMBER,
	  .field = offsetof(struct train_flags, gamma), .arg = "X",
	  .lo = 0, .hi = 1, .help = "discount" },
	{ .name = "entropy", .kind = OPT_NUMBER,
	  .field = offsetof(struct train_flags, entropy), .arg = "X",
	  .lo = 0, .hi = 1e300, .help = "entropy bonus" },
	{ .name = "clip", .kind = OPT_NUMBER,
	  .field = offsetof(struct train_flags, clip), .arg = "X",
	  .lo = 1e-12, .hi = 1e300, .help = "gradient-norm clip" },
	{ .name = "optimizer", .kind = OPT_CHOICE,
	  .field = offsetof(struct train_flags, optimizer), .arg = "NAME",
	  .words = optimizers, .help = "adam or sgd" },
	{ .name = "epochs", .kind = OPT_INT,
	  .field = offsetof(struct train_flags, epochs), .arg = "N",
	  .min = 1, .max = 1000000, .help = "passes over each job's games" },
	{ .name = "batch-episodes", .kind = OPT_SIZE,
	  .field = offsetof(struct train_flags, batch_episodes), .arg = "N",
	  .min = 1, .max = (uint64_t)1 << 40, .help = "update every N episodes" },
	{ .name = "hidden", .kind = OPT_STRING,
	  .field = offsetof(struct train_flags, hidden), .arg = "W,W",
	  .help = "hidden widths of a new model\n"
	  "(what is not given: policy-train's defaults)" },
	{ .name = NULL }
};

void
train_flags_unset(struct train_flags *t)
{
	t->behavior = -1;
	t->max_ratio = t->lr = t->gamma = t->entropy = t->clip = NAN;
	t->optimizer = -1;
	t->epochs = 0;
	t->batch_episodes = 0;
	t->hidden = NULL;
}

int
train_flags_check(const struct train_flags *t, int bot)
{
	int w[TRAIN_MAX_HIDDEN_LAYERS], n;

	if (t->hidden == NULL)
		return 0;
	if (parse_widths("--hidden", t->hidden, TRAIN_MAX_HIDDEN_LAYERS,
	    TRAIN_MAX_WIDTH, w, &n) < 0)
		return -1;
	if (bot && (n != 2 || w[0] != BOT_WIDTH || w[1] != BOT_WIDTH))
		warnmsg("--hidden %s: the bot loads only two hidden layers, and its hot "
		    "reload only 64,64: it will fail on this model or not load it",
		    t->hidden);
	return 0;
}

/* "--name WORD" for a choice that was given. */
static void
push_word(struct strlist *av, const char *name, const char *const *words, int i)
{
	if (i < 0)
		return;
	strlist_push(av, name);
	strlist_push(av, words[i]);
}

void
train_flags_argv(const struct train_flags *t, int init, struct strlist *av)
{
	char n[32];

	push_word(av, "--behavior", behaviors, t->behavior);
	if (!isnan(t->max_ratio))
		strlist_push_option(av, "--max-ratio", t->max_ratio);
	if (!isnan(t->lr))
		strlist_push_option(av, "--lr", t->lr);
	if (!isnan(t->gamma))
		strlist_push_option(av, "--gamma", t->gamma);
	if (!isnan(t->entropy))
		strlist_push_option(av, "--entropy", t->entropy);
	if (!isnan(t->clip))
		strlist_push_option(av, "--clip", t->clip);
	push_word(av, "--optimizer", optimizers, t->optimizer);
	if (t->epochs > 0)
		strlist_push_option(av, "--epochs", t->epochs);
	if (t->batch_episodes > 0) {
		snprintf(n, sizeof n, "%zu", t->batch_episodes);
		strlist_push(av, "--batch-episodes");
		strlist_push(av, n);
	}
	if (init && t->hidden != NULL) {
		strlist_push(av, "--hidden");
		strlist_push(av, t->hidden);
	}
}
