/* reinforce.h - REINFORCE: returns, advantages, loss and its gradient */
#ifndef REINFORCE_H
#define REINFORCE_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"

/*
 * Advantages of one episode of t steps (specs/reinforce.md): returns
 * G_t = r_t + gamma G_{t+1}, A = G - mean(G), then, if normalising and
 * t > 1, (A - mean(A)) / (population std(A) + 1e-8). In float64.
 */
void reinforce_advantages(const double *rewards, size_t t, double gamma,
			  int normalize, double *adv);

/* The constants of the loss, and what it measures of the ratios it used. */
struct loss_coefs {
	double entropy;		/* c, the entropy bonus */
	double max_ratio;	/* rho's truncation */
};

struct ratio_stats {
	double sum;		/* of rho over off-policy rows (after truncation) */
	double max;		/* the largest pi/mu, before truncation */
	size_t rows;		/* off-policy rows */
};

/*
 * The loss of n rows of logits (n x actions): returns the sum over rows of
 *   -rho_t A_t log pi(a_t|s_t) - c H(pi(.|s_t)),
 * rho_t = min(pi(a_t|s_t) / mu_t, max_ratio) for a row whose mu_t > 0, 1
 * for a row whose mu_t is 0 (on-policy) and for every row when mu is NULL;
 * rho is a constant for the gradient. In float64; the batch loss is that
 * sum over all its rows divided by their number N. When dlogits is not
 * NULL it receives grad_scale (1/N) times the gradient of the sum (it may
 * be the logits array itself), and rs (when not NULL) the ratios used. At
 * most POLICY_MAX_ACTIONS actions.
 */
double reinforce_loss(const float *logits, size_t n, int actions,
		      const int32_t *action, const float *adv, const float *mu,
		      const struct loss_coefs *c, float *dlogits, double grad_scale,
		      struct ratio_stats *rs);

/* What the summary says of a policy over a run's states (sums; counts). */
struct policy_view {
	size_t rows;
	double entropy;			/* sum of H(pi(.|s)) */
	double kl;			/* sum of KL(before || pi) */
	int64_t greedy[POLICY_MAX_ACTIONS];	/* rows whose argmax is each action */
};

/*
 * Look at n rows of logits: entropy, greedy action and, with before (n x
 * actions log-probabilities of the policy at the start), the KL divergence
 * from it, added into v; the rows' log-probabilities into logp when not
 * NULL (what a later view compares with).
 */
void reinforce_view(const float *logits, size_t n, int actions,
		    const double *before, double *logp, struct policy_view *v);

#endif
