/* argv.h - command lines built one argument at a time, of any length */
#ifndef ARGV_H
#define ARGV_H

#include <stddef.h>

/*
 * v[0..n) are copies of what was pushed and v[n] is NULL, so v can go to
 * spawn() or execv() as it is. A zeroed struct is an empty command line.
 */
struct argv_builder {
	char **v;
	size_t n, cap;
};

void argv_push(struct argv_builder *a, const char *arg);
/* Every argument of list, in order (a job's input files). */
void argv_push_all(struct argv_builder *a, char *const *list, size_t n);
void argv_free(struct argv_builder *a);

#endif
