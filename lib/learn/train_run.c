/*
 * train_run.c - policy-train's run: experience files to an updated model
 *
 * Every input is read and checked before the model is touched: one bad
 * file stops the run (exit 65) unless --skip-bad, so the model never learns
 * from half a batch by accident. The model is read and written back under
 * an exclusive lock on MODEL.lock, so two trainers never lose each other's
 * update; the write itself is atomic. The arithmetic is trainer.c's; this
 * file is the files, the lock and the reports around it.
 */
#include <sys/stat.h>

#include <cblas.h>
#include <errno.h>
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
#include "walk.h"

#define DIVERGENCE_WARNING_EPOCHS 20

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

/* Read every file; returns how many were bad (each reported). */
static size_t
read_episodes(const struct strlist *files, int features, int actions,
	      const struct train_options *o, struct dataset *d,
	      struct strbuf *refused)
{
	struct strbuf why = { 0 };
	size_t i, bad = 0;

	/* Without a model, the first good file says how wide states are. */
	d->features = features;
	for (i = 0; i < files->n; i++) {
		struct episode e;

		sb_reset(&why);
		if (experience_read(files->v[i], d->features, actions, &e, &why) < 0) {
			refuse(refused, files->v[i], why.data);
			if (o->quarantine && move_into(o->quarantine, files->v[i],
			    why.data) < 0)
				warnmsg("%s: cannot move into %s: %s", files->v[i],
				    o->quarantine, strerror(errno));
			bad++;
			continue;
		}
		dataset_add(d, &e);
	}
	sb_free(&why);
	return bad;
}

static void
summary(const struct train_options *o, const struct dataset *d,
       const struct train_outcome *r, size_t skipped, double seconds, const char *written)
{
	double mean_return = d->n_ep ? d->return_sum / (double)d->n_ep : 0;
	struct strbuf sb = { 0 };

	if (o->json) {
		sb_printf(&sb, "{\"episodes\": %zu, \"steps\": %zu, \"epochs\": %d, "
		    "\"updates\": %lld, \"skipped\": %zu, \"loss_before\": ",
		    d->n_ep, d->rows, o->train.epochs, (long long)r->steps, skipped);
		json_number(&sb, r->loss_before);
		sb_adds(&sb, ", \"loss_after\": ");
		json_number(&sb, r->loss_after);
		sb_adds(&sb, ", \"mean_return\": ");
		json_number(&sb, mean_return);
		sb_adds(&sb, ", \"seconds\": ");
		json_number(&sb, seconds);
		sb_adds(&sb, ", \"model\": ");
		json_cstring(&sb, written);
		sb_adds(&sb, "}\n");
	} else {
		sb_printf(&sb, "policy-train: %zu episodes, %zu steps, %d epoch%s, "
		    "loss %.6g -> %.6g, mean return %.4g, %.2f s, wrote %s\n",
		    d->n_ep, d->rows, o->train.epochs, o->train.epochs == 1 ? "" : "s",
		    r->loss_before, r->loss_after, mean_return, seconds, written);
	}
	fwrite(sb.data, 1, sb.len, stdout);
	sb_free(&sb);
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
	return 0;
}

/* Train on the files read and write the model or candidate; the exit status. */
static int
train_and_write(struct model *m, struct dataset *d, const struct train_options *o,
		size_t bad, int have_model, double t0)
{
	struct candidate_info c = { NULL, "", (int64_t)d->n_ep, 0 };
	const char *target = o->out ? o->out : o->model;
	char base_md5[MD5_HEX_SIZE] = "";
	struct train_outcome result = { 0, 0, 0 };
	struct strbuf why = { 0 };
	struct model base;
	int status = 0;

	memset(&base, 0, sizeof base);
	if (o->out) {
		/* A candidate records where it started: merge-results adds its change. */
		model_create(&base, m->net.n_layers, m->net.width, 0);
		memcpy(base.net.params, m->net.params, m->net.n_params * sizeof(double));
		if (have_model)
			md5_file(o->model, base_md5);
		c.base = &base;
		c.base_md5 = base_md5;
	}
	dataset_build(d, o->train.gamma, o->train.normalize);
	train(m, d, &o->train, &result);
	m->episode_count += (int64_t)d->n_ep;
	c.steps = result.steps;
	if (model_write(m, target, o->out ? &c : NULL, &why) < 0) {
		warnmsg("%s: cannot write: %s", target, why.data);
		status = EX_IOERR;
	} else {
		summary(o, d, &result, bad, monotonic_seconds() - t0, target);
		if (fflush(stdout) != 0)
			status = EX_IOERR;
	}
	model_free(&base);
	sb_free(&why);
	return status;
}

/* The run on the files collected, under the model's lock when it is written back. */
static int
run_locked(const struct strlist *files, const struct train_options *o,
	   struct strbuf *refused, double t0)
{
	struct dataset d;
	struct model m;
	struct strbuf why = { 0 };
	int status = 0, have_model;
	size_t bad;

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
	if (have_model && model_read(o->model, &m, &why) < 0) {
		warnmsg("%s: %s", o->model, why.data);
		sb_free(&why);
		return EX_DATAERR;
	}
	sb_free(&why);
	bad = read_episodes(files, have_model ? m.net.width[0] : 0,
	    have_model ? m.net.width[m.net.n_layers] : o->actions, o, &d, refused);
	if ((bad && !o->skip_bad) || d.n_ep == 0) {
		if (bad && !o->skip_bad)
			warnmsg("%zu bad experience file%s: nothing trained, %s "
			    "untouched (--skip-bad trains on the rest)", bad,
			    bad == 1 ? "" : "s", o->model);
		else
			warnmsg("no usable experience files: nothing trained");
		status = EX_DATAERR;
	} else if (!have_model && create_model(&m, &d, o) < 0) {
		status = EX_DATAERR;
	} else {
		status = train_and_write(&m, &d, o, bad, have_model, t0);
	}
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
	if (o->train.epochs > DIVERGENCE_WARNING_EPOCHS)
		warnmsg("warning: %d epochs on one batch: REINFORCE on fixed data "
		    "drifts and diverges; see policy-train(1)", o->train.epochs);
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
