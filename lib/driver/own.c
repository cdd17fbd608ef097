/*
 * own.c - the driver's own files and folders, never taken as inputs
 *
 * The bot keeps its model in the folder where it writes its games, and
 * people put the state, quarantine or done folder inside an input folder:
 * a scan that took them as inputs would train on the model, quarantine it
 * as a bad game, or read its own candidates back. Names alone cannot tell
 * (the model ends in .npz like a game), so the scan compares canonical
 * paths: a file below one of our folders, or one of our files, is ours.
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "driver.h"
#include "filenames.h"
#include "own.h"
#include "path.h"
#include "walk.h"

char *
own_canonical(const char *path)
{
	char *copy, *dir, *base, *up, *out, *real;

	if ((real = realpath(path, NULL)) != NULL)
		return real;
	/* Not there (yet): its folder's canonical form, then its name. */
	copy = xstrdup(path);
	base = xstrdup(basename(copy));
	free(copy);
	copy = xstrdup(path);
	dir = dirname(copy);
	if (strcmp(dir, path) == 0 || strcmp(base, "/") == 0 ||
	    strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		free(copy);
		free(base);
		return xstrdup(path);
	}
	up = own_canonical(dir);
	out = path_join(up, base);
	free(up);
	free(copy);
	free(base);
	return out;
}

void
own_init(struct own_files *w, const struct driver_options *o)
{
	memset(w, 0, sizeof *w);
	w->folders[0] = own_canonical(o->state);
	if (o->quarantine)
		w->folders[1] = own_canonical(o->quarantine);
	if (o->done_dir)
		w->folders[2] = own_canonical(o->done_dir);
	if (o->model)
		w->files[0] = own_canonical(o->model);
	if (o->learned)
		w->files[1] = own_canonical(o->learned);
	if (o->deploy)
		w->files[2] = own_canonical(o->deploy);
}

void
own_free(struct own_files *w)
{
	size_t i;

	for (i = 0; i < sizeof w->folders / sizeof w->folders[0]; i++)
		free(w->folders[i]);
	for (i = 0; i < sizeof w->files / sizeof w->files[0]; i++)
		free(w->files[i]);
	memset(w, 0, sizeof *w);
}

/* Whether canonical path p is dir or lies below it. */
static int
below(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	/* "/" as a folder of ours would be everything: never below it. */
	return n > 1 && strncmp(p, dir, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

int
own_is_folder(const struct own_files *w, const char *root, const char *canonical)
{
	size_t i;

	/*
	 * An input folder that people put inside one of ours (the games in
	 * STATE/games) is theirs to have: only what lies below the root is
	 * left out, else the whole folder would go unread without a word.
	 */
	for (i = 0; i < sizeof w->folders / sizeof w->folders[0]; i++)
		if (w->folders[i] && !below(root, w->folders[i]) &&
		    below(canonical, w->folders[i]))
			return 1;
	return 0;
}

int
own_is_file(const struct own_files *w, const char *canonical)
{
	size_t i;

	for (i = 0; i < sizeof w->files / sizeof w->files[0]; i++)
		if (w->files[i] && strcmp(canonical, w->files[i]) == 0)
			return 1;
	return 0;
}

int
own_is_scratch(const char *path)
{
	const char *name = strrchr(path, '/');

	name = name ? name + 1 : path;
	/* Ours end in .tmp.XXXXXX (atomic.c): never in .npz. */
	return has_suffix(name, ".lock") ||
	    (strstr(name, ".tmp.") != NULL && !is_bot_tmp_name(name));
}

