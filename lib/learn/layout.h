/* layout.h - the policy's shape: widths, the flat parameter vector, limits */
#ifndef LAYOUT_H
#define LAYOUT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The limits of a policy, stated once: what a model file may declare, what
 * --hidden and --actions accept, and what the loss's per-row arrays hold.
 */
#define POLICY_MAX_LAYERS 8
#define POLICY_MAX_WIDTH (1 << 20)
#define POLICY_MAX_ACTIONS 64

/*
 * Parameters live in one flat float64 array, W1 b1 W2 b2 ... WL bL, each W
 * row-major with a row per input (z = x @ W + b, as the bot computes), so
 * clipping and the optimiser treat them as one vector.
 */
struct policy {
	int n_layers;
	int width[POLICY_MAX_LAYERS + 1];	/* width[0] inputs, width[L] actions */
	size_t w_off[POLICY_MAX_LAYERS], b_off[POLICY_MAX_LAYERS];
	size_t n_params;
	double *params;
};

/* Lay out a network of the given widths (params zeroed). 0, or -1 if too deep. */
int policy_layout(struct policy *p, int n_layers, const int *width);
void policy_free(struct policy *p);
/* PyTorch's nn.Linear initialisation, U(-1/sqrt(fan_in), +1/sqrt(fan_in)), seeded. */
void policy_init_random(struct policy *p, uint64_t seed);

#endif
