/*
 * policy.c - the policy network: an MLP, ReLU between layers, softmax out
 *
 * Plain forward and backward passes per layer, on cblas_sgemm. The layer
 * loop keeps every activation for the backward pass; ReLU's derivative is
 * read from the activation itself (h > 0), so no mask is stored.
 */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "policy.h"

static int
max_width(const struct policy *p)
{
	int i, m = 0;

	for (i = 0; i <= p->n_layers; i++)
		if (p->width[i] > m)
			m = p->width[i];
	return m;
}

void
policy_work_init(struct policy_work *w, const struct policy *p, size_t max_rows)
{
	size_t wide = (size_t)max_width(p) * max_rows, i;
	int l;

	memset(w, 0, sizeof *w);
	w->max_rows = max_rows;
	w->params = xcalloc(p->n_params, sizeof(float));
	w->grad = xcalloc(p->n_params, sizeof(float));
	for (l = 1; l <= p->n_layers; l++)
		w->act[l] = xcalloc(max_rows * (size_t)p->width[l], sizeof(float));
	w->delta = xcalloc(wide, sizeof(float));
	w->delta_prev = xcalloc(wide, sizeof(float));
	w->ones = xmalloc(max_rows * sizeof(float) + 1);
	for (i = 0; i < max_rows; i++)
		w->ones[i] = 1.0f;
}

void
policy_work_free(struct policy_work *w)
{
	int l;

	free(w->params);
	free(w->grad);
	for (l = 0; l <= POLICY_MAX_LAYERS; l++)
		free(w->act[l]);
	free(w->delta);
	free(w->delta_prev);
	free(w->ones);
	memset(w, 0, sizeof *w);
}

void
policy_load_weights(const struct policy *p, struct policy_work *w)
{
	size_t i;

	for (i = 0; i < p->n_params; i++)
		w->params[i] = (float)p->params[i];
}

float *
policy_forward(const struct policy *p, struct policy_work *w, const float *x,
	       size_t n)
{
	const float *in = x;
	int l, last = p->n_layers - 1;

	for (l = 0; l < p->n_layers; l++) {
		int k = p->width[l], m = p->width[l + 1];
		const float *W = w->params + p->w_off[l];
		const float *b = w->params + p->b_off[l];
		float *out = w->act[l + 1];
		size_t r;
		int j;

		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, m, k,
		    1.0f, in, k, W, m, 0.0f, out, m);
		/* Bias and ReLU in one pass over the output, while it is in cache. */
		if (l == last) {
			for (r = 0; r < n; r++) {
				float *row = out + r * (size_t)m;

				for (j = 0; j < m; j++)
					row[j] += b[j];
			}
		} else {
			for (r = 0; r < n; r++) {
				float *row = out + r * (size_t)m;

				for (j = 0; j < m; j++) {
					float v = row[j] + b[j];

					row[j] = v > 0.0f ? v : 0.0f;
				}
			}
		}
		in = out;
	}
	return w->act[p->n_layers];
}

void
policy_backward(const struct policy *p, struct policy_work *w, const float *x,
		size_t n, int accumulate)
{
	float beta = accumulate ? 1.0f : 0.0f;
	float *delta = w->act[p->n_layers];	/* dL/dz of the last layer */
	int l;

	for (l = p->n_layers - 1; l >= 0; l--) {
		int k = p->width[l], m = p->width[l + 1];
		const float *in = l ? w->act[l] : x;
		float *gW = w->grad + p->w_off[l], *gb = w->grad + p->b_off[l];
		const float *W = w->params + p->w_off[l];

		/* dW = in^T delta, db = column sums of delta. */
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, m, (int)n,
		    1.0f, in, k, delta, m, beta, gW, m);
		cblas_sgemv(CblasRowMajor, CblasTrans, (int)n, m, 1.0f, delta, m,
		    w->ones, 1, beta, gb, 1);
		if (l == 0)
			break;
		/* d(in) = delta W^T, through ReLU: zero where the unit was off. */
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, k, m,
		    1.0f, delta, m, W, m, 0.0f, w->delta_prev, k);
		{
			size_t i, total = n * (size_t)k;
			float *d = w->delta_prev;

			for (i = 0; i < total; i++)
				d[i] = in[i] > 0.0f ? d[i] : 0.0f;
		}
		delta = w->delta_prev;
		w->delta_prev = w->delta;
		w->delta = delta;
	}
}
