/*
 * trainer.c - the numeric core of policy-train: episodes, steps, epochs
 *
 * Apart from the run (train_run.c: files, locks, the model on disk) so that
 * test_reinforce drives these very functions against PyTorch's numbers, as
 * llm.c's test drives its trainer. The chunk size is a parameter for the
 * same reason: the test makes it small, so that the gradient summed over
 * several chunks (and a last, partial one) is checked too.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "die.h"
#include "progress.h"
#include "reinforce.h"
#include "trainer.h"

void
train_params_defaults(struct train_params *p)
{
	memset(p, 0, sizeof *p);
	p->epochs = 1;
	p->lr = 1e-3;
	p->gamma = 0.99;
	p->entropy = 0.01;
	p->clip = 5.0;
	p->behavior = BEHAVIOR_AUTO;
	p->max_ratio = 5.0;
	p->optimizer = OPT_ADAM;
	p->normalize = 1;
	p->chunk_rows = TRAIN_CHUNK_ROWS;
}

void
dataset_add(struct dataset *d, struct episode *e)
{
	if (d->n_ep == d->cap_ep) {
		d->cap_ep = d->cap_ep ? d->cap_ep * 2 : 64;
		d->ep = xreallocarray(d->ep, d->cap_ep, sizeof d->ep[0]);
	}
	d->features = e->features;
	d->ep[d->n_ep++] = *e;
	memset(e, 0, sizeof *e);
}

/* Whether e is trained off-policy under behavior: whence its mu. */
static int
off_policy(const struct episode *e, enum behavior behavior)
{
	if (behavior == BEHAVIOR_NONE)
		return 0;
	return e->behavior != NULL || behavior == BEHAVIOR_UNIFORM;
}

void
dataset_build(struct dataset *d, const struct train_params *p, int actions)
{
	size_t i, r = 0, t, off = 0;

	d->n_actions = actions;
	d->first = xcalloc(d->n_ep + 1, sizeof d->first[0]);
	for (i = 0; i < d->n_ep; i++) {
		d->first[i] = d->rows;
		d->rows += d->ep[i].steps;
		off += (size_t)off_policy(&d->ep[i], p->behavior);
	}
	d->first[d->n_ep] = d->rows;
	d->states = xmalloc(d->rows * (size_t)d->features * sizeof(float) + 1);
	d->actions = xmalloc(d->rows * sizeof(int32_t) + 1);
	d->adv = xmalloc(d->rows * sizeof(float) + 1);
	/* All on-policy: no ratios at all, the update of the spec's first part. */
	if (off > 0)
		d->mu = xmalloc(d->rows * sizeof(float) + 1);
	for (i = 0; i < d->n_ep; i++) {
		struct episode *e = &d->ep[i];
		double *adv = xmalloc(e->steps * sizeof(double));
		int offp = off_policy(e, p->behavior);

		reinforce_advantages(e->rewards, e->steps, p->gamma, p->normalize, adv);
		memcpy(d->states + r * (size_t)d->features, e->states,
		    e->steps * (size_t)d->features * sizeof(float));
		memcpy(d->actions + r, e->actions, e->steps * sizeof(int32_t));
		for (t = 0; t < e->steps; t++) {
			d->adv[r + t] = (float)adv[t];
			d->return_sum += e->rewards[t];
			if (d->mu != NULL)
				d->mu[r + t] = !offp ? 0.0f : e->behavior != NULL ?
				    e->behavior[t] : 1.0f / (float)actions;
		}
		d->on_policy += (size_t)!offp;
		d->off_rows += offp ? e->steps : 0;
		d->won += e->rewards[e->steps - 1] > 0;
		d->nonfinite += e->nonfinite;
		free(adv);
		r += e->steps;
		episode_free(e);
	}
}

void
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
	free(d->mu);
	memset(d, 0, sizeof *d);
}

void
dataset_batch(const struct dataset *d, struct batch *b)
{
	b->states = d->states;
	b->actions = d->actions;
	b->adv = d->adv;
	b->mu = d->mu;
	b->rows = d->rows;
}

static void
gather(struct batch *b, const struct dataset *d, const size_t *order, size_t n)
{
	size_t i, r = 0, f = (size_t)d->features;

	for (i = 0; i < n; i++) {
		size_t e = order[i], from = d->first[e], len = d->first[e + 1] - from;

		memcpy(b->own_states + r * f, d->states + from * f, len * f * sizeof(float));
		memcpy(b->own_actions + r, d->actions + from, len * sizeof(int32_t));
		memcpy(b->own_adv + r, d->adv + from, len * sizeof(float));
		if (d->mu != NULL)
			memcpy(b->own_mu + r, d->mu + from, len * sizeof(float));
		r += len;
	}
	b->states = b->own_states;
	b->actions = b->own_actions;
	b->adv = b->own_adv;
	b->mu = d->mu != NULL ? b->own_mu : NULL;
	b->rows = r;
}

void
trainer_init(struct trainer *tr, struct model *m, size_t max_rows,
	     const struct train_params *p)
{
	size_t chunk = p->chunk_rows ? p->chunk_rows : TRAIN_CHUNK_ROWS;

	memset(tr, 0, sizeof *tr);
	tr->m = m;
	tr->clip = p->clip;
	tr->coefs.entropy = p->entropy;
	tr->coefs.max_ratio = p->max_ratio;
	tr->grad = xmalloc(m->net.n_params * sizeof(double));
	policy_work_init(&tr->w, &m->net, max_rows < chunk ? max_rows : chunk);
	optim_init(&tr->opt, p->optimizer, p->lr, m->net.n_params, m->adam_m,
	    m->adam_v, m->optim_step);
}

void
trainer_free(struct trainer *tr)
{
	free(tr->grad);
	policy_work_free(&tr->w);
	memset(tr, 0, sizeof *tr);
}

double
trainer_gradient(struct trainer *tr, const struct batch *b)
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
		if (tr->record != NULL)
			reinforce_view(logits, n, actions, NULL,
			    tr->record + r * (size_t)actions, tr->record_view);
		loss += reinforce_loss(logits, n, actions, b->actions + r,
		    b->adv + r, b->mu ? b->mu + r : NULL, &tr->coefs, logits, scale,
		    &tr->ratios);
		policy_backward(net, &tr->w, b->states + r * f, n, r > 0);
	}
	tr->record = NULL;
	for (i = 0; i < net->n_params; i++)
		tr->grad[i] = tr->w.grad[i];
	return loss * scale;
}

void
trainer_update(struct trainer *tr)
{
	double norm = optim_clip(tr->grad, tr->m->net.n_params, tr->clip);

	tr->norm_sum += norm;
	if (norm > tr->norm_max)
		tr->norm_max = norm;
	optim_step(&tr->opt, tr->m->net.params, tr->grad);
	tr->m->optim_step = tr->opt.step;
}

double
trainer_evaluate(struct trainer *tr, const struct dataset *d, const double *before,
		 double *logp, struct policy_view *v)
{
	const struct policy *net = &tr->m->net;
	int actions = net->width[net->n_layers];
	double total = 0;
	size_t r, n, a = (size_t)actions;

	policy_load_weights(net, &tr->w);
	for (r = 0; r < d->rows; r += n) {
		float *logits;

		n = d->rows - r < tr->w.max_rows ? d->rows - r : tr->w.max_rows;
		logits = policy_forward(net, &tr->w, d->states + r * (size_t)d->features, n);
		total += reinforce_loss(logits, n, actions, d->actions + r, d->adv + r,
		    d->mu ? d->mu + r : NULL, &tr->coefs, NULL, 0, NULL);
		reinforce_view(logits, n, actions, before ? before + r * a : NULL,
		    logp ? logp + r * a : NULL, v);
	}
	return total / (double)d->rows;
}

/* The most rows any batch of `per` episodes can have: the longest `per`. */
static size_t
largest_batch(const struct dataset *d, size_t per)
{
	size_t *len = xmalloc(d->n_ep * sizeof len[0]);
	size_t i, k, rows = 0;

	for (i = 0; i < d->n_ep; i++)
		len[i] = d->first[i + 1] - d->first[i];
	for (i = 0; i < per; i++) {
		size_t best = i;

		for (k = i + 1; k < d->n_ep; k++)
			if (len[k] > len[best])
				best = k;
		rows += len[best];
		len[best] = len[i];
	}
	free(len);
	return rows;
}

static void
shuffle(size_t *order, size_t n, uint64_t *rng)
{
	size_t i;

	for (i = n; i > 1; i--) {
		size_t j = splitmix64(rng) % i, t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
}

void
train(struct model *m, const struct dataset *d, const struct train_params *p,
      struct train_outcome *out)
{
	size_t per = p->batch_episodes && p->batch_episodes < d->n_ep ?
	    p->batch_episodes : d->n_ep;
	size_t *order = xmalloc(d->n_ep * sizeof order[0]);
	size_t max_rows = d->rows, i;
	int actions = m->net.width[m->net.n_layers];
	double *before = xmalloc(d->rows * (size_t)actions * sizeof(double) + 1);
	struct batch b = { 0 };
	struct trainer tr;
	struct progress meter;
	uint64_t rng = p->seed;
	int epoch, full = per == d->n_ep;

	for (i = 0; i < d->n_ep; i++)
		order[i] = i;
	if (full) {
		dataset_batch(d, &b);
	} else {
		max_rows = largest_batch(d, per);
		b.own_states = xmalloc(max_rows * (size_t)d->features * sizeof(float));
		b.own_actions = xmalloc(max_rows * sizeof(int32_t));
		b.own_adv = xmalloc(max_rows * sizeof(float));
		b.own_mu = xmalloc(max_rows * sizeof(float));
	}
	trainer_init(&tr, m, max_rows, p);

	memset(out, 0, sizeof *out);
	/*
	 * A full batch's first step sees the policy before training, in data
	 * order; batches do not, and take a pass of their own.
	 */
	if (full) {
		tr.record = before;
		tr.record_view = &out->before;
	} else {
		out->loss_before = trainer_evaluate(&tr, d, NULL, before, &out->before);
	}
	progress_start(&meter, p->progress, (size_t)p->epochs);
	for (epoch = 0; epoch < p->epochs; epoch++) {
		if (!full)
			shuffle(order, d->n_ep, &rng);
		for (i = 0; i < d->n_ep; i += per) {
			double loss;

			if (!full)
				gather(&b, d, order + i, d->n_ep - i < per ? d->n_ep - i : per);
			loss = trainer_gradient(&tr, &b);
			trainer_update(&tr);
			if (epoch == 0 && i == 0 && full)
				out->loss_before = loss;
			out->steps++;
		}
		progress_text(&meter, (size_t)epoch + 1, "epoch %d/%d", epoch + 1,
		    p->epochs);
	}
	progress_end(&meter);
	out->loss_after = trainer_evaluate(&tr, d, before, NULL, &out->after);
	out->ratios = tr.ratios;
	out->norm_mean = out->steps ? tr.norm_sum / (double)out->steps : 0;
	out->norm_max = tr.norm_max;
	free(before);
	free(order);
	free(b.own_states);
	free(b.own_actions);
	free(b.own_adv);
	free(b.own_mu);
	trainer_free(&tr);
}
