/* train_summary.h - what a policy-train run tells: its warnings and its summary */
#ifndef TRAIN_SUMMARY_H
#define TRAIN_SUMMARY_H

#include <stddef.h>

#include "model.h"
#include "train_run.h"
#include "trainer.h"

/* Above this many epochs, training on-policy data warns. */
#define DIVERGENCE_WARNING_EPOCHS 20

/* What became of the inputs that were not trained on. */
struct intake {
	size_t bad;		/* broken or unreadable: stop the run unless --skip-bad */
	size_t unreadable;	/* of those, not read at all */
	size_t not_experience;	/* never a game: named, left alone */
	size_t already;		/* games the model (or this run) already has */
};

/* Warn when many epochs meet games trained on-policy (d built). */
void train_warn_divergence(const struct dataset *d, const struct train_options *o);
/* Warn when m, about to be written to path, has a shape the bot cannot load. */
void train_warn_shape(const struct model *m, const char *path);
/* The summary line, or --json's object, on standard output. */
void train_summary(const struct train_options *o, const struct dataset *d,
		   const struct train_outcome *r, const struct intake *in,
		   double seconds, const char *written);

#endif
