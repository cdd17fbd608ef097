/* experience.h - the bot's experience files: one game each */
#ifndef EXPERIENCE_H
#define EXPERIENCE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* Members larger than this are refused before they are inflated. */
#define EXPERIENCE_MEMBER_LIMIT	(256u << 20)

struct episode {
	size_t steps;
	int features;
	float *states;		/* steps x features */
	int32_t *actions;
	double *rewards;
};

/*
 * Read and check exp_*.npz: T >= 1, states (T, features), actions (T,) in
 * [0, actions), rewards (T,), every number finite. Returns 0, or -1 with
 * the reason in why.
 */
int experience_read(const char *path, int features, int actions,
		    struct episode *e, struct strbuf *why);
void episode_free(struct episode *e);

#endif
