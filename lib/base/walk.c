/*
 * walk.c - the files below a folder, at any depth, in byte order of their paths
 *
 * The walk opens nothing but folders. Every name that keep() accepts is
 * returned, a FIFO or a device among them: the program that reads the
 * files refuses those when it opens them (O_NONBLOCK, then fstat), and
 * names them, so that nothing in a bot's folder is passed over in silence.
 */
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
collect(const char *dir, int (*keep)(const char *), struct strlist *out,
	int silent)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		if (!silent)
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
			if (collect(child, keep, out, silent) < 0)
				rc = -1;
			free(child);
			continue;
		}
		if (!keep(child)) {
			free(child);
			continue;
		}
		strlist_take(out, child);
	}
	closedir(d);
	return rc;
}

int
walk_files(const char *dir, int (*keep)(const char *path), struct strlist *out)
{
	int rc = collect(dir, keep, out, 0);

	strlist_sort(out);
	return rc;
}

int
walk_files_silent(const char *dir, int (*keep)(const char *path),
		  struct strlist *out)
{
	int rc = collect(dir, keep, out, 1);

	strlist_sort(out);
	return rc;
}
