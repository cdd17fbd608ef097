/*
 * model_merge.c - merge-results' model run: candidates into the model
 *
 * The run holds an exclusive lock on TARGET.lock from reading the model to
 * renaming the new one into place, so concurrent mergers queue and every
 * candidate's change counts once. Every candidate is read and checked
 * before the model changes. A candidate is known by its MD5 (merging it
 * again is a no-op) and carries the games it trained on (trained_md5): one
 * whose games the model already has is refused, for its change would count
 * them twice, and merging adds its games to the model's record.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "die.h"
#include "lock.h"
#include "model.h"
#include "model_merge.h"
#include "output.h"

static int
same_shape(const struct policy *a, const struct policy *b)
{
	int i;

	if (a->n_layers != b->n_layers)
		return 0;
	for (i = 0; i <= a->n_layers; i++)
		if (a->width[i] != b->width[i])
			return 0;
	return 1;
}

/* The model a --init candidate started from: its weights less its change. */
static void
start_from_base(struct model *m, const struct candidate *c)
{
	size_t k;

	model_create(m, c->m.net.n_layers, c->m.net.width, 0);
	for (k = 0; k < m->net.n_params; k++)
		m->net.params[k] = c->m.net.params[k] - c->delta[k];
	m->baseline = c->m.baseline;
	m->episode_count = c->m.episode_count - c->games;
	m->optim_step = c->m.optim_step - c->steps;
}

/*
 * How many of c's games m already has, or an earlier candidate of this
 * call brings (those in games, which then takes c's).
 */
static size_t
games_counted(const struct model *m, const struct candidate *c,
	      struct hashmap *games)
{
	size_t i, twice = 0;
	int added;

	for (i = 0; i < c->m.trained.n; i++) {
		const uint8_t *id = (const uint8_t *)hashmap_key(&c->m.trained, i);

		hashmap_put(games, id, GAME_ID_SIZE, &added);
		twice += model_has_game(m, id) || !added;
	}
	return twice;
}

int
merge_models(const char *target, char *const *cands, int n, int average,
	     int quiet, int json)
{
	struct candidate *c = xcalloc((size_t)n, sizeof c[0]);
	struct hashmap seen = { 0 };	/* the games this call's candidates add */
	struct strbuf why = { 0 };
	struct model m;
	int lock, i, status = 0, have_model = 0, used = 0, rc;
	size_t twice;
	int64_t total_games = 0, total_steps = 0;	/* checked: they come from files */
	double games = 0;
	size_t k;

	if ((lock = lock_file(target)) < 0) {
		warnmsg("%s.lock: %s", target, strerror(errno));
		free(c);
		return EX_IOERR;
	}
	atomic_remove_stale(target);
	/* "-", a device or a FIFO: written to, never read (it would block). */
	if (output_kind(target) != OUTPUT_FILE) {
		memset(&m, 0, sizeof m);
	} else if ((rc = model_read(target, &m, &why)) < 0 &&
	    !(access(target, F_OK) < 0 && errno == ENOENT)) {
		warnmsg("%s: %s", target, why.data);
		status = rc == MODEL_UNREADABLE ? EX_NOINPUT : EX_DATAERR;
		goto out;
	}
	have_model = m.net.params != NULL;

	/* Read and check every candidate before the model changes. */
	for (i = 0; i < n; i++) {
		int j, dup = 0;

		sb_reset(&why);
		if ((rc = candidate_read(cands[i], &c[i], &why)) < 0) {
			warnmsg("%s: %s", cands[i], why.data);
			status = rc == MODEL_UNREADABLE ? EX_NOINPUT : EX_DATAERR;
			goto out;
		}
		if (!have_model) {
			if (c[i].base_md5[0] != '\0') {
				warnmsg("%s: %s (only a candidate made with --init "
				    "starts a model)", target, strerror(ENOENT));
				status = EX_NOINPUT;
				goto out;
			}
			start_from_base(&m, &c[i]);
			have_model = 1;
		}
		if (!same_shape(&m.net, &c[i].m.net)) {
			warnmsg("%s: its layers do not match %s's", cands[i], target);
			status = EX_DATAERR;
			goto out;
		}
		for (j = 0; j < i; j++)
			dup |= strcmp(c[j].md5, c[i].md5) == 0;
		/* Older models recorded a candidate by its file's bytes. */
		if (dup || model_has_merged(&m, c[i].md5) ||
		    model_has_merged(&m, c[i].file_md5)) {
			if (!quiet)
				warnmsg("%s: already merged into %s: nothing to do",
				    cands[i], target);
			c[i].games = -1;	/* skipped */
			continue;
		}
		if ((twice = games_counted(&m, &c[i], &seen)) > 0) {
			warnmsg("%s: %zu of its %zu games are already in %s or an "
			    "earlier candidate: refused, nothing merged", cands[i],
			    twice, c[i].m.trained.n, target);
			status = EX_DATAERR;
			goto out;
		}
		/* Counts from files near INT64_MAX must not wrap: refused, not saturated. */
		if (__builtin_add_overflow(total_games, c[i].games, &total_games) ||
		    __builtin_add_overflow(total_steps, c[i].steps, &total_steps)) {
			warnmsg("%s: its episode_count or optim_step would pass "
			    "%lld: refused, nothing merged", cands[i],
			    (long long)INT64_MAX);
			status = EX_DATAERR;
			goto out;
		}
		games += (double)c[i].games;
		used++;
	}
	if (used == 0)
		goto out;
	if (__builtin_add_overflow(m.episode_count, total_games, &total_games) ||
	    __builtin_add_overflow(m.optim_step, total_steps, &total_steps)) {
		warnmsg("%s: episode_count or optim_step would pass %lld: "
		    "refused, nothing merged", target, (long long)INT64_MAX);
		status = EX_DATAERR;
		goto out;
	}
	/*
	 * The moments: the games-weighted mean over this call's candidates;
	 * candidates that trained on nothing (every game already in the
	 * model) leave them as they are.
	 */
	if (games > 0) {
		memset(m.adam_m, 0, m.net.n_params * sizeof(double));
		memset(m.adam_v, 0, m.net.n_params * sizeof(double));
	}
	for (i = 0; i < n; i++) {
		double w, share;

		if (c[i].games < 0)
			continue;
		share = games > 0 ? (double)c[i].games / games : 1.0 / used;
		/* Asynchronous SGD adds each change whole; --average weighs them by games. */
		w = average ? share : 1.0;
		for (k = 0; k < m.net.n_params; k++)
			m.net.params[k] += w * c[i].delta[k];
		for (k = 0; games > 0 && k < m.net.n_params; k++) {
			m.adam_m[k] += share * c[i].m.adam_m[k];
			m.adam_v[k] += share * c[i].m.adam_v[k];
		}
		m.optim_step += c[i].steps;
		m.episode_count += c[i].games;
		model_add_merged(&m, c[i].md5);
		for (k = 0; k < c[i].m.trained.n; k++)
			model_add_game(&m, (const uint8_t *)
			    hashmap_key(&c[i].m.trained, k));
	}
	sb_reset(&why);
	if (model_write(&m, target, NULL, &why) < 0) {
		warnmsg("%s: cannot write: %s", target, why.data);
		status = EX_IOERR;
	}
out:
	/* --json: what the model holds now, for the driver's history. */
	if (json && status == 0 && have_model)
		printf("{\"episode_count\": %lld, \"optim_step\": %lld, \"merged\": %d}\n",
		    (long long)m.episode_count, (long long)m.optim_step, used);
	for (i = 0; i < n; i++)
		candidate_free(&c[i]);
	free(c);
	hashmap_free(&seen);
	if (have_model)
		model_free(&m);
	unlock_file(lock);
	sb_free(&why);
	return status;
}
