/* optim.h - gradient clipping, Adam and SGD over a flat parameter vector */
#ifndef OPTIM_H
#define OPTIM_H

#include <stddef.h>
#include <stdint.h>

enum optimizer { OPT_ADAM, OPT_SGD };

struct optim {
	enum optimizer kind;
	double lr, beta1, beta2, eps;
	int64_t step;		/* steps taken, for Adam's bias correction */
	double *m, *v;		/* Adam's moments, n each, owned by the caller */
	size_t n;
};

/* An optimiser over n parameters whose state (m, v, step) lives with the model. */
void optim_init(struct optim *o, enum optimizer kind, double lr, size_t n,
		double *m, double *v, int64_t step);
/* Scale g so that ||g|| <= max_norm (PyTorch's clip_grad_norm_); returns ||g|| before. */
double optim_clip(double *g, size_t n, double max_norm);
/* params -= the step for gradient g. */
void optim_step(struct optim *o, double *params, const double *g);

#endif
