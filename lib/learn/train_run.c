/*
 * train_run.c - policy-train's run: experience files to an updated model
 *
 * Every input is read and checked before the model is touched: one bad
 * file stops the run (exit 65) unless --skip-bad, so the model never learns
 * from half a batch by accident. The model is read and written back under
 * an exclusive lock on MODEL.lock, so two trainers never lose each other's
 * update; the write itself is atomic. The arithmetic is trainer.c's; this
 * file is the files, the lock and the reports around it.
 *
 * A game counts once: the model records the MD5 of every file trained into
 * it, and a game it already has is skipped with a note (--again trains it
 * anyway), so running twice on one folder, or a driver that lost its state,
 * never trains a game twice. What cannot be used is always named: on
 * stderr, and in --report for the driver; a file that never was a game (the
 * bot's model in its experience folder) is named as such and never moved.
 */
#include <sys/stat.h>

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "clock.h"
#include "die.h"
#include "digest.h"
#include "experience.h"
#include "filenames.h"
#include "jsonw.h"
#include "lock.h"
#include "model.h"
#include "train_run.h"
#include "train_summary.h"
#include "walk.h"

void
train_defaults(struct train_options *o)
{
	memset(o, 0, sizeof *o);
	o->hidden[0] = o->hidden[1] = 64;
	o->n_hidden = 2;
	o->actions = 5;
	train_params_defaults(&o->train);
	o->threads = 1;
}

/*
 * An input not trained on: said on stderr, and one {"file", "error"} line
 * (replay-analyze's shape) for --report, which the driver reads instead of
 * the text.
 */
static void
refuse(struct strbuf *refused, const char *file, const char *reason)
{
	warnmsg("%s: %s", file, reason);
	json_error_line(refused, file, reason);
}

/* --report: the refused inputs' lines, even none; -1 with errno when not written. */
static int
write_report(const char *path, const struct strbuf *refused)
{
	if (strcmp(path, "-") == 0) {
		if (refused->len)
			fwrite(refused->data, 1, refused->len, stdout);
		return fflush(stdout) == 0 ? 0 : -1;
	}
	return atomic_write(path, refused->data ? refused->data : "", refused->len);
}

static void
collect_inputs(char *const *paths, int n, struct strlist *files, int *missing,
	       struct strbuf *refused)
{
	struct stat st;
	int i;

	for (i = 0; i < n; i++) {
		if (stat(paths[i], &st) < 0) {
			refuse(refused, paths[i], strerror(errno));
			*missing = 1;
		} else if (S_ISDIR(st.st_mode)) {
			walk_files(paths[i], experience_wanted, files);
		} else if (experience_wanted(paths[i])) {
			strlist_push(files, paths[i]);
		} else {
			refuse(refused, paths[i],
			    "not read: a half-written *.tmp.npz or not an .npz");
		}
	}
}

/*
 * A file's game already counted: in the model's record or earlier in this
 * run (the same bytes under another name). Says so and returns 1.
 */
static int
already_trained(const struct episode *e, const struct model *m,
		struct hashmap *seen, const struct strlist *files, size_t i,
		const struct train_options *o)
{
	size_t *first;
	int added;

	if (o->again)
		return 0;
	if (m != NULL && model_has_game(m, e->id)) {
		if (!o->quiet)
			warnmsg("%s: already trained into %s: skipped", files->v[i],
			    o->model);
		return 1;
	}
	first = hashmap_put(seen, e->id, GAME_ID_SIZE, &added);
	if (!added) {
		if (!o->quiet)
			warnmsg("%s: the same game as %s: skipped", files->v[i],
			    files->v[*first]);
		return 1;
	}
	*first = i;
	return 0;
}

/* Read every file into d; what was not taken is counted in in and reported. */
static void
read_episodes(const struct strlist *files, const struct model *m, int features,
	      int actions, const struct train_options *o, struct dataset *d,
	      struct strbuf *refused, struct intake *in)
{
	struct strbuf why = { 0 };
	struct hashmap seen = { 0 };
	size_t i;

	/* Without a model, the first good file says how wide states are. */
	d->features = features;
	for (i = 0; i < files->n; i++) {
		struct episode e;
		int rc;

		sb_reset(&why);
		rc = experience_read(files->v[i], d->features, actions, &e, &why);
		if (rc == EXP_NOT_EXPERIENCE) {
			warnmsg("%s: %s", files->v[i], why.data);
			json_not_experience_line(refused, files->v[i], why.data);
			in->not_experience++;
		} else if (rc < 0) {
			refuse(refused, files->v[i], why.data);
			in->bad++;
			/* Only a file read and found broken is moved aside. */
			if (rc == EXP_UNREADABLE)
				in->unreadable++;
			else if (o->quarantine && move_into(o->quarantine,
			    files->v[i], why.data) < 0)
				warnmsg("%s: cannot move into %s: %s", files->v[i],
				    o->quarantine, strerror(errno));
		} else if (already_trained(&e, m, &seen, files, i, o)) {
			in->already++;
			episode_free(&e);
		} else {
			dataset_add(d, &e);
		}
	}
	/* One line for all of them: with --quiet, the only one. */
	if (in->already)
		warnmsg("%zu game%s already trained into %s: skipped (--again "
		    "trains them again)", in->already, in->already == 1 ? "" : "s",
		    o->model);
	hashmap_free(&seen);
	sb_free(&why);
}

/* Create the model --init asks for, as wide as the data. */
static int
create_model(struct model *m, const struct dataset *d, const struct train_options *o)
{
	int width[POLICY_MAX_LAYERS + 1], i;

	if (d->features > POLICY_MAX_WIDTH) {
		warnmsg("states have %d features, more than %d", d->features,
		    POLICY_MAX_WIDTH);
		return -1;
	}
	width[0] = d->features;
	for (i = 0; i < o->n_hidden; i++)
		width[i + 1] = o->hidden[i];
	width[o->n_hidden + 1] = o->actions;
	model_create(m, o->n_hidden + 1, width, o->train.seed);
	train_warn_shape(m, o->out ? o->out : o->model);
	return 0;
}

/*
 * The games trained into m's record; for a candidate, those it adds to the
 * model it started from (which --again may have had already).
 */
static void
record_games(struct model *m, const struct dataset *d, struct hashmap *added)
{
	size_t i;

	for (i = 0; i < d->n_ep; i++) {
		if (!model_has_game(m, d->ep[i].id))
			hashmap_put(added, d->ep[i].id, GAME_ID_SIZE, NULL);
		model_add_game(m, d->ep[i].id);
	}
}

/*
 * Train on the files read and write the model or candidate; the exit
 * status. With no episodes (every game already in the model) the model is
 * left as it is, and a candidate is written that adds nothing, so that
 * whoever waits for it (the driver) finds it.
 */
static int
train_and_write(struct model *m, struct dataset *d, const struct train_options *o,
		const struct intake *in, int have_model, double t0)
{
	struct hashmap added = { 0 };
	struct candidate_info c = { NULL, "", (int64_t)d->n_ep, 0, &added };
	const char *target = o->out ? o->out : o->model;
	char base_md5[MD5_HEX_SIZE] = "";
	struct train_outcome result;
	struct strbuf why = { 0 };
	struct model base;
	int status = 0;

	memset(&base, 0, sizeof base);
	memset(&result, 0, sizeof result);
	if (d->n_ep == 0 && o->out == NULL) {
		train_summary(o, d, &result, in, monotonic_seconds() - t0, NULL);
		return fflush(stdout) == 0 ? 0 : EX_IOERR;
	}
	if (o->out) {
		/* A candidate records where it started: merge-results adds its change. */
		model_create(&base, m->net.n_layers, m->net.width, 0);
		memcpy(base.net.params, m->net.params, m->net.n_params * sizeof(double));
		/* The bytes trained from, not the file as it is now (it may be replaced). */
		if (have_model)
			memcpy(base_md5, m->md5, sizeof base_md5);
		c.base = &base;
		c.base_md5 = base_md5;
	}
	/* Before dataset_build(), which frees the episodes and their ids. */
	record_games(m, d, &added);
	if (d->n_ep > 0) {
		dataset_build(d, &o->train, m->net.width[m->net.n_layers]);
		train_warn_divergence(d, o);
		train(m, d, &o->train, &result);
	}
	/* A count from the file near INT64_MAX must not wrap: refused, not saturated. */
	if (__builtin_add_overflow(m->episode_count, (int64_t)d->n_ep,
	    &m->episode_count)) {
		warnmsg("%s: episode_count would pass %lld: refused, nothing "
		    "written", o->model, (long long)INT64_MAX);
		status = EX_DATAERR;
		goto out;
	}
	c.steps = result.steps;
	if (model_write(m, target, o->out ? &c : NULL, &why) < 0) {
		warnmsg("%s: cannot write: %s", target, why.data);
		status = EX_IOERR;
	} else {
		train_summary(o, d, &result, in, monotonic_seconds() - t0, target);
		if (fflush(stdout) != 0)
			status = EX_IOERR;
	}
out:
	model_free(&base);
	hashmap_free(&added);
	sb_free(&why);
	return status;
}

/* Why nothing is trained, said once; the exit status. */
static int
nothing_trained(const struct intake *in, const struct train_options *o)
{
	if (in->bad && !o->skip_bad) {
		warnmsg("%zu bad or unreadable experience file%s: nothing trained, "
		    "%s untouched (--skip-bad trains on the rest)", in->bad,
		    in->bad == 1 ? "" : "s", o->model);
		/* Only unreadable ones: the input could not be read (66). */
		return in->bad == in->unreadable ? EX_NOINPUT : EX_DATAERR;
	}
	warnmsg("no usable experience files: nothing trained");
	return in->unreadable && in->unreadable == in->bad ? EX_NOINPUT :
	    EX_DATAERR;
}

/* The run on the files collected, under the model's lock when it is written back. */
static int
run_locked(const struct strlist *files, const struct train_options *o,
	   struct strbuf *refused, double t0)
{
	struct intake in = { 0, 0, 0, 0 };
	struct dataset d;
	struct model m;
	struct strbuf why = { 0 };
	int status = 0, have_model, rc;

	memset(&d, 0, sizeof d);
	memset(&m, 0, sizeof m);
	have_model = access(o->model, F_OK) == 0;
	if (have_model && o->init) {
		warnmsg("%s: exists; --init would overwrite it", o->model);
		return EX_USAGE;
	}
	if (!have_model && !o->init) {
		warnmsg("%s: %s (give --init to create it)", o->model, strerror(ENOENT));
		return EX_NOINPUT;
	}
	if (have_model && (rc = model_read(o->model, &m, &why)) < 0) {
		warnmsg("%s: %s", o->model, why.data);
		sb_free(&why);
		return rc == MODEL_UNREADABLE ? EX_NOINPUT : EX_DATAERR;
	}
	sb_free(&why);
	read_episodes(files, have_model ? &m : NULL, have_model ? m.net.width[0] : 0,
	    have_model ? m.net.width[m.net.n_layers] : o->actions, o, &d, refused,
	    &in);
	if ((in.bad && !o->skip_bad) || (d.n_ep == 0 && in.already == 0))
		status = nothing_trained(&in, o);
	else if (!have_model && create_model(&m, &d, o) < 0)
		status = EX_DATAERR;
	else
		status = train_and_write(&m, &d, o, &in, have_model, t0);
	model_free(&m);
	dataset_free(&d);
	return status;
}

int
train_run(char *const *paths, int n_paths, const struct train_options *o)
{
	struct strlist files = { NULL, 0, 0 };
	struct strbuf refused = { 0 };
	int missing = 0, lock = -1, status = 0;
	double t0 = monotonic_seconds();

	openblas_set_num_threads(o->threads);
	collect_inputs(paths, n_paths, &files, &missing, &refused);
	if (missing) {
		status = EX_NOINPUT;
	} else if (files.n == 0) {
		warnmsg("no experience files to train on");
		status = EX_NOINPUT;
	} else if (o->out == NULL && (lock = lock_file(o->model)) < 0) {
		/* Read-modify-write of the model happens under its lock. */
		warnmsg("%s.lock: %s", o->model, strerror(errno));
		status = EX_IOERR;
	} else {
		if (lock >= 0)
			atomic_remove_stale(o->model);
		status = run_locked(&files, o, &refused, t0);
		unlock_file(lock);
	}
	if (o->report && write_report(o->report, &refused) < 0) {
		warnmsg("%s: cannot write the report: %s", o->report, strerror(errno));
		status = EX_IOERR;
	}
	strlist_free(&files);
	sb_free(&refused);
	return status;
}
