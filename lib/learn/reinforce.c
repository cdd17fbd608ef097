/*
 * reinforce.c - REINFORCE: returns, advantages, loss and its gradient
 *
 * The output layer's gradient in closed form, per row, with p = softmax(z):
 *   d/dz_j [-A log p_a] = -A (1[j = a] - p_j)
 *   d/dz_j [-c H]       =  c p_j (log p_j + H),   H = -sum_k p_k log p_k
 * The sign matters: the tool this replaces climbed the loss instead.
 */
#include <math.h>

#include "layout.h"
#include "reinforce.h"

void
reinforce_advantages(const double *rewards, size_t t, double gamma,
		     int normalize, double *adv)
{
	double run = 0, mean = 0, var = 0;
	size_t i;

	for (i = t; i-- > 0;) {
		run = rewards[i] + gamma * run;
		adv[i] = run;
	}
	for (i = 0; i < t; i++)
		mean += adv[i];
	mean /= (double)t;
	for (i = 0; i < t; i++)
		adv[i] -= mean;
	if (!normalize || t < 2)
		return;
	mean = 0;
	for (i = 0; i < t; i++)
		mean += adv[i];
	mean /= (double)t;
	for (i = 0; i < t; i++)
		var += (adv[i] - mean) * (adv[i] - mean);
	var /= (double)t;
	for (i = 0; i < t; i++)
		adv[i] = (adv[i] - mean) / (sqrt(var) + 1e-8);
}

double
reinforce_loss(const float *logits, size_t n, int actions, const int32_t *action,
	       const float *adv, double entropy_coef, float *dlogits,
	       double grad_scale)
{
	double total = 0;
	size_t r;
	int j;

	if (actions < 1 || actions > POLICY_MAX_ACTIONS)
		return NAN;
	for (r = 0; r < n; r++) {
		const float *z = logits + r * (size_t)actions;
		double logp[POLICY_MAX_ACTIONS], p[POLICY_MAX_ACTIONS], zmax = z[0], sum = 0,
		    lse, entropy = 0;

		for (j = 1; j < actions; j++)
			if (z[j] > zmax)
				zmax = z[j];
		for (j = 0; j < actions; j++)
			sum += exp((double)z[j] - zmax);
		lse = zmax + log(sum);
		for (j = 0; j < actions; j++) {
			logp[j] = (double)z[j] - lse;
			p[j] = exp(logp[j]);
			entropy -= p[j] * logp[j];
		}
		/* Actions were checked against the range when the file was read. */
		total += -(double)adv[r] * logp[action[r] % actions] -
		    entropy_coef * entropy;
		if (dlogits == NULL)
			continue;
		for (j = 0; j < actions; j++) {
			double g = -(double)adv[r] * ((j == action[r]) - p[j]) +
			    entropy_coef * p[j] * (logp[j] + entropy);

			dlogits[r * (size_t)actions + j] = (float)(g * grad_scale);
		}
	}
	return total;
}
