/*
 * output.c - what an output name is: standard output, a stream, or a file to replace
 *
 * Every writer in the suite goes through atomic.c, which asks here what a
 * name is, so "-", devices, FIFOs and symbolic links mean the same thing in
 * every program. output_check() runs before anything is written: a run
 * that would write over its own input, or write two outputs into one file,
 * loses data whatever it does next, so it is refused whole.
 */
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "output.h"
#include "path.h"
#include "walk.h"

/* Linux's own limit on the links followed in one lookup. */
#define LINK_HOPS 40

char *
output_target(const char *path)
{
	char *cur = xstrdup(path);
	int hops;

	for (hops = 0; hops < LINK_HOPS; hops++) {
		struct stat st;
		char *link, *next;
		ssize_t n;

		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
			return cur;
		/* st_size of a link is its length; /proc's links say 0. */
		link = xmalloc((st.st_size > 0 ? (size_t)st.st_size : 4096) + 1);
		if ((n = readlink(cur, link, st.st_size > 0 ?
		    (size_t)st.st_size : 4096)) < 0) {
			free(link);
			return cur;
		}
		link[n] = '\0';
		if (link[0] == '/') {
			next = link;
		} else {
			char *copy = xstrdup(cur);

			next = path_join(dirname(copy), link);
			free(copy);
			free(link);
		}
		free(cur);
		cur = next;
	}
	free(cur);
	errno = ELOOP;
	return NULL;
}

enum output_kind
output_kind(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return OUTPUT_STDOUT;
	if (stat(path, &st) < 0 || S_ISREG(st.st_mode))
		return OUTPUT_FILE;
	return S_ISDIR(st.st_mode) ? OUTPUT_FOLDER : OUTPUT_STREAM;
}

/* Which file an output is, whether it exists yet or not. */
struct ident {
	const struct output_name *out;
	int kind;
	int exists;	/* 1: dev, ino are the file's; 0: its folder's, and base */
	dev_t dev;
	ino_t ino;
	char *target;
	const char *base;
};

static int
ident_read(struct ident *id, const struct output_name *out)
{
	struct stat st;
	char *copy;

	memset(id, 0, sizeof *id);
	id->out = out;
	if ((id->kind = output_kind(out->path)) == OUTPUT_STDOUT)
		return 0;
	if ((id->target = output_target(out->path)) == NULL) {
		warnmsg("%s: %s: %s", out->path, out->option, strerror(errno));
		return -1;
	}
	if (stat(id->target, &st) == 0) {
		id->exists = 1;
		id->dev = st.st_dev;
		id->ino = st.st_ino;
		return 0;
	}
	/* Not there yet: two names of it agree on the folder and the name. */
	id->base = strrchr(id->target, '/') ? strrchr(id->target, '/') + 1 :
	    id->target;
	copy = xstrdup(id->target);
	if (stat(dirname(copy), &st) == 0) {
		id->dev = st.st_dev;
		id->ino = st.st_ino;
	}
	free(copy);
	return 0;
}

static int
same_output(const struct ident *a, const struct ident *b)
{
	if (a->kind == OUTPUT_STDOUT || b->kind == OUTPUT_STDOUT)
		return a->kind == b->kind;
	if (a->exists != b->exists)
		return 0;
	if (a->exists)
		return a->dev == b->dev && a->ino == b->ino;
	if (a->dev == 0 && a->ino == 0)
		return strcmp(a->target, b->target) == 0;
	return a->dev == b->dev && a->ino == b->ino &&
	    strcmp(a->base, b->base) == 0;
}

/* The first output that is path (an input's file), or NULL. */
static const struct ident *
output_named(const struct ident *ids, size_t n, const char *path)
{
	struct stat st;
	size_t i;

	if (stat(path, &st) < 0)
		return NULL;
	for (i = 0; i < n; i++)
		if (ids[i].exists && ids[i].kind == OUTPUT_FILE &&
		    ids[i].dev == st.st_dev && ids[i].ino == st.st_ino)
			return &ids[i];
	return NULL;
}

/* The output among ids that names one of inputs, or NULL; *input says which. */
static const struct ident *
output_reads(const struct ident *ids, size_t n, const struct strlist *inputs,
	     int (*keep)(const char *), char **input)
{
	const struct ident *hit = NULL;
	struct stat st;
	size_t i, k;

	for (i = 0; i < inputs->n && hit == NULL; i++) {
		const char *in = inputs->v[i];
		struct strlist below = { NULL, 0, 0 };

		if (strcmp(in, "-") == 0 || stat(in, &st) < 0)
			continue;
		if (!S_ISDIR(st.st_mode) || keep == NULL) {
			if ((hit = output_named(ids, n, in)) != NULL)
				*input = xstrdup(in);
			continue;
		}
		/* Silently: the run's own walk reports what it cannot read. */
		walk_files_silent(in, keep, &below);
		for (k = 0; k < below.n && hit == NULL; k++)
			if ((hit = output_named(ids, n, below.v[k])) != NULL)
				*input = xstrdup(below.v[k]);
		strlist_free(&below);
	}
	return hit;
}

int
output_check(const struct output_name *outs, size_t n_outs,
	     const struct strlist *inputs, int (*keep)(const char *path))
{
	struct ident *ids = xcalloc(n_outs ? n_outs : 1, sizeof ids[0]);
	const struct ident *hit;
	char *input = NULL;
	size_t i, j, n = 0;
	int rc = 0;

	for (i = 0; i < n_outs && rc == 0; i++) {
		if (outs[i].path == NULL)
			continue;
		if (ident_read(&ids[n], &outs[i]) < 0) {
			rc = -1;
		} else if (ids[n].kind == OUTPUT_FOLDER) {
			warnmsg("%s: %s names a folder, not a file", outs[i].path,
			    outs[i].option);
			rc = -1;
		}
		n++;
	}
	for (i = 0; i < n && rc == 0; i++)
		for (j = 0; j < i && rc == 0; j++)
			/* Two writers to a device (/dev/null) lose nothing. */
			if (ids[i].kind != OUTPUT_STREAM && same_output(&ids[i], &ids[j])) {
				warnmsg("%s: %s and %s name one file: refused, "
				    "nothing written", ids[i].out->path,
				    ids[j].out->option,
				    ids[i].out->option);
				rc = -1;
			}
	if (rc == 0 && (hit = output_reads(ids, n, inputs, keep, &input))) {
		if (strcmp(input, hit->out->path) == 0)
			warnmsg("%s: %s names an input: refused, nothing written",
			    input, hit->out->option);
		else
			warnmsg("%s: %s names the input %s: refused, nothing "
			    "written", hit->out->path, hit->out->option, input);
		rc = -1;
	}
	for (i = 0; i < n; i++)
		free(ids[i].target);
	free(ids);
	free(input);
	return rc;
}
