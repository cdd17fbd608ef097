/*
 * mkexperience - a test tool: experience files shaped like the bot's
 *
 * mkexperience [--seed N] [--count N] [--steps N] OUTDIR writes exp_*.npz
 * games: float32 states (steps x 15), int64 actions 0..4, float32 rewards
 * with the game's result added to the last one, as the bot writes them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "die.h"
#include "npz.h"

#define FEATURES 15

static double
uniform(uint64_t *s)
{
	return (double)(splitmix64(s) >> 11) / 9007199254740992.0;
}

int
main(int argc, char **argv)
{
	long count = 50, steps = 100, i, t;
	uint64_t seed = 1;
	struct strbuf why = { 0 };
	int a = 1;

	progname = "mkexperience";
	for (; a + 1 < argc && strncmp(argv[a], "--", 2) == 0; a += 2) {
		if (strcmp(argv[a], "--seed") == 0)
			seed = strtoull(argv[a + 1], NULL, 10);
		else if (strcmp(argv[a], "--count") == 0)
			count = atol(argv[a + 1]);
		else if (strcmp(argv[a], "--steps") == 0)
			steps = atol(argv[a + 1]);
		else
			die(EX_USAGE, "unknown option %s", argv[a]);
	}
	if (a + 1 != argc || count < 1 || steps < 1)
		die(EX_USAGE, "usage: mkexperience [--seed N] [--count N] [--steps N] OUTDIR");
	mkdir(argv[a], 0755);
	for (i = 0; i < count; i++) {
		float *states = xmalloc((size_t)steps * FEATURES * sizeof(float));
		int64_t *actions = xmalloc((size_t)steps * sizeof(int64_t));
		float *rewards = xmalloc((size_t)steps * sizeof(float));
		size_t shape[2] = { (size_t)steps, FEATURES };
		struct npz z = { 0 };
		char path[4096];

		for (t = 0; t < steps * FEATURES; t++)
			states[t] = (float)fabs(sqrt(-2 * log(uniform(&seed) + 1e-300)) *
			    cos(2 * M_PI * uniform(&seed)));
		for (t = 0; t < steps; t++) {
			actions[t] = (int64_t)(splitmix64(&seed) % 5);
			rewards[t] = (float)tanh(2 * uniform(&seed) - 1);
		}
		rewards[steps - 1] += uniform(&seed) < 0.5 ? 10.0f : -5.0f;
		npz_add(&z, "states", NPY_F4, 2, shape, states);
		npz_add(&z, "actions", NPY_I8, 1, shape, actions);
		npz_add(&z, "rewards", NPY_F4, 1, shape, rewards);
		snprintf(path, sizeof path, "%s/exp_20261124_%06ld.npz", argv[a], i);
		if (npz_write(&z, path, &why) < 0)
			die(EX_IOERR, "%s: %s", path, why.data);
		npz_free(&z);
		free(states);
		free(actions);
		free(rewards);
	}
	sb_free(&why);
	return 0;
}
