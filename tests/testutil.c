/* testutil.c - what the C tests share: assertions, finding ../shared */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

int test_failures;

void
expect(int ok, const char *what, const char *file, int line)
{
	if (!ok) {
		printf("FAIL %s:%d: %s\n", file, line, what);
		test_failures++;
	}
}

int
test_exit(void)
{
	return test_failures ? 1 : 0;
}

const char *
shared_dir(void)
{
	const char *d = getenv("BGTRAIN_SHARED");

	return d ? d : "../shared";
}

static int
compare_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
walk(struct path_list *l, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(l, path);
			continue;
		}
		n = strlen(path);
		if (n < 10 || strcmp(path + n - 10, ".SC2Replay") != 0)
			continue;
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 128;
			l->v = realloc(l->v, l->cap * sizeof l->v[0]);
		}
		l->v[l->n++] = strdup(path);
	}
	closedir(d);
}

int
shared_replays(struct path_list *l)
{
	char dir[4096];

	snprintf(dir, sizeof dir, "%s/replays", shared_dir());
	walk(l, dir);
	qsort(l->v, l->n, sizeof l->v[0], compare_paths);
	return l->n ? 0 : -1;
}

void
path_list_free(struct path_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int
skip_or_fail(const char *test)
{
	const char *ci = getenv("CI");

	if (ci && strcmp(ci, "true") == 0) {
		printf("FAIL %s: %s/replays is missing (CI always has it)\n", test,
		    shared_dir());
		return 1;
	}
	printf("SKIP %s: %s/replays is missing\n", test, shared_dir());
	return 77;
}

uint8_t *
slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)n;
	}
	fclose(f);
	return buf;
}
