/*
 * model_merge.c - merge-results' model run: candidates into the model
 *
 * The run holds an exclusive lock on TARGET.lock from reading the model to
 * renaming the new one into place, so concurrent mergers queue and every
 * candidate's change counts once. Every candidate is read and checked
 * before the model changes.
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

int
merge_models(const char *target, char *const *cands, int n, int average,
	     int quiet)
{
	struct candidate *c = xcalloc((size_t)n, sizeof c[0]);
	struct strbuf why = { 0 };
	struct model m;
	int lock, i, status = 0, have_model = 0, used = 0;
	double games = 0;
	size_t k;

	if ((lock = lock_file(target)) < 0) {
		warnmsg("%s.lock: %s", target, strerror(errno));
		free(c);
		return EX_IOERR;
	}
	atomic_remove_stale(target);
	if (model_read(target, &m, &why) < 0 && !(access(target, F_OK) < 0 &&
	    errno == ENOENT)) {
		warnmsg("%s: %s", target, why.data);
		status = EX_DATAERR;
		goto out;
	}
	have_model = m.net.params != NULL;

	/* Read and check every candidate before the model changes. */
	for (i = 0; i < n; i++) {
		int j, dup = 0;

		sb_reset(&why);
		if (candidate_read(cands[i], &c[i], &why) < 0) {
			warnmsg("%s: %s", cands[i], why.data);
			status = access(cands[i], F_OK) < 0 ? EX_NOINPUT : EX_DATAERR;
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
		if (dup || model_has_merged(&m, c[i].md5)) {
			if (!quiet)
				warnmsg("%s: already merged into %s: nothing to do",
				    cands[i], target);
			c[i].games = -1;	/* skipped */
			continue;
		}
		games += (double)c[i].games;
		used++;
	}
	if (used == 0)
		goto out;
	/* The moments: the games-weighted mean over this call's candidates. */
	memset(m.adam_m, 0, m.net.n_params * sizeof(double));
	memset(m.adam_v, 0, m.net.n_params * sizeof(double));
	for (i = 0; i < n; i++) {
		double w, share;

		if (c[i].games < 0)
			continue;
		share = games > 0 ? (double)c[i].games / games : 1.0 / used;
		/* Asynchronous SGD adds each change whole; --average weighs them by games. */
		w = average ? share : 1.0;
		for (k = 0; k < m.net.n_params; k++) {
			m.net.params[k] += w * c[i].delta[k];
			m.adam_m[k] += share * c[i].m.adam_m[k];
			m.adam_v[k] += share * c[i].m.adam_v[k];
		}
		m.optim_step += c[i].steps;
		m.episode_count += c[i].games;
		model_add_merged(&m, c[i].md5);
	}
	sb_reset(&why);
	if (model_write(&m, target, NULL, &why) < 0) {
		warnmsg("%s: cannot write: %s", target, why.data);
		status = EX_IOERR;
	}
out:
	for (i = 0; i < n; i++)
		candidate_free(&c[i]);
	free(c);
	if (have_model)
		model_free(&m);
	unlock_file(lock);
	sb_free(&why);
	return status;
}
