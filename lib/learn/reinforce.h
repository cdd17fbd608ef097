/* reinforce.h - REINFORCE: returns, advantages, loss and its gradient */
#ifndef REINFORCE_H
#define REINFORCE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Advantages of one episode of t steps (specs/reinforce.md): returns
 * G_t = r_t + gamma G_{t+1}, A = G - mean(G), then, if normalising and
 * t > 1, (A - mean(A)) / (population std(A) + 1e-8). In float64.
 */
void reinforce_advantages(const double *rewards, size_t t, double gamma,
			  int normalize, double *adv);

/*
 * The loss of n rows of logits (n x actions): returns the sum over rows of
 *   -A_t log pi(a_t|s_t) - c H(pi(.|s_t)),
 * in float64; the batch loss is that sum over all its rows divided by their
 * number N. When dlogits is not NULL it receives grad_scale (1/N) times the
 * gradient of the sum (it may be the logits array itself). At most
 * POLICY_MAX_ACTIONS actions.
 */
double reinforce_loss(const float *logits, size_t n, int actions,
		      const int32_t *action, const float *adv, double entropy_coef,
		      float *dlogits, double grad_scale);

#endif
