/*
 * train_run.c - policy-train's run: experience files to an updated model
 *
 * Every input is read and checked before the model is touched: one bad
 * file stops the run (exit 65) unless --skip-bad, so the model never learns
 * from half a batch by accident. The model is read and written back under
 * an exclusive lock on MODEL.lock, so two trainers never lose each other's
 * update; the write itself is atomic.
 */
#include <sys/stat.h>

#include <cblas.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
#include "reinforce.h"
#include "train_run.h"
#include "walk.h"

#define DIVERGENCE_WARNING_EPOCHS 20
/* Rows per forward/backward pass: activations of a chunk stay in cache. */
#ifndef CHUNK_ROWS
#define CHUNK_ROWS 2048
#endif

void
train_defaults(struct train_options *o)
{
	memset(o, 0, sizeof *o);
	o->hidden[0] = o->hidden[1] = 64;
	o->n_hidden = 2;
	o->actions = 5;
	o->epochs = 1;
	o->lr = 1e-3;
	o->gamma = 0.99;
	o->entropy = 0.01;
	o->clip = 5.0;
	o->optimizer = OPT_ADAM;
	o->normalize = 1;
	o->threads = 1;
}

/* All episodes, concatenated: row r of the data belongs to one episode. */
struct dataset {
	struct episode *ep;
	size_t n_ep, cap_ep;
	size_t *first;		/* first row of each episode */
	size_t rows;
	int features;
	float *states;
	int32_t *actions;
	float *adv;
	double return_sum;	/* sum over episodes of their total reward */
};

static void
collect_inputs(char *const *paths, int n, struct path_set *files, int *missing)
{
	struct stat st;
	int i;

	for (i = 0; i < n; i++) {
		if (stat(paths[i], &st) < 0) {
			warnmsg("%s: %s", paths[i], strerror(errno));
			*missing = 1;
		} else if (S_ISDIR(st.st_mode)) {
			walk_files(paths[i], experience_wanted, files);
		} else if (experience_wanted(paths[i])) {
			if (files->n == files->cap) {
				files->cap = files->cap ? files->cap * 2 : 64;
				files->v = xreallocarray(files->v, files->cap,
				    sizeof files->v[0]);
			}
			files->v[files->n++] = xstrdup(paths[i]);
		} else {
			warnmsg("%s: not read: a half-written *.tmp.npz or not an .npz",
			    paths[i]);
		}
	}
}

/* Read every file; returns how many were bad (each reported). */
static size_t
read_episodes(const struct path_set *files, int features, int actions,
	      const struct train_options *o, struct dataset *d)
{
	struct strbuf why = { 0 };
	size_t i, bad = 0;

	d->ep = xcalloc(files->n ? files->n : 1, sizeof d->ep[0]);
	d->features = features;
	for (i = 0; i < files->n; i++) {
		struct episode e;

		sb_reset(&why);
		if (experience_read(files->v[i], d->features, actions, &e, &why) < 0) {
			warnmsg("%s: %s", files->v[i], why.data);
			if (o->quarantine && move_into(o->quarantine, files->v[i],
			    why.data) < 0)
				warnmsg("%s: cannot move into %s: %s", files->v[i],
				    o->quarantine, strerror(errno));
			bad++;
			continue;
		}
		/* Without a model, the first good file says how wide states are. */
		d->features = e.features;
		d->ep[d->n_ep++] = e;
	}
	sb_free(&why);
	return bad;
}

static void
build_dataset(struct dataset *d, const struct train_options *o)
{
	size_t i, r = 0, t;

	d->first = xcalloc(d->n_ep + 1, sizeof d->first[0]);
	for (i = 0; i < d->n_ep; i++) {
		d->first[i] = d->rows;
		d->rows += d->ep[i].steps;
	}
	d->first[d->n_ep] = d->rows;
	d->states = xmalloc(d->rows * (size_t)d->features * sizeof(float) + 1);
	d->actions = xmalloc(d->rows * sizeof(int32_t) + 1);
	d->adv = xmalloc(d->rows * sizeof(float) + 1);
	for (i = 0; i < d->n_ep; i++) {
		struct episode *e = &d->ep[i];
		double *adv = xmalloc(e->steps * sizeof(double));

		reinforce_advantages(e->rewards, e->steps, o->gamma, o->normalize, adv);
		memcpy(d->states + r * (size_t)d->features, e->states,
		    e->steps * (size_t)d->features * sizeof(float));
		memcpy(d->actions + r, e->actions, e->steps * sizeof(int32_t));
		for (t = 0; t < e->steps; t++) {
			d->adv[r + t] = (float)adv[t];
			d->return_sum += e->rewards[t];
		}
		free(adv);
		r += e->steps;
		episode_free(e);
	}
}

static void
dataset_free(struct dataset *d)
{
	size_t i;

	for (i = 0; i < d->n_ep; i++)
		episode_free(&d->ep[i]);
	free(d->ep);
	free(d->first);
	free(d->states);
	free(d->actions);
	free(d->adv);
}

/* The rows of one step: the whole data set, or a batch of episodes copied together. */
struct batch {
	const float *states;
	const int32_t *actions;
	const float *adv;
	size_t rows;
	float *own_states;
	int32_t *own_actions;
	float *own_adv;
};

static void
gather(struct batch *b, const struct dataset *d, const size_t *order, size_t n)
{
	size_t i, r = 0, f = (size_t)d->features;

	for (i = 0; i < n; i++) {
		size_t e = order[i], from = d->first[e], len = d->first[e + 1] - from;

		memcpy(b->own_states + r * f, d->states + from * f, len * f * sizeof(float));
		memcpy(b->own_actions + r, d->actions + from, len * sizeof(int32_t));
		memcpy(b->own_adv + r, d->adv + from, len * sizeof(float));
		r += len;
	}
	b->states = b->own_states;
	b->actions = b->own_actions;
	b->adv = b->own_adv;
	b->rows = r;
}

struct trainer {
	struct model *m;
	struct policy_work w;
	struct optim opt;
	double *grad;
	double clip, entropy;
};

/* One update on a batch, chunk by chunk; returns the loss before it. */
static double
train_step(struct trainer *tr, const struct batch *b)
{
	const struct policy *net = &tr->m->net;
	int actions = net->width[net->n_layers];
	size_t f = (size_t)net->width[0], r, n, i;
	double loss = 0, scale = 1.0 / (double)b->rows;

	policy_load_weights(net, &tr->w);
	for (r = 0; r < b->rows; r += n) {
		float *logits;

		n = b->rows - r < tr->w.max_rows ? b->rows - r : tr->w.max_rows;
		logits = policy_forward(net, &tr->w, b->states + r * f, n);
		loss += reinforce_loss(logits, n, actions, b->actions + r,
		    b->adv + r, tr->entropy, logits, scale);
		policy_backward(net, &tr->w, b->states + r * f, n, r > 0);
	}
	loss *= scale;
	for (i = 0; i < net->n_params; i++)
		tr->grad[i] = tr->w.grad[i];
	optim_clip(tr->grad, net->n_params, tr->clip);
	optim_step(&tr->opt, tr->m->net.params, tr->grad);
	tr->m->optim_step = tr->opt.step;
	return loss;
}

/* The loss over the whole data set at the current weights, in chunks. */
static double
full_loss(struct trainer *tr, const struct dataset *d)
{
	const struct policy *net = &tr->m->net;
	int actions = net->width[net->n_layers];
	double total = 0;
	size_t r, n;

	policy_load_weights(net, &tr->w);
	for (r = 0; r < d->rows; r += n) {
		float *logits;

		n = d->rows - r < tr->w.max_rows ? d->rows - r : tr->w.max_rows;
		logits = policy_forward(net, &tr->w, d->states + r * (size_t)d->features, n);
		total += reinforce_loss(logits, n, actions, d->actions + r, d->adv + r,
		    tr->entropy, NULL, 0);
	}
	return total / (double)d->rows;
}

struct outcome {
	double loss_before, loss_after;
	int64_t steps;
};

static void
train(struct model *m, const struct dataset *d, const struct train_options *o,
      struct outcome *out)
{
	size_t per = o->batch_episodes && o->batch_episodes < d->n_ep ?
	    o->batch_episodes : d->n_ep;
	size_t *order = xmalloc(d->n_ep * sizeof order[0]);
	size_t max_rows = 0, i, k;
	struct batch b = { 0 };
	struct trainer tr;
	uint64_t rng = o->seed;
	int epoch, full = per == d->n_ep;

	for (i = 0; i < d->n_ep; i++)
		order[i] = i;
	if (full) {
		max_rows = d->rows;
	} else {
		/* The largest rows any batch of `per` episodes can have. */
		size_t *len = xmalloc(d->n_ep * sizeof len[0]);

		for (i = 0; i < d->n_ep; i++)
			len[i] = d->first[i + 1] - d->first[i];
		for (i = 0; i < per; i++) {
			size_t best = i;

			for (k = i + 1; k < d->n_ep; k++)
				if (len[k] > len[best])
					best = k;
			max_rows += len[best];
			len[best] = len[i];
		}
		free(len);
		b.own_states = xmalloc(max_rows * (size_t)d->features * sizeof(float));
		b.own_actions = xmalloc(max_rows * sizeof(int32_t));
		b.own_adv = xmalloc(max_rows * sizeof(float));
	}
	memset(&tr, 0, sizeof tr);
	tr.m = m;
	tr.clip = o->clip;
	tr.entropy = o->entropy;
	tr.grad = xmalloc(m->net.n_params * sizeof(double));
	policy_work_init(&tr.w, &m->net, max_rows < CHUNK_ROWS ? max_rows : CHUNK_ROWS);
	optim_init(&tr.opt, o->optimizer, o->lr, m->net.n_params, m->adam_m,
	    m->adam_v, m->optim_step);

	out->steps = 0;
	/* A full batch's first step measures the loss before training; batches do not. */
	if (!full)
		out->loss_before = full_loss(&tr, d);
	for (epoch = 0; epoch < o->epochs; epoch++) {
		if (!full)
			for (i = d->n_ep; i > 1; i--) {
				size_t j = splitmix64(&rng) % i, t = order[i - 1];

				order[i - 1] = order[j];
				order[j] = t;
			}
		for (i = 0; i < d->n_ep; i += per) {
			double loss;

			if (full) {
				b.states = d->states;
				b.actions = d->actions;
				b.adv = d->adv;
				b.rows = d->rows;
			} else {
				gather(&b, d, order + i, d->n_ep - i < per ? d->n_ep - i : per);
			}
			loss = train_step(&tr, &b);
			/* A full batch's first loss is the loss before training. */
			if (epoch == 0 && i == 0 && full)
				out->loss_before = loss;
			out->steps++;
		}
		if (o->progress)
			fprintf(stderr, "\r\033[K%s: epoch %d/%d", progname, epoch + 1,
			    o->epochs);
	}
	if (o->progress)
		fputs("\r\033[K", stderr);
	out->loss_after = full_loss(&tr, d);
	free(order);
	free(tr.grad);
	free(b.own_states);
	free(b.own_actions);
	free(b.own_adv);
	policy_work_free(&tr.w);
}

static void
report(const struct train_options *o, const struct dataset *d,
       const struct outcome *r, size_t skipped, double seconds, const char *written)
{
	double mean_return = d->n_ep ? d->return_sum / (double)d->n_ep : 0;
	struct strbuf sb = { 0 };

	if (o->json) {
		sb_printf(&sb, "{\"episodes\": %zu, \"steps\": %zu, \"epochs\": %d, "
		    "\"updates\": %lld, \"skipped\": %zu, \"loss_before\": ",
		    d->n_ep, d->rows, o->epochs, (long long)r->steps, skipped);
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
		    d->n_ep, d->rows, o->epochs, o->epochs == 1 ? "" : "s",
		    r->loss_before, r->loss_after, mean_return, seconds, written);
	}
	fwrite(sb.data, 1, sb.len, stdout);
	sb_free(&sb);
}

int
train_run(char *const *paths, int n_paths, const struct train_options *o)
{
	struct path_set files = { NULL, 0, 0 };
	struct dataset d;
	struct model m, base;
	struct outcome result = { 0, 0, 0 };
	struct strbuf why = { 0 };
	char base_md5[MD5_HEX_SIZE] = "";
	int missing = 0, lock = -1, status = 0, have_model;
	size_t bad;
	double t0 = monotonic_seconds();

	memset(&d, 0, sizeof d);
	memset(&base, 0, sizeof base);
	openblas_set_num_threads(o->threads);
	if (o->epochs > DIVERGENCE_WARNING_EPOCHS)
		warnmsg("warning: %d epochs on one batch: REINFORCE on fixed data "
		    "drifts and diverges; see policy-train(1)", o->epochs);
	collect_inputs(paths, n_paths, &files, &missing);
	if (missing) {
		path_set_free(&files);
		return EX_NOINPUT;
	}
	if (files.n == 0) {
		warnmsg("no experience files to train on");
		return EX_NOINPUT;
	}
	/* Read-modify-write of the model happens under its lock. */
	if (o->out == NULL) {
		if ((lock = lock_file(o->model)) < 0)
			die(EX_IOERR, "%s.lock: %s", o->model, strerror(errno));
		atomic_remove_stale(o->model);
	}

	have_model = access(o->model, F_OK) == 0;
	if (have_model && o->init) {
		warnmsg("%s: exists; --init would overwrite it", o->model);
		status = EX_USAGE;
		goto out;
	}
	if (!have_model && !o->init) {
		warnmsg("%s: %s (give --init to create it)", o->model, strerror(ENOENT));
		status = EX_NOINPUT;
		goto out;
	}
	if (have_model && model_read(o->model, &m, &why) < 0) {
		warnmsg("%s: %s", o->model, why.data);
		status = EX_DATAERR;
		goto out;
	}
	bad = read_episodes(&files, have_model ? m.net.width[0] : 0,
	    have_model ? m.net.width[m.net.n_layers] : o->actions, o, &d);
	if ((bad && !o->skip_bad) || d.n_ep == 0) {
		if (bad && !o->skip_bad)
			warnmsg("%zu bad experience file%s: nothing trained, %s "
			    "untouched (--skip-bad trains on the rest)", bad,
			    bad == 1 ? "" : "s", o->model);
		else
			warnmsg("no usable experience files: nothing trained");
		status = EX_DATAERR;
		if (have_model)
			model_free(&m);
		goto out;
	}
	if (!have_model) {
		int width[POLICY_MAX_LAYERS + 1], i;

		width[0] = d.features;
		for (i = 0; i < o->n_hidden; i++)
			width[i + 1] = o->hidden[i];
		width[o->n_hidden + 1] = o->actions;
		model_create(&m, o->n_hidden + 1, width, o->seed);
	}
	if (o->out) {
		/* A candidate records where it started: merge-results adds its change. */
		model_create(&base, m.net.n_layers, m.net.width, 0);
		memcpy(base.net.params, m.net.params, m.net.n_params * sizeof(double));
		if (have_model)
			md5_file(o->model, base_md5);
	}
	build_dataset(&d, o);
	train(&m, &d, o, &result);
	m.episode_count += (int64_t)d.n_ep;
	{
		struct candidate_info c = { &base, base_md5, (int64_t)d.n_ep, result.steps };
		const char *target = o->out ? o->out : o->model;

		if (model_write(&m, target, o->out ? &c : NULL, &why) < 0) {
			warnmsg("%s: cannot write: %s", target, why.data);
			status = EX_IOERR;
		} else {
			report(o, &d, &result, bad, monotonic_seconds() - t0, target);
			if (fflush(stdout) != 0)
				status = EX_IOERR;
		}
	}
	model_free(&m);
	model_free(&base);
out:
	unlock_file(lock);
	dataset_free(&d);
	path_set_free(&files);
	sb_free(&why);
	return status;
}
