/*
 * policy_probs - a test tool: the suite's action probabilities for states
 *
 * policy_probs MODEL.npz EXPERIENCE.npz prints, one row per state, the
 * softmax of the model's logits as the suite computes them, so a test can
 * hold them against numpy's forward pass over the same file.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "die.h"
#include "experience.h"
#include "model.h"
#include "policy.h"

int
main(int argc, char **argv)
{
	struct strbuf why = { 0 };
	struct policy_work w;
	struct episode e;
	struct model m;
	size_t r;
	int j, actions;
	float *z;

	progname = "policy_probs";
	if (argc != 3)
		die(EX_USAGE, "usage: policy_probs MODEL.npz EXPERIENCE.npz");
	if (model_read(argv[1], &m, &why) < 0)
		die(EX_DATAERR, "%s: %s", argv[1], why.data);
	actions = m.net.width[m.net.n_layers];
	if (experience_read(argv[2], m.net.width[0], actions, &e, &why) < 0)
		die(EX_DATAERR, "%s: %s", argv[2], why.data);
	policy_work_init(&w, &m.net, e.steps);
	policy_load_weights(&m.net, &w);
	z = policy_forward(&m.net, &w, e.states, e.steps);
	for (r = 0; r < e.steps; r++) {
		const float *row = z + r * (size_t)actions;
		double max = row[0], sum = 0;

		for (j = 1; j < actions; j++)
			if (row[j] > max)
				max = row[j];
		for (j = 0; j < actions; j++)
			sum += exp(row[j] - max);
		for (j = 0; j < actions; j++)
			printf("%s%.9g", j ? " " : "", exp(row[j] - max) / sum);
		putchar('\n');
	}
	policy_work_free(&w);
	episode_free(&e);
	model_free(&m);
	sb_free(&why);
	return 0;
}
