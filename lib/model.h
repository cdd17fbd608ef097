/* model.h - rl_agent_model.npz: the bot's layout plus our optimiser state */
#ifndef MODEL_H
#define MODEL_H

#include <stdint.h>

#include "optim.h"
#include "policy.h"
#include "strbuf.h"

/* Written into every model, so later versions can read older files. */
#define MODEL_FORMAT_VERSION 1

struct model {
	struct policy net;
	double baseline;		/* kept as it is: the update does not use it */
	int64_t episode_count;
	int64_t optim_step;		/* optimiser steps taken so far */
	double *adam_m, *adam_v;	/* n_params each, zeros when absent */
};

/*
 * Read a model the bot or the suite wrote: W1..WL, b1..bL (float64 or
 * float32), baseline, episode_count, and, when present, the optimiser
 * state. Returns 0, or -1 with a reason in why.
 */
int model_read(const char *path, struct model *m, struct strbuf *why);
/* A fresh model of the given widths, initialised from seed. */
void model_create(struct model *m, int n_layers, const int *width, uint64_t seed);
void model_free(struct model *m);

/* Extra members of a candidate (policy-train --out): what merge-results adds. */
struct candidate_info {
	const struct model *base;	/* the model training started from */
	const char *base_md5;		/* hex MD5 of its file, or "" for --init */
	int64_t games, steps;
};

/* Write m atomically to path; with c, also delta_<name> = m - base and the record. */
int model_write(const struct model *m, const char *path,
		const struct candidate_info *c, struct strbuf *why);

#endif
