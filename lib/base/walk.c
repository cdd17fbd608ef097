/* walk.c - the files below a folder, at any depth, in byte order of their paths */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "die.h"
#include "path.h"
#include "walk.h"

int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
collect(const char *dir, int (*keep)(const char *), struct path_set *out)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		warnmsg("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char *child;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		child = path_join(dir, de->d_name);
		/* lstat: a symbolic link to a folder is not followed (no loops). */
		if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (collect(child, keep, out) < 0)
				rc = -1;
			free(child);
			continue;
		}
		if (!keep(child)) {
			free(child);
			continue;
		}
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 64;
			out->v = xreallocarray(out->v, out->cap, sizeof out->v[0]);
		}
		out->v[out->n++] = child;
	}
	closedir(d);
	return rc;
}

int
walk_files(const char *dir, int (*keep)(const char *path), struct path_set *out)
{
	int rc = collect(dir, keep, out);

	if (out->n)
		qsort(out->v, out->n, sizeof out->v[0], compare_strings);
	return rc;
}

void
path_set_free(struct path_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
