/*
 * argv.c - command lines built one argument at a time, of any length
 *
 * The driver runs the suite's programs with options that depend on the job
 * and any number of input files: a growing array, always NULL-terminated,
 * means no caller counts its arguments ahead or sizes an array by hand.
 */
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "die.h"

void
argv_push(struct argv_builder *a, const char *arg)
{
	/* One more for the NULL that ends the list. */
	if (a->n + 1 >= a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xreallocarray(a->v, a->cap, sizeof a->v[0]);
	}
	a->v[a->n++] = xstrdup(arg);
	a->v[a->n] = NULL;
}

void
argv_push_all(struct argv_builder *a, char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		argv_push(a, list[i]);
}

void
argv_free(struct argv_builder *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof *a);
}
