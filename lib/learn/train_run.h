/* train_run.h - policy-train's run: experience files to an updated model */
#ifndef TRAIN_RUN_H
#define TRAIN_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "trainer.h"

struct train_options {
	const char *model;		/* -m: read, and written back unless out */
	const char *out;		/* --out: write a candidate here instead */
	const char *quarantine;		/* move bad experience files here */
	const char *report;		/* {"file", "error"} lines here; "-" stdout */
	int init;			/* create the model */
	int hidden[POLICY_MAX_LAYERS];
	int n_hidden;
	int actions;
	struct train_params train;
	int threads;
	int skip_bad;
	int again;			/* train games the model already has */
	int quiet;			/* no note per file already trained */
	int json;
};

void train_defaults(struct train_options *o);
/* Train on the experience files and folders in paths; returns the exit status. */
int train_run(char *const *paths, int n_paths, const struct train_options *o);

#endif
