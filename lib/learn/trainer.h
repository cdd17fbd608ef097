/* trainer.h - the numeric core of policy-train: episodes, steps, epochs */
#ifndef TRAINER_H
#define TRAINER_H

#include <stddef.h>
#include <stdint.h>

#include "experience.h"
#include "model.h"
#include "optim.h"
#include "policy.h"
#include "reinforce.h"

/* Rows per forward/backward pass: the activations of a chunk stay in cache. */
#define TRAIN_CHUNK_ROWS 2048

/*
 * Where mu, the probability the behaviour gave each action, comes from
 * (specs/reinforce.md, "off-policy"), in the order of --behavior's words:
 * behavior_probs where a file has it, else on-policy (rho = 1); the same,
 * else uniform play (1 / actions); never (rho = 1 everywhere).
 */
enum behavior { BEHAVIOR_AUTO, BEHAVIOR_UNIFORM, BEHAVIOR_NONE };

/* How to train: everything of policy-train's options that is arithmetic. */
struct train_params {
	int epochs;
	size_t batch_episodes;		/* 0: full batch */
	uint64_t seed;			/* --init's weights and the shuffle */
	double lr, gamma, entropy, clip;
	enum behavior behavior;
	double max_ratio;		/* rho's truncation */
	enum optimizer optimizer;
	int normalize;
	size_t chunk_rows;		/* TRAIN_CHUNK_ROWS; tests make it small */
	int progress;			/* the epoch on a terminal */
};

void train_params_defaults(struct train_params *p);

/* All episodes, concatenated: row r of the data belongs to one episode. */
struct dataset {
	struct episode *ep;
	size_t n_ep, cap_ep;
	size_t *first;		/* first row of each episode */
	size_t rows;
	int features;
	float *states;
	int32_t *actions;
	float *adv;
	float *mu;		/* behaviour's probability per row, 0: on-policy; NULL: all are */
	int n_actions;		/* the policy's outputs */
	/* What the summary says of the data. */
	double return_sum;	/* sum over episodes of their total reward */
	size_t won;		/* episodes whose last reward is > 0 */
	size_t on_policy;	/* episodes trained with rho = 1 */
	size_t off_rows;	/* rows trained with rho from mu */
	size_t nonfinite;	/* state features read as 0 */
};

/* Take e (its arrays now belong to d) as the next episode. */
void dataset_add(struct dataset *d, struct episode *e);
/*
 * Rows, advantages (specs/reinforce.md) and each row's mu under
 * p->behavior, for a policy of the given actions, from the episodes added.
 */
void dataset_build(struct dataset *d, const struct train_params *p, int actions);
void dataset_free(struct dataset *d);

/* The rows of one step: the whole data set, or a batch of episodes copied together. */
struct batch {
	const float *states;
	const int32_t *actions;
	const float *adv;
	const float *mu;		/* NULL: every row on-policy */
	size_t rows;
	float *own_states;
	int32_t *own_actions;
	float *own_adv;
	float *own_mu;
};

/* The whole data set as one batch (nothing copied). */
void dataset_batch(const struct dataset *d, struct batch *b);

/* A model being trained: its work space, its optimiser, its gradient. */
struct trainer {
	struct model *m;
	struct policy_work w;		/* chunk_rows rows */
	struct optim opt;		/* state in m: resumes where m stopped */
	double *grad;			/* float64, before clipping until the update */
	double clip;
	struct loss_coefs coefs;
	/* What the run measures as it goes. */
	struct ratio_stats ratios;	/* over the rows of every step */
	double norm_sum, norm_max;	/* the gradient's norm before clipping */
	/*
	 * When set, the next gradient pass also records the log-probabilities
	 * of its rows into record (rows x actions) and looks at them in
	 * record_view: the policy as the run found it, at no extra forward pass.
	 */
	double *record;
	struct policy_view *record_view;
};

/* Ready to train m on batches of at most max_rows rows. */
void trainer_init(struct trainer *tr, struct model *m, size_t max_rows,
		  const struct train_params *p);
void trainer_free(struct trainer *tr);
/* The gradient of the batch's loss into tr->grad, chunk by chunk; returns the loss. */
double trainer_gradient(struct trainer *tr, const struct batch *b);
/* Clip tr->grad and take one optimiser step with it. */
void trainer_update(struct trainer *tr);
/*
 * The loss over the whole data set at the current weights, in chunks; the
 * policy over its rows into v (against before, log-probabilities at the
 * start, when not NULL) and their log-probabilities into logp when not NULL.
 */
double trainer_evaluate(struct trainer *tr, const struct dataset *d,
			const double *before, double *logp, struct policy_view *v);

struct train_outcome {
	double loss_before, loss_after;
	int64_t steps;
	struct policy_view before, after;	/* over d's rows; after.kl from before */
	struct ratio_stats ratios;		/* over the rows of every step */
	double norm_mean, norm_max;		/* the gradient's norm before clipping */
};

/*
 * p->epochs passes over d, full batch or shuffled batches of episodes,
 * updating m; the losses before and after, and the steps taken.
 */
void train(struct model *m, const struct dataset *d, const struct train_params *p,
	   struct train_outcome *out);

#endif
