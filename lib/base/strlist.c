/*
 * strlist.c - a growing list of strings: command lines, file lists
 *
 * The driver's command lines, the files a walk finds and the inputs a run
 * collects are all the same thing: owned strings in a growing array. It
 * is kept NULL-terminated so that a command line needs no counting ahead
 * and no array sized by hand.
 */
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "jsonw.h"
#include "strbuf.h"
#include "strlist.h"

void
strlist_take(struct strlist *l, char *s)
{
	/* One more for the NULL that ends the list. */
	if (l->n + 1 >= l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof l->v[0]);
	}
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

void
strlist_push(struct strlist *l, const char *s)
{
	strlist_take(l, xstrdup(s));
}

void
strlist_push_option(struct strlist *l, const char *name, double x)
{
	struct strbuf sb = { 0 };

	strlist_push(l, name);
	/* The shortest text that reads back as the same double. */
	json_number(&sb, x);
	strlist_push(l, sb.data);
	sb_free(&sb);
}

void
strlist_push_all(struct strlist *l, char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		strlist_push(l, list[i]);
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
strlist_sort(struct strlist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof l->v[0], compare_strings);
}

void
strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}
