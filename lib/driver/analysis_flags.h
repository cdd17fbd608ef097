/*
 * analysis_flags.h - replay-analyze's summary settings as bgtrain options:
 * declared once for the command line and the config file, and handed to
 * every analysis job
 */
#ifndef ANALYSIS_FLAGS_H
#define ANALYSIS_FLAGS_H

#include "options.h"
#include "strlist.h"

/*
 * Each setting is passed on only when it was given; otherwise
 * replay-analyze's own default holds, so the two programs never disagree
 * about a default (and the learned file's filter says what that was).
 */
struct analysis_flags {
	int race;			/* index of --race's word; -1: not given */
	int all_results;		/* losers count too */
	const char *game_type;		/* replay-analyze's list, as given; NULL: not given */
	double min_seconds, max_seconds;	/* NaN: not given */
	const char *password_file;	/* the zip password's file */
};

/* Fills a struct analysis_flags (analysis_flags_unset first: it has no defaults). */
extern const struct opt analysis_options[];

/* Every setting "not given". */
void analysis_flags_unset(struct analysis_flags *a);
/*
 * What the table cannot check: --min-seconds above --max-seconds, as
 * replay-analyze refuses it, and a password file that is not a regular
 * file (each job reads it). Returns 0, or -1 after a message (exit 64).
 * The rest (--game-type's words, the password file) replay-analyze
 * itself judges at start-up (analysis.c), so that its rules have one home.
 */
int analysis_flags_check(const struct analysis_flags *a);
/* The given settings as replay-analyze options. */
void analysis_flags_argv(const struct analysis_flags *a, struct strlist *av);

#endif
