/*
 * layout.c - the policy's shape: widths, the flat parameter vector, limits
 *
 * Apart from the network's arithmetic (policy.c, on OpenBLAS) so that what
 * only reads, writes and adds models (model.c, merge-results) does not link
 * sgemm: a model file needs its shape, never its forward pass.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "die.h"
#include "layout.h"

int
policy_layout(struct policy *p, int n_layers, const int *width)
{
	size_t off = 0;
	int i;

	memset(p, 0, sizeof *p);
	if (n_layers < 1 || n_layers > POLICY_MAX_LAYERS)
		return -1;
	p->n_layers = n_layers;
	for (i = 0; i <= n_layers; i++)
		p->width[i] = width[i];
	for (i = 0; i < n_layers; i++) {
		p->w_off[i] = off;
		off += (size_t)width[i] * (size_t)width[i + 1];
		p->b_off[i] = off;
		off += (size_t)width[i + 1];
	}
	p->n_params = off;
	p->params = xcalloc(off, sizeof p->params[0]);
	return 0;
}

void
policy_free(struct policy *p)
{
	free(p->params);
	p->params = NULL;
}

void
policy_init_random(struct policy *p, uint64_t seed)
{
	uint64_t s = seed;
	int i;
	size_t k, n;

	for (i = 0; i < p->n_layers; i++) {
		double bound = 1.0 / sqrt((double)p->width[i]);

		n = (size_t)p->width[i] * (size_t)p->width[i + 1] + (size_t)p->width[i + 1];
		for (k = 0; k < n; k++) {
			double u = (double)(splitmix64(&s) >> 11) / 9007199254740992.0;

			p->params[p->w_off[i] + k] = (2 * u - 1) * bound;
		}
	}
}

