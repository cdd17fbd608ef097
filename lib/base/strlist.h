/* strlist.h - a growing list of strings: command lines, file lists */
#ifndef STRLIST_H
#define STRLIST_H

#include <stddef.h>

/*
 * v[0..n) are strings the list owns, and v[n] is NULL once anything was
 * added, so v can go to spawn() or execv() as it is. A zeroed struct is an
 * empty list.
 */
struct strlist {
	char **v;
	size_t n, cap;
};

/* Add a copy of s. */
void strlist_push(struct strlist *l, const char *s);
/* Add s itself (from malloc): the list frees it. */
void strlist_take(struct strlist *l, char *s);
/* Add an option and its number: "--name" "0.25", written to read back the same. */
void strlist_push_option(struct strlist *l, const char *name, double x);
/* Add a copy of each of list[0..n), in order. */
void strlist_push_all(struct strlist *l, char *const *list, size_t n);
/* Sort the whole list in the byte order of its strings. */
void strlist_sort(struct strlist *l);
void strlist_free(struct strlist *l);

#endif
