/* optim.c - gradient clipping, Adam and SGD over a flat parameter vector */
#include <math.h>
#include "optim.h"

void
optim_init(struct optim *o, enum optimizer kind, double lr, size_t n,
	   double *m, double *v, int64_t step)
{
	o->kind = kind;
	o->lr = lr;
	o->beta1 = 0.9;
	o->beta2 = 0.999;
	o->eps = 1e-8;
	o->step = step;
	o->n = n;
	o->m = m;
	o->v = v;
}

double
optim_clip(double *g, size_t n, double max_norm)
{
	double sq = 0, norm, factor;
	size_t i;

	for (i = 0; i < n; i++)
		sq += g[i] * g[i];
	norm = sqrt(sq);
	factor = max_norm / (norm + 1e-6);
	if (factor < 1)
		for (i = 0; i < n; i++)
			g[i] *= factor;
	return norm;
}

void
optim_step(struct optim *o, double *params, const double *g)
{
	double c1, c2;
	size_t i;

	o->step++;
	if (o->kind == OPT_SGD) {
		for (i = 0; i < o->n; i++)
			params[i] -= o->lr * g[i];
		return;
	}
	/* Bias-corrected as PyTorch does: lr/c1 * m / (sqrt(v)/sqrt(c2) + eps). */
	c1 = 1 - pow(o->beta1, (double)o->step);
	c2 = 1 - pow(o->beta2, (double)o->step);
	for (i = 0; i < o->n; i++) {
		o->m[i] = o->beta1 * o->m[i] + (1 - o->beta1) * g[i];
		o->v[i] = o->beta2 * o->v[i] + (1 - o->beta2) * g[i] * g[i];
		params[i] -= o->lr / c1 * o->m[i] / (sqrt(o->v[i]) / sqrt(c2) + o->eps);
	}
}
