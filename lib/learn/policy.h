/* policy.h - the policy network: an MLP, ReLU between layers, softmax out */
#ifndef POLICY_H
#define POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"

/*
 * Work space for forward and backward passes over up to max_rows rows, in
 * float32: the arithmetic runs on OpenBLAS sgemm, as PyTorch's float32 does;
 * the master weights stay float64. Callers pass batches in chunks of a few
 * thousand rows, so that the activations stay in cache between the matrix
 * products and the element-wise passes.
 */
struct policy_work {
	size_t max_rows;
	float *params;			/* float32 copy of the weights */
	float *grad;			/* float32 gradient, same layout */
	float *act[POLICY_MAX_LAYERS + 1];	/* act[i]: N x width[i]; act[0] unused */
	float *delta, *delta_prev;	/* N x max width, for the backward pass */
	float *ones;			/* N ones, for bias gradients */
};

void policy_work_init(struct policy_work *w, const struct policy *p, size_t max_rows);
void policy_work_free(struct policy_work *w);

/* Copy the float64 weights into the work space's float32 copy. */
void policy_load_weights(const struct policy *p, struct policy_work *w);
/* Logits for n rows of x (n x width[0]): returns w->act[L]. */
float *policy_forward(const struct policy *p, struct policy_work *w,
		      const float *x, size_t n);
/*
 * Given dL/dlogits in w->act[L] (overwritten), the gradient into w->grad:
 * stored, or added to what is there when accumulate is set (the rows of a
 * batch come through in chunks). x as in forward.
 */
void policy_backward(const struct policy *p, struct policy_work *w,
		     const float *x, size_t n, int accumulate);

#endif
