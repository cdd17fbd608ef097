/*
 * inputs.c - the replays named on a command line: files, folders, zips, stdin
 *
 * Zip archives (tournament packs) are read in place with libzip, entry by
 * entry into memory, without temporary files. Only regular files are read:
 * a FIFO or device under a replay's name would block the run or feed it
 * garbage, so files are opened without blocking and checked with fstat.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "die.h"
#include "filenames.h"
#include "inputs.h"
#include "path.h"
#include "walk.h"

static struct input *
push(struct input_list *l, const char *path, const char *entry, int64_t index)
{
	struct input *in;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof l->v[0]);
	}
	in = &l->v[l->n++];
	in->path = xstrdup(path);
	in->entry = entry ? xstrdup(entry) : NULL;
	in->index = index;
	in->refused = NULL;
	return in;
}

struct zip_name {
	char *name;
	int64_t index;
};

static int
compare_zip_names(const void *a, const void *b)
{
	return strcmp(((const struct zip_name *)a)->name,
	    ((const struct zip_name *)b)->name);
}

static void
add_zip(struct input_list *l, const char *path)
{
	struct zip_name *names;
	zip_int64_t i, count;
	size_t n = 0, k;
	zip_t *za;
	int error;

	if ((za = zip_open(path, ZIP_RDONLY, &error)) == NULL) {
		struct strbuf why = { 0 };
		zip_error_t ze;

		zip_error_init_with_code(&ze, error);
		sb_printf(&why, "cannot read zip archive: %s",
		    zip_error_strerror(&ze));
		zip_error_fini(&ze);
		push(l, path, NULL, -1)->refused = xstrdup(why.data);
		sb_free(&why);
		return;
	}
	count = zip_get_num_entries(za, 0);
	names = xcalloc(count > 0 ? (size_t)count : 1, sizeof names[0]);
	for (i = 0; i < count; i++) {
		const char *name = zip_get_name(za, (zip_uint64_t)i, 0);

		/* A zip inside: listed, to be refused by name (it is not read in place). */
		if (name && (is_replay_name(name) || is_zip_name(name))) {
			names[n].name = xstrdup(name);
			names[n++].index = i;
		}
	}
	zip_discard(za);
	qsort(names, n, sizeof names[0], compare_zip_names);
	for (k = 0; k < n; k++) {
		struct input *in = push(l, path, names[k].name, names[k].index);

		if (is_zip_name(names[k].name))
			in->refused = xstrdup("a zip inside a zip: nested packs "
			    "are not read (unpack it first)");
		free(names[k].name);
	}
	free(names);
}

/* A folder's replays in the byte order of their whole paths. */
static void
add_folder(struct input_list *l, const char *path)
{
	struct strlist found = { NULL, 0, 0 };
	size_t k;

	if (walk_files(path, replay_input_wanted, &found) < 0)
		l->unreadable = 1;
	for (k = 0; k < found.n; k++) {
		if (is_zip_name(found.v[k]))
			add_zip(l, found.v[k]);
		else
			push(l, found.v[k], NULL, -1);
	}
	strlist_free(&found);
}

/* named: the user gave this path, so it must exist and is taken whatever its name. */
static void
add_path(struct input_list *l, const char *path, int named)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (named) {
			warnmsg("%s: %s", path, strerror(errno));
			l->missing = 1;
		}
		return;
	}
	if (S_ISDIR(st.st_mode))
		add_folder(l, path);
	else if (!S_ISREG(st.st_mode))
		push(l, path, NULL, -1);	/* input_read() says what it is */
	else if (is_zip_name(path))
		add_zip(l, path);
	else if (named || is_replay_name(path))
		push(l, path, NULL, -1);
}

void
inputs_add(struct input_list *l, const char *arg)
{
	int end = l->null_separated ? '\0' : '\n';
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (strcmp(arg, "-") != 0) {
		add_path(l, arg, 1);
		return;
	}
	while ((n = getdelim(&line, &cap, end, stdin)) > 0) {
		/* With NUL ends a name is taken whole, newlines and all (xargs -0). */
		if (n > 0 && line[n - 1] == end)
			line[--n] = '\0';
		while (!l->null_separated && n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n > 0)
			add_path(l, line, 1);
	}
	free(line);
}

void
inputs_free(struct input_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].entry);
		free(l->v[i].refused);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* A regular file, read whole into the heap (at most INPUT_SIZE_LIMIT). */
static int
load_file(const char *path, struct input_data *d, struct strbuf *why)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) < 0) {
		sb_adds(why, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > INPUT_SIZE_LIMIT) {
		if (S_ISREG(st.st_mode))
			sb_printf(why, "file larger than %u MiB",
			    INPUT_SIZE_LIMIT >> 20);
		else
			sb_printf(why, "not a regular file (%s): not read",
			    S_ISFIFO(st.st_mode) ? "a FIFO" :
			    S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ?
			    "a device" : S_ISDIR(st.st_mode) ? "a folder" :
			    "a socket");
		close(fd);
		return -1;
	}
	d->size = (size_t)st.st_size;
	if (d->size == 0) {
		d->data = (const uint8_t *)"";
		close(fd);
		return 0;
	}
	/*
	 * Read, not mapped: a mapped file that is truncated or rewritten while
	 * we read it kills the process with SIGBUS. One byte more than its size
	 * is asked for, so a file that grew is seen as changed too.
	 */
	d->owned = xmalloc(d->size + 1);
	size_t got = 0;
	ssize_t r = 0;

	while (got <= d->size &&
	    ((r = read(fd, d->owned + got, d->size + 1 - got)) > 0 ||
	    (r < 0 && errno == EINTR)))
		got += r > 0 ? (size_t)r : 0;
	if (r < 0)
		sb_adds(why, strerror(errno));
	else if (got != d->size)
		sb_adds(why, "file changed while it was read");
	close(fd);
	if (r < 0 || got != d->size) {
		free(d->owned);
		d->owned = NULL;
		return -1;
	}
	d->data = d->owned;
	return 0;
}

static int
read_zip_entry(const struct input_list *l, const struct input *in,
	       struct input_data *d, struct strbuf *why)
{
	zip_stat_t st;
	zip_file_t *zf = NULL;
	zip_t *za;
	zip_int64_t got;
	int error;

	if ((za = zip_open(in->path, ZIP_RDONLY, &error)) == NULL) {
		sb_adds(why, "cannot open the zip archive");
		return -1;
	}
	if (l->password)
		zip_set_default_password(za, l->password);
	if (zip_stat_index(za, (zip_uint64_t)in->index, 0, &st) < 0 ||
	    !(st.valid & ZIP_STAT_SIZE)) {
		sb_adds(why, zip_strerror(za));
		goto fail;
	}
	if (st.size > INPUT_SIZE_LIMIT) {
		sb_printf(why, "zip entry larger than %u MiB",
		    INPUT_SIZE_LIMIT >> 20);
		goto fail;
	}
	if ((zf = zip_fopen_index(za, (zip_uint64_t)in->index, 0)) == NULL) {
		int ze = zip_error_code_zip(zip_get_error(za));

		if (ze == ZIP_ER_NOPASSWD)
			sb_adds(why, "encrypted zip entry: give --password");
		else if (ze == ZIP_ER_WRONGPASSWD)
			sb_adds(why, "encrypted zip entry: wrong password");
		else
			sb_adds(why, zip_strerror(za));
		goto fail;
	}
	d->owned = xmalloc(st.size ? st.size : 1);
	got = zip_fread(zf, d->owned, st.size);
	if (got < 0 || (zip_uint64_t)got != st.size) {
		sb_printf(why, "damaged zip entry: %s", zip_file_strerror(zf));
		goto fail;
	}
	zip_fclose(zf);
	zip_discard(za);
	d->data = d->owned;
	d->size = st.size;
	return 0;
fail:
	if (zf)
		zip_fclose(zf);
	zip_discard(za);
	free(d->owned);
	d->owned = NULL;
	return -1;
}

int
input_read(const struct input_list *l, const struct input *in,
	   struct input_data *d, struct strbuf *why)
{
	memset(d, 0, sizeof *d);
	if (in->refused) {
		sb_adds(why, in->refused);
		return -1;
	}
	return in->entry ? read_zip_entry(l, in, d, why) : load_file(in->path, d, why);
}

void
input_release(struct input_data *d)
{
	free(d->owned);
	memset(d, 0, sizeof *d);
}

static const char *
relative_to(const char *path, const char *root)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (strncmp(path, root, n) == 0 && path[n] == '/')
		return path + n + 1;
	return NULL;
}

char *
input_display_name(const struct input *in, const char *root)
{
	const char *path = in->path, *rel = NULL;
	char real_path[PATH_MAX], real_root[PATH_MAX];

	if (root) {
		rel = relative_to(path, root);
		if (rel == NULL && realpath(path, real_path) &&
		    realpath(root, real_root)) {
			rel = relative_to(real_path, real_root);
			if (rel)
				path = real_path;
		}
		if (rel)
			path = rel;
	}
	if (in->entry == NULL)
		return xstrdup(path);
	return path_join(path, in->entry);
}
