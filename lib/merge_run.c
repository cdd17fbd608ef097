/*
 * merge_run.c - merge-results' runs: learned files and models, under a lock
 *
 * Both runs hold an exclusive lock on TARGET.lock from reading the target
 * to renaming the new one into place, so concurrent mergers queue instead of
 * overwriting each other (the old tool's "last writer wins"). Every input
 * is read and checked before anything is written: one that does not fit
 * leaves the target untouched and the run exits 65.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "clock.h"
#include "die.h"
#include "learned.h"
#include "lock.h"
#include "merge_run.h"
#include "model.h"

#define SUMMARY_SIZE_LIMIT (1u << 30)

/* The whole file, NUL-terminated; NULL with errno set. */
static char *
read_text(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t n = 0, cap = 0, got;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			if (cap > SUMMARY_SIZE_LIMIT) {
				free(text);
				fclose(f);
				errno = EFBIG;
				return NULL;
			}
			text = xrealloc(text, cap + 1);
		}
		if ((got = fread(text + n, 1, cap - n, f)) == 0)
			break;
		n += got;
	}
	if (ferror(f)) {
		free(text);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	text[n] = '\0';
	*size = n;
	return text;
}

/* new = (1 - alpha) old + alpha part, number by number; keys of one side kept. */
static void
blend(cJSON *old, const cJSON *part, double alpha)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, part) {
		cJSON *o;

		if (p->string == NULL || strcmp(p->string, "merge_state") == 0)
			continue;
		o = cJSON_GetObjectItemCaseSensitive(old, p->string);
		if (o == NULL)
			cJSON_AddItemToObject(old, p->string, cJSON_Duplicate(p, 1));
		else if (cJSON_IsNumber(o) && cJSON_IsNumber(p))
			cJSON_SetNumberValue(o, (1 - alpha) * o->valuedouble +
			    alpha * p->valuedouble);
		else if (cJSON_IsObject(o) && cJSON_IsObject(p))
			blend(o, p, alpha);
	}
}

static int
merge_alpha(const char *target, char *const *parts, int n, double alpha,
	    cJSON *tree, struct strbuf *out)
{
	char when[32];
	int i;

	for (i = 0; i < n; i++) {
		size_t size;
		char *text = read_text(parts[i], &size);
		cJSON *p;

		if (text == NULL) {
			warnmsg("%s: %s", parts[i], strerror(errno));
			cJSON_Delete(tree);
			return errno == ENOENT ? EX_NOINPUT : EX_IOERR;
		}
		p = cJSON_ParseWithLength(text, size);
		free(text);
		if (!cJSON_IsObject(p)) {
			warnmsg("%s: not a JSON object", parts[i]);
			cJSON_Delete(p);
			cJSON_Delete(tree);
			return EX_DATAERR;
		}
		if (tree == NULL) {
			tree = p;
			continue;
		}
		blend(tree, p, alpha);
		cJSON_Delete(p);
	}
	/* A blend is no longer an exact sum: no merge state survives it. */
	cJSON_DeleteItemFromObjectCaseSensitive(tree, "merge_state");
	iso_local_time(when, sizeof when);
	cJSON_DeleteItemFromObjectCaseSensitive(tree, "generated_at");
	cJSON_AddStringToObject(tree, "generated_at", when);
	{
		char *s = cJSON_PrintUnformatted(tree);

		sb_adds(out, s);
		sb_addc(out, '\n');
		cJSON_free(s);
	}
	cJSON_Delete(tree);
	(void)target;
	return 0;
}

static int
merge_exact(const char *target, char *const *parts, int n, struct learned *l,
	    struct strbuf *out, int quiet)
{
	struct strbuf why = { 0 };
	int i, changed = 0, status = 0;
	char when[32];

	for (i = 0; i < n && status == 0; i++) {
		size_t size;
		char *text = read_text(parts[i], &size);
		struct learned *p;

		if (text == NULL) {
			warnmsg("%s: %s", parts[i], strerror(errno));
			status = errno == ENOENT ? EX_NOINPUT : EX_IOERR;
			break;
		}
		sb_reset(&why);
		p = learned_parse(text, size, &why);
		free(text);
		if (p == NULL) {
			warnmsg("%s: %s", parts[i], why.data);
			status = EX_DATAERR;
			break;
		}
		if (l == NULL) {
			l = p;
			changed = 1;
			continue;
		}
		switch (learned_overlap(l, p)) {
		case OVERLAP_ALL:
			if (!quiet)
				warnmsg("%s: already merged into %s: nothing to do",
				    parts[i], target);
			break;
		case OVERLAP_PART:
			warnmsg("%s: some of its replays are already in %s: "
			    "merging would count them twice", parts[i], target);
			status = EX_DATAERR;
			break;
		case OVERLAP_NONE:
			if (learned_merge(l, p, &why) < 0) {
				warnmsg("%s: %s", parts[i], why.data);
				status = EX_DATAERR;
			} else {
				changed = 1;
			}
			break;
		}
		learned_free(p);
	}
	if (status == 0 && changed) {
		iso_local_time(when, sizeof when);
		learned_render(l, out, when);
	}
	learned_free(l);
	sb_free(&why);
	return status;
}

int
merge_learned(const char *target, char *const *parts, int n, double alpha,
	      int quiet)
{
	struct strbuf out = { 0 }, why = { 0 };
	struct learned *l = NULL;
	cJSON *tree = NULL;
	int lock, status = 0;
	char *text;
	size_t size;

	if ((lock = lock_file(target)) < 0)
		die(EX_IOERR, "%s.lock: %s", target, strerror(errno));
	atomic_remove_stale(target);
	if ((text = read_text(target, &size)) != NULL) {
		tree = cJSON_ParseWithLength(text, size);
		if (!cJSON_IsObject(tree)) {
			warnmsg("%s: not a JSON object", target);
			status = EX_DATAERR;
		} else if (alpha < 0) {
			if (!cJSON_GetObjectItemCaseSensitive(tree, "merge_state")) {
				warnmsg("%s: written by the old tool (no merge_state): "
				    "it merges only with --alpha", target);
				status = EX_DATAERR;
			} else if ((l = learned_parse(text, size, &why)) == NULL) {
				warnmsg("%s: %s", target, why.data);
				status = EX_DATAERR;
			}
			cJSON_Delete(tree);
			tree = NULL;
		}
		free(text);
	} else if (errno != ENOENT) {
		warnmsg("%s: %s", target, strerror(errno));
		status = EX_IOERR;
	}
	if (status == 0)
		status = alpha < 0 ? merge_exact(target, parts, n, l, &out, quiet) :
		    merge_alpha(target, parts, n, alpha, tree, &out);
	else {
		cJSON_Delete(tree);
		learned_free(l);
	}
	if (status == 0 && out.len && atomic_write(target, out.data, out.len) < 0) {
		warnmsg("%s: cannot write: %s", target, strerror(errno));
		status = EX_IOERR;
	}
	unlock_file(lock);
	sb_free(&out);
	sb_free(&why);
	return status;
}

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

	if ((lock = lock_file(target)) < 0)
		die(EX_IOERR, "%s.lock: %s", target, strerror(errno));
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
