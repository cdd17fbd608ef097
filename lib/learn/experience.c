/*
 * experience.c - the bot's experience files: one game each
 *
 * A file is read once and known by the MD5 of its bytes, so a game renamed
 * or copied is still the same game. What is wrong with a file decides what
 * becomes of it: a broken game may be quarantined, but a file that never
 * was a game (the bot's model beside its games) or one we cannot read is
 * only named, never moved.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "digest.h"
#include "experience.h"
#include "npz.h"
#include "walk.h"

/*
 * behavior_probs, when a file has it: the probability the bot gave each
 * action it took, the mu of the off-policy update (specs/reinforce.md). A
 * value outside (0, 1] is no probability of an action that was taken, and
 * dividing by it would make the update whatever that value says.
 */
static int
check_behavior(const struct npy_array *b, size_t t, struct strbuf *why)
{
	size_t i;

	if (b->ndim != 1 || b->shape[0] != t) {
		sb_printf(why, "behavior_probs must be (T,) with T = %zu", t);
		return -1;
	}
	if (b->dtype != NPY_F4 && b->dtype != NPY_F8) {
		sb_adds(why, "behavior_probs are not floating point");
		return -1;
	}
	for (i = 0; i < t; i++) {
		double v = npy_f64(b, i);

		if (!isfinite(v)) {
			sb_printf(why, "behavior_probs at step %zu is not finite", i);
			return -1;
		}
		if (!(v > 0 && v <= 1)) {
			sb_printf(why, "behavior_probs at step %zu is %g, not a "
			    "probability in (0, 1]", i, v);
			return -1;
		}
	}
	return 0;
}

static int
check(const struct npz *z, int features, int actions, struct strbuf *why)
{
	const struct npy_array *s = npz_get(z, "states");
	const struct npy_array *a = npz_get(z, "actions");
	const struct npy_array *r = npz_get(z, "rewards");
	const struct npy_array *b = npz_get(z, "behavior_probs");
	size_t t, i;

	if (s == NULL || a == NULL || r == NULL) {
		sb_adds(why, "missing states, actions or rewards");
		return -1;
	}
	if (s->ndim != 2 || a->ndim != 1 || r->ndim != 1) {
		sb_adds(why, "states must be (T, features), actions and rewards (T,)");
		return -1;
	}
	t = s->shape[0];
	if (t == 0) {
		sb_adds(why, "empty episode (T = 0)");
		return -1;
	}
	if (a->shape[0] != t || r->shape[0] != t) {
		sb_printf(why, "mismatched lengths: %zu states, %zu actions, "
		    "%zu rewards", t, a->shape[0], r->shape[0]);
		return -1;
	}
	if (features > 0 && s->shape[1] != (size_t)features) {
		sb_printf(why, "states have %zu features, the model takes %d",
		    s->shape[1], features);
		return -1;
	}
	if (s->dtype != NPY_F4 && s->dtype != NPY_F8) {
		sb_adds(why, "states are not floating point");
		return -1;
	}
	if (a->dtype != NPY_I8 && a->dtype != NPY_I4 && a->dtype != NPY_U1) {
		sb_adds(why, "actions are not integers");
		return -1;
	}
	if (r->dtype != NPY_F4 && r->dtype != NPY_F8) {
		sb_adds(why, "rewards are not floating point");
		return -1;
	}
	for (i = 0; i < t; i++) {
		int64_t v = npy_i64(a, i);

		if (v < 0 || v >= actions) {
			sb_printf(why, "action %lld at step %zu is out of range "
			    "0..%d", (long long)v, i, actions - 1);
			return -1;
		}
		if (!isfinite(npy_f64(r, i))) {
			sb_printf(why, "reward at step %zu is not finite", i);
			return -1;
		}
	}
	return b == NULL ? 0 : check_behavior(b, t, why);
}

int
experience_read(const char *path, int features, int actions, struct episode *e,
		struct strbuf *why)
{
	struct npz_bytes b;
	int rc;

	memset(e, 0, sizeof *e);
	if ((rc = npz_load(path, NPZ_FILE_LIMIT, &b, why)) < 0)
		return rc == NPZ_UNREADABLE ? EXP_UNREADABLE : EXP_BAD;
	rc = experience_parse(b.data, b.size, features, actions, e, why);
	npz_bytes_free(&b);
	return rc;
}

int
experience_parse(const uint8_t *data, size_t size, int features, int actions,
		 struct episode *e, struct strbuf *why)
{
	static const char *const game_members[] = {
		"states", "actions", "rewards", NULL
	};
	const struct npz_bytes b = npz_bytes_view(data, size);
	const struct npy_array *s, *a, *r, *mu;
	struct npz z;
	size_t i;

	memset(e, 0, sizeof *e);
	if (npz_holds_any(&b, game_members) == 0) {
		/* Before its members are parsed: a model may hold dtypes we refuse. */
		sb_adds(why, "not experience: an .npz without states, actions or "
		    "rewards (a model?); left alone");
		return EXP_NOT_EXPERIENCE;
	}
	_Static_assert(GAME_ID_SIZE == 16, "a game is known by its MD5");
	md5_raw(data, size, e->id);
	if (npz_parse(&b, EXPERIENCE_MEMBER_LIMIT, &z, why) < 0)
		return EXP_BAD;
	if (check(&z, features, actions, why) < 0) {
		npz_free(&z);
		return EXP_BAD;
	}
	s = npz_get(&z, "states");
	a = npz_get(&z, "actions");
	r = npz_get(&z, "rewards");
	mu = npz_get(&z, "behavior_probs");
	e->steps = s->shape[0];
	e->features = (int)s->shape[1];
	e->states = xmalloc(s->count * sizeof(float) + 1);
	e->actions = xmalloc(e->steps * sizeof(int32_t));
	e->rewards = xmalloc(e->steps * sizeof(double));
	/*
	 * The bot acted on a state whose non-finite features it read as 0:
	 * so are they read here, and counted, rather than the game lost.
	 */
	for (i = 0; i < s->count; i++) {
		double v = npy_f64(s, i);

		e->nonfinite += !isfinite(v);
		e->states[i] = isfinite(v) ? (float)v : 0.0f;
	}
	for (i = 0; i < e->steps; i++) {
		e->actions[i] = (int32_t)npy_i64(a, i);
		e->rewards[i] = npy_f64(r, i);
	}
	if (mu != NULL) {
		e->behavior = xmalloc(e->steps * sizeof(float));
		for (i = 0; i < e->steps; i++)
			e->behavior[i] = (float)npy_f64(mu, i);
	}
	npz_free(&z);
	return 0;
}

void
episode_free(struct episode *e)
{
	free(e->states);
	free(e->actions);
	free(e->rewards);
	free(e->behavior);
	memset(e, 0, sizeof *e);
}
