/*
 * train_flags.h - policy-train's training settings as bgtrain options:
 * declared once for the command line and the config file, checked at
 * start-up, and handed to every training job
 */
#ifndef TRAIN_FLAGS_H
#define TRAIN_FLAGS_H

#include <stddef.h>

#include "options.h"
#include "strlist.h"

/* --behavior's words, in the order of their index. */
enum { BEHAVIOR_AUTO, BEHAVIOR_UNIFORM, BEHAVIOR_NONE };

/*
 * Each setting is passed on only when it was given (or, for --behavior,
 * implied by --bot); otherwise policy-train's own default holds, so the
 * two programs never disagree about a default.
 */
struct train_flags {
	int behavior;		/* index of --behavior's word; -1: not given */
	double max_ratio;	/* NaN: not given */
	double lr, gamma, entropy, clip;	/* NaN: not given */
	int optimizer;		/* index of --optimizer's word; -1: not given */
	int epochs;		/* 0: not given */
	size_t batch_episodes;	/* 0: not given */
	const char *hidden;	/* "W,W,...": only for the job that creates the model */
};

/* Fills a struct train_flags (train_flags_unset first: it has no defaults). */
extern const struct opt training_options[];

/* Every setting "not given". */
void train_flags_unset(struct train_flags *t);
/*
 * What the table cannot check (--hidden's list, as policy-train reads it),
 * and a warning when bot (the bot loads the model) and --hidden shapes a
 * model the bot cannot load. Returns 0, or -1 after a message (exit 64).
 */
int train_flags_check(const struct train_flags *t, int bot);
/* The given settings as policy-train options; --hidden only when init. */
void train_flags_argv(const struct train_flags *t, int init, struct strlist *av);

#endif
