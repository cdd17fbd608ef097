/*
 * test_reinforce - the update against PyTorch, tensor by tensor
 *
 * ../shared/reference/reinforce holds a case PyTorch computed in float64:
 * the initial model, four episodes, the hyper-parameters, and the loss, every
 * gradient of the first step, the weights after 1 and 10 full-batch steps
 * and the final loss. Ours must agree to 1e-5 relative per tensor,
 * ||ours - ref|| / ||ref||, as in llm.c's test against PyTorch.
 * ../shared/reference/offpolicy is the same for the off-policy update:
 * two episodes carry behavior_probs (some of 0.01, so rho is truncated),
 * two do not and are taken as uniform play (--behavior uniform), every key
 * of its expected.npz checked the same way; and the on-policy update must
 * miss it, so that a ratio left out cannot pass.
 *
 * It drives the very functions policy-train runs (trainer.h: the data set
 * built from the episodes, the gradient, the epochs of updates, the loss),
 * once with the chunk size policy-train uses and once with chunks of 7 rows,
 * so that a gradient summed over several chunks and a last partial chunk
 * is held to the same tolerance.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experience.h"
#include "file.h"
#include "model.h"
#include "npz.h"
#include "trainer.h"
#include "testutil.h"

#define TOLERANCE 1e-5
/* 17 rows of data: chunks of 7, 7 and 3. */
#define SMALL_CHUNK_ROWS 7
#define REFERENCE_EPISODES 4
#define CONFIG_LIMIT (1 << 20)
#define EXPECTED_LIMIT (1 << 26)

static double worst;
/* Set for the on-policy update on the off-policy case: it must miss. */
static int quiet_miss;

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
	if (quiet_miss)
		return;
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

/* The hyper-parameters of config.json, as policy-train's parameters. */
static int
read_config(const char *dir, struct train_params *p, int *with_mu)
{
	static const char *const behaviors[] = { "auto", "uniform", "none" };
	const cJSON *v, *item;
	char path[4200];
	cJSON *config;
	char *text;
	size_t size;
	int i;

	snprintf(path, sizeof path, "%s/config.json", dir);
	if ((text = file_read(path, CONFIG_LIMIT, &size)) == NULL)
		return -1;
	config = cJSON_ParseWithLength(text, size);
	free(text);
	train_params_defaults(p);
	p->gamma = config_number(config, "gamma");
	p->entropy = config_number(config, "entropy_coef");
	p->clip = config_number(config, "clip_grad_norm");
	p->lr = config_number(config, "lr");
	p->normalize = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(config,
	    "normalize_advantages"));
	p->optimizer = OPT_ADAM;
	/* Off-policy settings, when the case has them: else the defaults. */
	v = cJSON_GetObjectItemCaseSensitive(config, "behavior");
	if (v != NULL) {
		EXPECT(cJSON_IsString(v));
		for (i = 0; i < 3 && cJSON_IsString(v); i++)
			if (strcmp(v->valuestring, behaviors[i]) == 0)
				p->behavior = (enum behavior)i;
		p->max_ratio = config_number(config, "max_ratio");
	}
	/* Which episodes carry behavior_probs (a bit each). */
	*with_mu = 0;
	v = cJSON_GetObjectItemCaseSensitive(config, "episodes_with_behavior_probs");
	cJSON_ArrayForEach(item, v)
		if (cJSON_IsNumber(item) && item->valueint >= 0 && item->valueint < 16)
			*with_mu |= 1 << item->valueint;
	cJSON_Delete(config);
	return 0;
}

/* The reference's four episodes, as policy-train reads and builds them. */
static void
read_dataset(const char *dir, const struct model *m, const struct train_params *p,
	     int with_mu, struct dataset *d)
{
	char path[4200];
	struct strbuf why = { 0 };
	size_t i;

	memset(d, 0, sizeof *d);
	for (i = 0; i < REFERENCE_EPISODES; i++) {
		struct episode e;

		snprintf(path, sizeof path, "%s/ep_%02zu.npz", dir, i);
		EXPECT(experience_read(path, m->net.width[0],
		    m->net.width[m->net.n_layers], &e, &why) == 0);
		if (i == 0)
			EXPECT(e.steps == 1);
		EXPECT((e.behavior != NULL) == ((with_mu >> i) & 1));
		dataset_add(d, &e);
	}
	dataset_build(d, p, m->net.width[m->net.n_layers]);
	sb_free(&why);
}

/* Whether the case's rows are weighted by rho (specs/reinforce.md). */
static int
off_policy_case(const struct train_params *p, int with_mu)
{
	return p->behavior == BEHAVIOR_UNIFORM ||
	    (p->behavior == BEHAVIOR_AUTO && with_mu);
}

/* The whole case, from the initial model, with chunks of chunk_rows rows. */
static void
check_case(const char *dir, const struct npz *ref, struct train_params p,
	   int with_mu, size_t chunk_rows)
{
	char path[4200];
	struct strbuf why = { 0 };
	struct train_outcome out;
	struct dataset d;
	struct trainer tr;
	struct batch b;
	struct model m;
	double loss;

	printf("chunks of %zu rows:\n", chunk_rows);
	p.chunk_rows = chunk_rows;
	snprintf(path, sizeof path, "%s/init_model.npz", dir);
	EXPECT(model_read(path, &m, &why) == 0);
	if (m.net.params == NULL)
		return;
	read_dataset(dir, &m, &p, with_mu, &d);
	if (d.rows == 0) {
		model_free(&m);
		return;
	}

	/* The first step's loss and gradient, before clipping. */
	trainer_init(&tr, &m, d.rows, &p);
	dataset_batch(&d, &b);
	loss = trainer_gradient(&tr, &b);
	compare("loss_0", &loss, npz_get(ref, "loss_0"), 1);
	compare_tensors(&m.net, tr.grad, ref, "grad_", "");
	trainer_free(&tr);

	/* One epoch of the full batch is one step; nine more make ten. */
	p.epochs = 1;
	train(&m, &d, &p, &out);
	compare("loss_before", &out.loss_before, npz_get(ref, "loss_0"), 1);
	compare_tensors(&m.net, m.net.params, ref, "", "_after_1");
	p.epochs = 9;
	train(&m, &d, &p, &out);
	EXPECT(m.optim_step == 10);
	compare_tensors(&m.net, m.net.params, ref, "", "_after_10");
	compare("loss_final", &out.loss_after, npz_get(ref, "loss_final"), 1);
	/* Off-policy: every row has its rho; the case truncates some. */
	if (off_policy_case(&p, with_mu)) {
		EXPECT(d.off_rows == d.rows && out.ratios.rows == d.rows * 9);
		EXPECT(out.ratios.max > p.max_ratio);
		printf("  largest ratio %.3g (truncated at %g)\n", out.ratios.max,
		    p.max_ratio);
	}

	dataset_free(&d);
	model_free(&m);
	sb_free(&why);
}

/*
 * Every key of expected.npz is one the checks compare (each of those must
 * be there): loss_0, loss_final, and grad_, _after_1, _after_10 of each
 * weight and bias.
 */
static void
every_key_checked(const struct npz *ref, const struct policy *shape)
{
	EXPECT(ref->n == 2 + 3 * 2 * (size_t)shape->n_layers);
}

/* One reference case: 0, or -1 when it is not there. */
static int
reference_case(const char *name)
{
	char dir[4096], path[4200];
	struct strbuf why = { 0 };
	struct train_params p;
	struct model m;
	struct npz ref;
	double missed;
	int with_mu;

	snprintf(dir, sizeof dir, "%s/reference/%s", shared_dir(), name);
	if (read_config(dir, &p, &with_mu) < 0)
		return -1;
	printf("%s:\n", name);
	snprintf(path, sizeof path, "%s/expected.npz", dir);
	EXPECT(npz_read(path, EXPECTED_LIMIT, &ref, &why) == 0);
	snprintf(path, sizeof path, "%s/init_model.npz", dir);
	EXPECT(model_read(path, &m, &why) == 0);
	if (test_failures) {
		sb_free(&why);
		return 0;
	}
	every_key_checked(&ref, &m.net);
	model_free(&m);
	check_case(dir, &ref, p, with_mu, TRAIN_CHUNK_ROWS);
	check_case(dir, &ref, p, with_mu, SMALL_CHUNK_ROWS);
	if (off_policy_case(&p, with_mu)) {
		/* The on-policy update on the same case misses by far. */
		struct train_params on = p;

		on.behavior = BEHAVIOR_NONE;
		missed = worst;
		worst = 0;
		quiet_miss = 1;
		check_case(dir, &ref, on, with_mu, TRAIN_CHUNK_ROWS);
		quiet_miss = 0;
		printf("  on-policy update: worst relative error %.3g (must be > %g)\n",
		    worst, 100 * TOLERANCE);
		EXPECT(worst > 100 * TOLERANCE);
		worst = missed;
	}
	npz_free(&ref);
	sb_free(&why);
	return 0;
}

int
main(void)
{
	if (reference_case("reinforce") < 0 || reference_case("offpolicy") < 0)
		return skip_or_fail("test_reinforce");
	printf("test_reinforce: worst relative error %.3g (tolerance %g)\n", worst,
	    TOLERANCE);
	return test_exit();
}
