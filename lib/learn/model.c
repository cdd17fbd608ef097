/*
 * model.c - rl_agent_model.npz: the bot's layout plus our optimiser state
 *
 * The bot's loader checks the six weight names and W1's shape and ignores
 * the rest, so the optimiser's moments and step count travel in the same
 * file: training resumes exactly where it stopped. So does the record of
 * the games trained into it (trained_md5): the model itself knows what it
 * has learned from, so losing the driver's state never counts a game twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "digest.h"
#include "model.h"
#include "npz.h"

#define MODEL_MEMBER_LIMIT ((size_t)512 << 20)
/* All the members read from one model or candidate, inflated. */
#define MODEL_TOTAL_LIMIT ((size_t)1 << 30)
/* A merged candidate's MD5 is stored as its hex digits, without the NUL. */
#define MD5_HEX_LEN (MD5_HEX_SIZE - 1)
_Static_assert(MODEL_UNREADABLE == NPZ_UNREADABLE, "one code for 'cannot read'");

/* Whether s is a letter followed by a layer number, as W1 or b12. */
static int
layer_name(const char *s, char letter)
{
	if (*s++ != letter || *s < '1' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	return strcmp(s, ".npy") == 0;
}

/*
 * Which members of a model file are read, judged by their headers before
 * their data is inflated: weights of another type (uint8 weights of
 * 512 MiB each) are refused without allocating them; members we do not
 * use (the bot allows extra ones) are never inflated.
 */
static int
model_member(const char *name, const struct npy_array *h, struct strbuf *why)
{
	static const char *const kept[] = {
		"baseline.npy", "episode_count.npy", "optim_step.npy",
		"format_version.npy", "trained_md5.npy", "merged_candidates.npy",
		"base_md5.npy", "candidate_games.npy", "candidate_steps.npy", NULL
	};
	const char *w = name;
	int optim, i;

	for (i = 0; kept[i] != NULL; i++)
		if (strcmp(name, kept[i]) == 0)
			return 1;
	optim = strncmp(w, "adam_m_", 7) == 0 || strncmp(w, "adam_v_", 7) == 0;
	if (optim || strncmp(w, "delta_", 6) == 0)
		w += optim ? 7 : 6;
	if (!layer_name(w, 'W') && !layer_name(w, 'b'))
		return 0;
	if ((h->dtype == NPY_F8 || h->dtype == NPY_F4) &&
	    h->ndim == (*w == 'W' ? 2 : 1) && h->shape[0] <= POLICY_MAX_WIDTH &&
	    (h->ndim == 1 || h->shape[1] <= POLICY_MAX_WIDTH))
		return 1;
	/* The optimiser's state is ours: a damaged one is dropped, as before. */
	if (optim)
		return 0;
	sb_adds(why, "weights must be a float64 or float32 vector or matrix "
	    "of at most " "1048576 per side");
	return -1;
}

static const struct npz_limits model_limits = {
	MODEL_MEMBER_LIMIT, MODEL_TOTAL_LIMIT, model_member
};
_Static_assert(POLICY_MAX_WIDTH == 1048576, "the message says the width");

static const struct npy_array *
float_member(const struct npz *z, const char *name, int ndim, size_t d0,
	     size_t d1, struct strbuf *why)
{
	const struct npy_array *a = npz_get(z, name);

	if (a == NULL) {
		sb_printf(why, "no %s", name);
		return NULL;
	}
	if ((a->dtype != NPY_F8 && a->dtype != NPY_F4) || a->ndim != ndim ||
	    a->shape[0] != d0 || (ndim == 2 && a->shape[1] != d1)) {
		sb_printf(why, "%s has the wrong shape or dtype", name);
		return NULL;
	}
	return a;
}

static void
copy_into(double *dst, const struct npy_array *a)
{
	size_t i;

	for (i = 0; i < a->count; i++)
		dst[i] = npy_f64(a, i);
}

/* Load the tensors named prefix+W1... into flat (laid out as net). */
static int
read_tensors(const struct npz *z, const struct policy *net, const char *prefix,
	     double *flat, struct strbuf *why)
{
	char name[64];
	const struct npy_array *a;
	int l;

	for (l = 0; l < net->n_layers; l++) {
		snprintf(name, sizeof name, "%sW%d", prefix, l + 1);
		if ((a = float_member(z, name, 2, (size_t)net->width[l],
		    (size_t)net->width[l + 1], why)) == NULL)
			return -1;
		copy_into(flat + net->w_off[l], a);
		snprintf(name, sizeof name, "%sb%d", prefix, l + 1);
		if ((a = float_member(z, name, 1, (size_t)net->width[l + 1], 0,
		    why)) == NULL)
			return -1;
		copy_into(flat + net->b_off[l], a);
	}
	return 0;
}

/* trained_md5 into m->trained; -1 when it is there and not (N, 16) bytes. */
static int
read_trained(const struct npz *z, struct model *m, struct strbuf *why)
{
	const struct npy_array *a = npz_get(z, "trained_md5");
	size_t i;

	if (a == NULL)
		return 0;	/* the bot's models and ours before the record */
	if (a->dtype != NPY_U1 || a->ndim != 2 || a->shape[1] != GAME_ID_SIZE) {
		sb_printf(why, "trained_md5 (the record of trained games) is not "
		    "an (N, %d) array of bytes", GAME_ID_SIZE);
		return -1;
	}
	for (i = 0; i < a->shape[0]; i++)
		model_add_game(m, (const uint8_t *)a->data + i * GAME_ID_SIZE);
	return 0;
}

/* The model in z, whatever file it came from. */
static int
model_from_npz(const struct npz *z, struct model *m, struct strbuf *why)
{
	int width[POLICY_MAX_LAYERS + 1], n = 0;
	const struct npy_array *a;
	char name[16];

	memset(m, 0, sizeof *m);
	for (;;) {
		snprintf(name, sizeof name, "W%d", n + 1);
		if ((a = npz_get(z, name)) == NULL)
			break;
		if (n == POLICY_MAX_LAYERS || a->ndim != 2 || a->shape[0] == 0 ||
		    a->shape[1] == 0 || a->shape[0] > POLICY_MAX_WIDTH ||
		    a->shape[1] > POLICY_MAX_WIDTH ||
		    (n > 0 && (size_t)width[n] != a->shape[0])) {
			sb_printf(why, "%s: layers do not chain or are too many", name);
			goto fail;
		}
		width[n] = (int)a->shape[0];
		width[n + 1] = (int)a->shape[1];
		n++;
	}
	if (n == 0) {
		sb_adds(why, "no W1: not a policy model");
		goto fail;
	}
	if (width[n] > POLICY_MAX_ACTIONS) {
		sb_printf(why, "more than %d actions", POLICY_MAX_ACTIONS);
		goto fail;
	}
	policy_layout(&m->net, n, width);
	m->adam_m = xcalloc(m->net.n_params, sizeof(double));
	m->adam_v = xcalloc(m->net.n_params, sizeof(double));
	if (read_tensors(z, &m->net, "", m->net.params, why) < 0)
		goto fail;
	if ((a = npz_get(z, "baseline")) != NULL && a->count >= 1)
		m->baseline = npy_f64(a, 0);
	if ((a = npz_get(z, "episode_count")) != NULL && a->count >= 1 &&
	    (m->episode_count = npy_i64(a, 0)) < 0) {
		/* Sums of counts must not wrap: none is negative. */
		sb_printf(why, "episode_count is negative (%lld)",
		    (long long)m->episode_count);
		goto fail;
	}
	/* The optimiser state is ours: all of it, or none of it. */
	if ((a = npz_get(z, "optim_step")) != NULL && a->count == 1) {
		struct strbuf ignored = { 0 };

		if (read_tensors(z, &m->net, "adam_m_", m->adam_m, &ignored) == 0 &&
		    read_tensors(z, &m->net, "adam_v_", m->adam_v, &ignored) == 0)
			m->optim_step = npy_i64(a, 0) < 0 ? 0 : npy_i64(a, 0);
		else {
			memset(m->adam_m, 0, m->net.n_params * sizeof(double));
			memset(m->adam_v, 0, m->net.n_params * sizeof(double));
		}
		sb_free(&ignored);
	}
	if ((a = npz_get(z, "merged_candidates")) != NULL && a->dtype == NPY_U1 &&
	    a->count % MD5_HEX_LEN == 0) {
		size_t i;

		/*
		 * Each block whole, whatever bytes it holds: a damaged one
		 * (a NUL inside) stays 32 bytes, so writing it back copies
		 * what was read and nothing past it.
		 */
		for (i = 0; i < a->count / MD5_HEX_LEN; i++)
			hashmap_put(&m->merged, (const char *)a->data +
			    i * MD5_HEX_LEN, MD5_HEX_LEN, NULL);
	}
	if (read_trained(z, m, why) < 0)
		goto fail;
	return 0;
fail:
	model_free(m);
	return -1;
}

int
model_read(const char *path, struct model *m, struct strbuf *why)
{
	struct npz_bytes b;
	int rc;

	memset(m, 0, sizeof *m);
	if ((rc = npz_load(path, NPZ_FILE_LIMIT, &b, why)) < 0)
		return rc;
	rc = model_parse(b.data, b.size, m, why);
	npz_bytes_free(&b);
	return rc;
}

int
model_parse(const uint8_t *data, size_t size, struct model *m,
	    struct strbuf *why)
{
	const struct npz_bytes b = npz_bytes_view(data, size);
	char md5[MD5_HEX_SIZE];
	struct npz z;
	int rc;

	memset(m, 0, sizeof *m);
	/* Of the bytes read: a candidate's base is the file trained from. */
	md5_hex(data, size, md5);
	if ((rc = npz_parse_with(&b, &model_limits, &z, why)) < 0)
		return rc;
	if ((rc = model_from_npz(&z, m, why)) == 0)
		memcpy(m->md5, md5, sizeof md5);
	npz_free(&z);
	return rc;
}

void
model_create(struct model *m, int n_layers, const int *width, uint64_t seed)
{
	memset(m, 0, sizeof *m);
	policy_layout(&m->net, n_layers, width);
	policy_init_random(&m->net, seed);
	m->adam_m = xcalloc(m->net.n_params, sizeof(double));
	m->adam_v = xcalloc(m->net.n_params, sizeof(double));
}

void
model_free(struct model *m)
{
	policy_free(&m->net);
	free(m->adam_m);
	free(m->adam_v);
	hashmap_free(&m->merged);
	hashmap_free(&m->trained);
	memset(m, 0, sizeof *m);
}

int
model_has_game(const struct model *m, const uint8_t *id)
{
	return hashmap_get(&m->trained, id, GAME_ID_SIZE) != NULL;
}

void
model_add_game(struct model *m, const uint8_t *id)
{
	hashmap_put(&m->trained, id, GAME_ID_SIZE, NULL);
}

static int
id_order(const void *a, const void *b)
{
	return memcmp(a, b, GAME_ID_SIZE);
}

/* trained_md5: the record, sorted (as files.md asks), even when empty. */
static void
add_trained(struct npz *z, const struct hashmap *games)
{
	size_t shape[2] = { games->n, GAME_ID_SIZE }, i;
	uint8_t *ids = xmalloc(games->n * GAME_ID_SIZE + 1);

	for (i = 0; i < games->n; i++)
		memcpy(ids + i * GAME_ID_SIZE, hashmap_key(games, i), GAME_ID_SIZE);
	qsort(ids, games->n, GAME_ID_SIZE, id_order);
	npz_add(z, "trained_md5", NPY_U1, 2, shape, ids);
	free(ids);
}

int
model_has_merged(const struct model *m, const char *md5)
{
	return hashmap_get_str(&m->merged, md5) != NULL;
}

void
model_add_merged(struct model *m, const char *md5)
{
	/* Every key is MD5_HEX_LEN bytes: model_write copies that many. */
	if (strlen(md5) == MD5_HEX_LEN)
		hashmap_put(&m->merged, md5, MD5_HEX_LEN, NULL);
}

static void
add_tensors(struct npz *z, const struct policy *net, const char *prefix,
	    const double *flat)
{
	char name[64];
	size_t shape[2];
	int l;

	for (l = 0; l < net->n_layers; l++) {
		shape[0] = (size_t)net->width[l];
		shape[1] = (size_t)net->width[l + 1];
		snprintf(name, sizeof name, "%sW%d", prefix, l + 1);
		npz_add(z, name, NPY_F8, 2, shape, flat + net->w_off[l]);
		snprintf(name, sizeof name, "%sb%d", prefix, l + 1);
		npz_add(z, name, NPY_F8, 1, shape + 1, flat + net->b_off[l]);
	}
}

static void
add_scalar_i64(struct npz *z, const char *name, int64_t v)
{
	size_t one = 1;

	npz_add(z, name, NPY_I8, 1, &one, &v);
}

int
model_write(const struct model *m, const char *path,
	    const struct candidate_info *c, struct strbuf *why)
{
	struct npz z = { 0 };
	size_t one = 1, i;
	int rc;

	add_tensors(&z, &m->net, "", m->net.params);
	npz_add(&z, "baseline", NPY_F8, 1, &one, &m->baseline);
	add_scalar_i64(&z, "episode_count", m->episode_count);
	add_scalar_i64(&z, "format_version", MODEL_FORMAT_VERSION);
	add_scalar_i64(&z, "optim_step", m->optim_step);
	add_tensors(&z, &m->net, "adam_m_", m->adam_m);
	add_tensors(&z, &m->net, "adam_v_", m->adam_v);
	add_trained(&z, c ? c->added : &m->trained);
	if (m->merged.n) {
		size_t bytes = m->merged.n * MD5_HEX_LEN;
		char *ids = xmalloc(bytes);

		for (i = 0; i < m->merged.n; i++)
			memcpy(ids + i * MD5_HEX_LEN, hashmap_key(&m->merged, i),
			    MD5_HEX_LEN);
		npz_add(&z, "merged_candidates", NPY_U1, 1, &bytes, ids);
		free(ids);
	}
	if (c) {
		double *delta = xmalloc(m->net.n_params * sizeof(double));
		size_t md5_len = strlen(c->base_md5);

		for (i = 0; i < m->net.n_params; i++)
			delta[i] = m->net.params[i] - c->base->net.params[i];
		add_tensors(&z, &m->net, "delta_", delta);
		free(delta);
		npz_add(&z, "base_md5", NPY_U1, 1, &md5_len, c->base_md5);
		add_scalar_i64(&z, "candidate_games", c->games);
		add_scalar_i64(&z, "candidate_steps", c->steps);
	}
	rc = npz_write(&z, path, why);
	npz_free(&z);
	return rc;
}

/* The candidate's content identity (see struct candidate). */
static void
candidate_identity(struct candidate *c)
{
	static const char tag[] = "bgtrain candidate 1";
	struct strbuf games = { 0 };
	struct md5_part parts[6];
	size_t i;

	for (i = 0; i < c->m.trained.n; i++)
		sb_add(&games, hashmap_key(&c->m.trained, i), c->m.trained.entries[i].key_len);
	parts[0] = (struct md5_part){ tag, sizeof tag };
	parts[1] = (struct md5_part){ c->base_md5, strlen(c->base_md5) + 1 };
	parts[2] = (struct md5_part){ &c->games, sizeof c->games };
	parts[3] = (struct md5_part){ &c->steps, sizeof c->steps };
	parts[4] = (struct md5_part){ c->delta, c->m.net.n_params * sizeof c->delta[0] };
	parts[5] = (struct md5_part){ games.data ? games.data : "", games.len };
	md5_parts_hex(parts, 6, c->md5);
	sb_free(&games);
}

int
candidate_read(const char *path, struct candidate *c, struct strbuf *why)
{
	struct npz_bytes b;
	int rc;

	memset(c, 0, sizeof *c);
	if ((rc = npz_load(path, NPZ_FILE_LIMIT, &b, why)) < 0)
		return rc;
	rc = candidate_parse(b.data, b.size, c, why);
	npz_bytes_free(&b);
	return rc;
}

int
candidate_parse(const uint8_t *data, size_t size, struct candidate *c,
		struct strbuf *why)
{
	const struct npz_bytes b = npz_bytes_view(data, size);
	const struct npy_array *a;
	struct npz z;
	size_t len;
	int rc;

	memset(c, 0, sizeof *c);
	md5_hex(data, size, c->file_md5);
	if ((rc = npz_parse_with(&b, &model_limits, &z, why)) < 0)
		return rc;
	if (model_from_npz(&z, &c->m, why) < 0) {
		npz_free(&z);
		return -1;
	}
	c->delta = xcalloc(c->m.net.n_params, sizeof(double));
	if (read_tensors(&z, &c->m.net, "delta_", c->delta, why) < 0) {
		sb_adds(why, ": not a policy-train --out candidate");
		goto fail;
	}
	if ((a = npz_get(&z, "candidate_games")) == NULL || a->count != 1 ||
	    (c->games = npy_i64(a, 0)) < 0 ||
	    (a = npz_get(&z, "candidate_steps")) == NULL || a->count != 1 ||
	    (c->steps = npy_i64(a, 0)) < 0) {
		sb_adds(why, "no candidate_games or candidate_steps");
		goto fail;
	}
	if ((a = npz_get(&z, "base_md5")) != NULL && a->dtype == NPY_U1) {
		len = a->count < MD5_HEX_LEN ? a->count : MD5_HEX_LEN;
		memcpy(c->base_md5, a->data, len);
		c->base_md5[len] = '\0';
	}
	npz_free(&z);
	candidate_identity(c);
	return 0;
fail:
	npz_free(&z);
	candidate_free(c);
	return -1;
}

void
candidate_free(struct candidate *c)
{
	model_free(&c->m);
	free(c->delta);
	memset(c, 0, sizeof *c);
}
