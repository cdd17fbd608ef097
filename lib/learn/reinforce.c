/*
 * reinforce.c - REINFORCE: returns, advantages, loss and its gradient
 *
 * The output layer's gradient in closed form, per row, with p = softmax(z):
 *   d/dz_j [-rho A log p_a] = -rho A (1[j = a] - p_j)   (rho a constant)
 *   d/dz_j [-c H]           =  c p_j (log p_j + H),   H = -sum_k p_k log p_k
 * The sign matters: the tool this replaces climbed the loss instead.
 *
 * Off-policy (the bot plays epsilon-greedily, at epsilon 1.0 uniformly at
 * random), each step is weighted by rho = min(pi(a|s) / mu, max_ratio):
 * the gradient of rho log pi is grad pi / mu, which vanishes as pi goes to
 * 0, where that of log pi alone keeps pushing a bad action's logit down;
 * that is why the off-policy update does not run away on a fixed batch as
 * the on-policy one does.
 */
#include <math.h>
#include <string.h>

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

/* log_softmax(z) of one row, in float64; returns the largest logit's index. */
static int
log_softmax(const float *z, int actions, double *logp)
{
	double zmax = z[0], sum = 0, lse;
	int j, best = 0;

	for (j = 1; j < actions; j++)
		if (z[j] > zmax) {
			zmax = z[j];
			best = j;
		}
	for (j = 0; j < actions; j++)
		sum += exp((double)z[j] - zmax);
	lse = zmax + log(sum);
	for (j = 0; j < actions; j++)
		logp[j] = (double)z[j] - lse;
	return best;
}

double
reinforce_loss(const float *logits, size_t n, int actions, const int32_t *action,
	       const float *adv, const float *mu, const struct loss_coefs *c,
	       float *dlogits, double grad_scale, struct ratio_stats *rs)
{
	double total = 0;
	size_t r;
	int j;

	if (actions < 1 || actions > POLICY_MAX_ACTIONS)
		return NAN;
	for (r = 0; r < n; r++) {
		double logp[POLICY_MAX_ACTIONS], p[POLICY_MAX_ACTIONS], entropy = 0,
		    weight = adv[r];
		/* Actions were checked against the range when the file was read. */
		int a = action[r] % actions;

		log_softmax(logits + r * (size_t)actions, actions, logp);
		for (j = 0; j < actions; j++) {
			p[j] = exp(logp[j]);
			entropy -= p[j] * logp[j];
		}
		if (mu != NULL && mu[r] > 0) {
			double ratio = p[a] / mu[r], rho = ratio < c->max_ratio ?
			    ratio : c->max_ratio;

			weight *= rho;
			if (rs != NULL) {
				rs->sum += rho;
				if (ratio > rs->max)
					rs->max = ratio;
				rs->rows++;
			}
		}
		total += -weight * logp[a] - c->entropy * entropy;
		if (dlogits == NULL)
			continue;
		for (j = 0; j < actions; j++) {
			double g = -weight * ((j == a) - p[j]) +
			    c->entropy * p[j] * (logp[j] + entropy);

			dlogits[r * (size_t)actions + j] = (float)(g * grad_scale);
		}
	}
	return total;
}

void
reinforce_view(const float *logits, size_t n, int actions, const double *before,
	       double *logp, struct policy_view *v)
{
	size_t r;
	int j;

	if (actions < 1 || actions > POLICY_MAX_ACTIONS)
		return;
	for (r = 0; r < n; r++) {
		double row[POLICY_MAX_ACTIONS], entropy = 0, kl = 0;
		const double *b = before ? before + r * (size_t)actions : NULL;

		v->greedy[log_softmax(logits + r * (size_t)actions, actions, row)]++;
		for (j = 0; j < actions; j++) {
			entropy -= exp(row[j]) * row[j];
			if (b != NULL)
				kl += exp(b[j]) * (b[j] - row[j]);
		}
		if (logp != NULL)
			memcpy(logp + r * (size_t)actions, row, sizeof(double) * (size_t)actions);
		v->entropy += entropy;
		v->kl += kl;
		v->rows++;
	}
}
