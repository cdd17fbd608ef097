/* train_run.h - policy-train's run: experience files to an updated model */
#ifndef TRAIN_RUN_H
#define TRAIN_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "optim.h"
#include "policy.h"

struct train_options {
	const char *model;		/* -m: read, and written back unless out */
	const char *out;		/* --out: write a candidate here instead */
	const char *quarantine;		/* move bad experience files here */
	int init;			/* create the model */
	int hidden[POLICY_MAX_LAYERS];
	int n_hidden;
	int actions;
	int epochs;
	size_t batch_episodes;		/* 0: full batch */
	uint64_t seed;
	double lr, gamma, entropy, clip;
	enum optimizer optimizer;
	int normalize;
	int threads;
	int skip_bad;
	int json;
	int progress;
};

void train_defaults(struct train_options *o);
/* Train on the experience files and folders in paths; returns the exit status. */
int train_run(char *const *paths, int n_paths, const struct train_options *o);

#endif
