/*
 * test_reinforce - the update against PyTorch, tensor by tensor
 *
 * ../shared/reference/reinforce holds a case PyTorch computed in float64:
 * the initial model, four episodes, the hyper-parameters, and the loss, every
 * gradient of the first step, the weights after 1 and 10 full-batch steps
 * and the final loss. Ours must agree to 1e-5 relative per tensor,
 * ||ours - ref|| / ||ref||, as in llm.c's test against PyTorch.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "npz.h"
#include "policy.h"
#include "reinforce.h"
#include "experience.h"
#include "testutil.h"

#define TOLERANCE 1e-5

static double worst;

static void
compare(const char *what, const double *ours, const struct npy_array *ref,
	size_t n)
{
	double diff = 0, norm = 0, rel;
	size_t i;

	EXPECT(ref != NULL && ref->count == n);
	if (ref == NULL || ref->count != n)
		return;
	for (i = 0; i < n; i++) {
		double r = npy_f64(ref, i);

		diff += (ours[i] - r) * (ours[i] - r);
		norm += r * r;
	}
	rel = sqrt(diff) / (sqrt(norm) > 0 ? sqrt(norm) : 1);
	if (rel > worst)
		worst = rel;
	printf("  %-14s rel err %.3g\n", what, rel);
	if (!(rel <= TOLERANCE))
		printf("FAIL %s: relative error %g > %g\n", what, rel, TOLERANCE);
	EXPECT(rel <= TOLERANCE);
}

/* Each tensor of the flat parameter vector against name<suffix> in ref. */
static void
compare_tensors(const struct policy *net, const double *flat,
		const struct npz *ref, const char *prefix, const char *suffix)
{
	char name[64];
	int l;

	for (l = 0; l < net->n_layers; l++) {
		snprintf(name, sizeof name, "%sW%d%s", prefix, l + 1, suffix);
		compare(name, flat + net->w_off[l], npz_get(ref, name),
		    (size_t)net->width[l] * (size_t)net->width[l + 1]);
		snprintf(name, sizeof name, "%sb%d%s", prefix, l + 1, suffix);
		compare(name, flat + net->b_off[l], npz_get(ref, name),
		    (size_t)net->width[l + 1]);
	}
}

static double
config_number(const cJSON *c, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, key);

	EXPECT(cJSON_IsNumber(v));
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

int
main(void)
{
	char dir[4096], path[4200];
	struct strbuf why = { 0 };
	struct episode ep[4];
	struct model m;
	struct npz ref;
	struct policy_work w;
	struct optim opt;
	cJSON *config;
	uint8_t *text;
	size_t size, rows = 0, r = 0, i;
	float *states, *adv;
	int32_t *actions;
	double *grad, loss, gamma, entropy, clip, lr;
	int step, features, n_actions, normalize;

	snprintf(dir, sizeof dir, "%s/reference/reinforce", shared_dir());
	snprintf(path, sizeof path, "%s/config.json", dir);
	if ((text = slurp(path, &size)) == NULL)
		return skip_or_fail("test_reinforce");
	config = cJSON_ParseWithLength((char *)text, size);
	free(text);
	gamma = config_number(config, "gamma");
	entropy = config_number(config, "entropy_coef");
	clip = config_number(config, "clip_grad_norm");
	lr = config_number(config, "lr");
	normalize = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(config,
	    "normalize_advantages"));
	cJSON_Delete(config);

	snprintf(path, sizeof path, "%s/init_model.npz", dir);
	EXPECT(model_read(path, &m, &why) == 0);
	snprintf(path, sizeof path, "%s/expected.npz", dir);
	EXPECT(npz_read(path, 1 << 26, &ref, &why) == 0);
	if (test_failures)
		return test_exit();
	features = m.net.width[0];
	n_actions = m.net.width[m.net.n_layers];
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/ep_%02zu.npz", dir, i);
		EXPECT(experience_read(path, features, n_actions, &ep[i], &why) == 0);
		rows += ep[i].steps;
	}
	EXPECT(ep[0].steps == 1);
	states = malloc(rows * (size_t)features * sizeof(float));
	actions = malloc(rows * sizeof(int32_t));
	adv = malloc(rows * sizeof(float));
	for (i = 0; i < 4; i++) {
		double *a = malloc(ep[i].steps * sizeof(double));
		size_t t;

		reinforce_advantages(ep[i].rewards, ep[i].steps, gamma, normalize, a);
		memcpy(states + r * (size_t)features, ep[i].states,
		    ep[i].steps * (size_t)features * sizeof(float));
		for (t = 0; t < ep[i].steps; t++) {
			actions[r + t] = ep[i].actions[t];
			adv[r + t] = (float)a[t];
		}
		r += ep[i].steps;
		free(a);
		episode_free(&ep[i]);
	}

	policy_work_init(&w, &m.net, rows);
	grad = malloc(m.net.n_params * sizeof(double));
	optim_init(&opt, OPT_ADAM, lr, m.net.n_params, m.adam_m, m.adam_v, 0);
	for (step = 1; step <= 10; step++) {
		float *logits;

		policy_load_weights(&m.net, &w);
		logits = policy_forward(&m.net, &w, states, rows);
		loss = reinforce_loss(logits, rows, n_actions, actions, adv, entropy,
		    logits, 1.0 / (double)rows) / (double)rows;
		policy_backward(&m.net, &w, states, rows, 0);
		for (i = 0; i < m.net.n_params; i++)
			grad[i] = w.grad[i];
		if (step == 1) {
			printf("step 1:\n");
			compare("loss_0", &loss, npz_get(&ref, "loss_0"), 1);
			compare_tensors(&m.net, grad, &ref, "grad_", "");
		}
		optim_clip(grad, m.net.n_params, clip);
		optim_step(&opt, m.net.params, grad);
		if (step == 1)
			compare_tensors(&m.net, m.net.params, &ref, "", "_after_1");
	}
	printf("after 10 steps:\n");
	compare_tensors(&m.net, m.net.params, &ref, "", "_after_10");
	policy_load_weights(&m.net, &w);
	loss = reinforce_loss(policy_forward(&m.net, &w, states, rows), rows,
	    n_actions, actions, adv, entropy, NULL, 0) / (double)rows;
	compare("loss_final", &loss, npz_get(&ref, "loss_final"), 1);
	printf("test_reinforce: worst relative error %.3g (tolerance %g)\n", worst,
	    TOLERANCE);

	policy_work_free(&w);
	model_free(&m);
	npz_free(&ref);
	free(grad);
	free(states);
	free(actions);
	free(adv);
	sb_free(&why);
	return test_exit();
}
