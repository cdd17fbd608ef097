/* trainer.h - the numeric core of policy-train: episodes, steps, epochs */
#ifndef TRAINER_H
#define TRAINER_H

#include <stddef.h>
#include <stdint.h>

#include "experience.h"
#include "model.h"
#include "optim.h"
#include "policy.h"

/* Rows per forward/backward pass: the activations of a chunk stay in cache. */
#define TRAIN_CHUNK_ROWS 2048

/* How to train: everything of policy-train's options that is arithmetic. */
struct train_params {
	int epochs;
	size_t batch_episodes;		/* 0: full batch */
	uint64_t seed;			/* --init's weights and the shuffle */
	double lr, gamma, entropy, clip;
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
	double return_sum;	/* sum over episodes of their total reward */
};

/* Take e (its arrays now belong to d) as the next episode. */
void dataset_add(struct dataset *d, struct episode *e);
/* Rows and advantages (specs/reinforce.md) from the episodes added. */
void dataset_build(struct dataset *d, double gamma, int normalize);
void dataset_free(struct dataset *d);

/* The rows of one step: the whole data set, or a batch of episodes copied together. */
struct batch {
	const float *states;
	const int32_t *actions;
	const float *adv;
	size_t rows;
	float *own_states;
	int32_t *own_actions;
	float *own_adv;
};

/* The whole data set as one batch (nothing copied). */
void dataset_batch(const struct dataset *d, struct batch *b);

/* A model being trained: its work space, its optimiser, its gradient. */
struct trainer {
	struct model *m;
	struct policy_work w;		/* chunk_rows rows */
	struct optim opt;		/* state in m: resumes where m stopped */
	double *grad;			/* float64, before clipping until the update */
	double clip, entropy;
};

/* Ready to train m on batches of at most max_rows rows. */
void trainer_init(struct trainer *tr, struct model *m, size_t max_rows,
		  const struct train_params *p);
void trainer_free(struct trainer *tr);
/* The gradient of the batch's loss into tr->grad, chunk by chunk; returns the loss. */
double trainer_gradient(struct trainer *tr, const struct batch *b);
/* Clip tr->grad and take one optimiser step with it. */
void trainer_update(struct trainer *tr);
/* The loss over the whole data set at the current weights, in chunks. */
double trainer_loss(struct trainer *tr, const struct dataset *d);

struct train_outcome {
	double loss_before, loss_after;
	int64_t steps;
};

/*
 * p->epochs passes over d, full batch or shuffled batches of episodes,
 * updating m; the losses before and after, and the steps taken.
 */
void train(struct model *m, const struct dataset *d, const struct train_params *p,
	   struct train_outcome *out);

#endif
