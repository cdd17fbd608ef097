/*
 * scan.c - the driver's view of its input folders
 *
 * Rescanned every second: stat(2) is cheap, hashing is not, so a file is
 * hashed once, after it has settled, and again only if it changes.
 *
 * The scan walks with fts(3) rather than base's walk_files, because it must
 * see what that walk leaves out: a folder, a FIFO or an unreadable file
 * with an input's name, a folder it cannot enter. Each is named on stderr
 * once and counted (INPUT_UNREADABLE), never silently skipped; and the
 * driver's own files and folders (below) are left out wherever they sit.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fts.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "driver.h"
#include "filenames.h"
#include "path.h"
#include "scan.h"
#include "walk.h"

/* A folder that is gone or unreadable is said again at most this often. */
#define SCAN_WARN_EVERY 60.0

/*
 * The driver's own files and folders, never taken as inputs. The bot keeps
 * its model in the folder where it writes its games, and people put the
 * state, quarantine or done folder inside an input folder: a scan that took
 * them as inputs would train on the model, quarantine it as a bad game, or
 * read its own candidates back. Names alone cannot tell (the model ends in
 * .npz like a game), so the scan compares canonical paths: a file below
 * one of our folders, or one of our files, is ours.
 */

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

static int
compare_entries(const void *a, const void *b)
{
	return strcmp(((const struct queued_input *)a)->path,
	    ((const struct queued_input *)b)->path);
}

static struct queued_input *
entry(struct input_queue *s, const char *path)
{
	struct queued_input *e = queue_find(s, path);

	if (e == NULL) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 256;
			s->v = xreallocarray(s->v, s->cap, sizeof s->v[0]);
		}
		e = &s->v[s->n++];
		memset(e, 0, sizeof *e);
		e->path = xstrdup(path);
		e->size = -1;
	}
	e->seen = 1;
	return e;
}

/*
 * An input that cannot be read: named once, until it changes (a new
 * size or time, or it becomes readable and is taken as an input).
 */
static void
unreadable(struct input_queue *s, const char *path, const struct stat *st,
	   const char *why)
{
	struct queued_input *e = entry(s, path);

	if (e->state == INPUT_RUNNING)
		return;
	if (e->state == INPUT_UNREADABLE && st && e->size == (long long)st->st_size &&
	    e->mtime == st->st_mtime && e->ctime == st->st_ctime)
		return;
	if (e->state == INPUT_UNREADABLE && st == NULL)
		return;
	e->size = st ? (long long)st->st_size : -1;
	e->mtime = st ? st->st_mtime : 0;
	e->ctime = st ? st->st_ctime : 0;
	e->hash[0] = '\0';
	e->state = INPUT_UNREADABLE;
	warnmsg("%s: cannot be read: %s", path, why);
	s->noted++;
}

/*
 * The bot's *.tmp.npz is its game only once the bot has left it: not
 * changed for s->adopt_after seconds. A younger one is not even queued,
 * so that `once` never waits for it to settle. A time in the future
 * says nothing of its age: left alone.
 */
static int
adoptable(const struct input_queue *s, const char *path, const struct stat *st)
{
	double age = (double)time(NULL) - (double)st->st_mtime;

	return !is_bot_tmp_name(path) || (s->adopt && age >= s->adopt_after);
}

/* A regular file with an input's name: settle, then hash. */
static size_t
regular(struct input_queue *s, const char *path, const struct stat *st,
	double now, double settle)
{
	struct queued_input *e;
	double age;

	if (!adoptable(s, path, st))
		return 0;
	e = entry(s, path);

	/* Changed, or its mode (a chmod): looked at again. */
	if (e->state == INPUT_UNREADABLE && (e->size != (long long)st->st_size ||
	    e->mtime != st->st_mtime || e->ctime != st->st_ctime)) {
		e->state = INPUT_NEW;
		e->hash[0] = '\0';
		e->stable_since = now;
	}
	if (e->size != (long long)st->st_size || e->mtime != st->st_mtime) {
		e->size = (long long)st->st_size;
		e->mtime = st->st_mtime;
		e->stable_since = now;
		/* New content is a new input, unless a job holds the file. */
		if (e->state == INPUT_NEW || e->state == INPUT_DONE) {
			e->hash[0] = '\0';
			e->state = INPUT_NEW;
			e->attempts = 0;
		}
	}
	age = (double)time(NULL) - (double)e->mtime;
	/* A clock that puts the file in the future must not hold it forever. */
	if (e->state == INPUT_NEW && e->hash[0] == '\0' &&
	    now - e->stable_since >= settle && (age >= settle || age < 0)) {
		errno = 0;
		if (md5_file(e->path, e->hash) == 0)
			return 1;
		unreadable(s, path, st, errno ? strerror(errno) : "not a regular file");
	}
	return 0;
}

/* The folder itself is gone or unreadable: said once a minute, not each second. */
static void
folder_trouble(struct input_queue *s, const char *dir, const char *why, double now)
{
	if (s->folder_warned && now - s->folder_warned_at < SCAN_WARN_EVERY)
		return;
	s->folder_warned = 1;
	s->folder_warned_at = now;
	warnmsg("%s: %s (an input folder)", dir, why);
}

/* Ours (see own_init), by where it lies below the canonical root. */
static int
is_own(const struct own_files *own, const char *root_real, size_t root_len,
       const char *path, int folder)
{
	char *canon;
	int ours;

	if (own == NULL)
		return 0;
	if (!folder && own_is_scratch(path))
		return 1;
	canon = xmalloc(strlen(root_real) + strlen(path + root_len) + 1);
	strcpy(canon, root_real);
	strcat(canon, path + root_len);
	ours = own_is_folder(own, root_real, canon) || (!folder && own_is_file(own, canon));
	free(canon);
	return ours;
}

/* One entry of the walk; returns 1 when a file became ready to queue. */
static size_t
visit(struct input_queue *s, FTS *fts, FTSENT *f, int (*keep)(const char *),
      const struct own_files *own, const char *root_real, size_t root_len,
      double now, double settle)
{
	struct stat st;

	switch (f->fts_info) {
	case FTS_D:
		if (f->fts_level > 0 && is_own(own, root_real, root_len,
		    f->fts_path, 1)) {
			fts_set(fts, f, FTS_SKIP);
			return 0;
		}
		if (f->fts_level > 0 && keep(f->fts_path))
			unreadable(s, f->fts_path, f->fts_statp, "a folder, not a file");
		return 0;
	case FTS_DNR:
	case FTS_ERR:
		if (f->fts_level > 0 && !is_own(own, root_real, root_len,
		    f->fts_path, 1))
			unreadable(s, f->fts_path, NULL, strerror(f->fts_errno));
		return 0;
	case FTS_DP:
	case FTS_DC:
		return 0;
	default:
		break;
	}
	if (!(keep(f->fts_path) || (s->adopt && is_bot_tmp_name(f->fts_path))) ||
	    is_own(own, root_real, root_len, f->fts_path, 0))
		return 0;
	switch (f->fts_info) {
	case FTS_F:
		return regular(s, f->fts_path, f->fts_statp, now, settle);
	case FTS_SL:
		/* A link to a file is read; to a folder, not followed (no loops). */
		if (stat(f->fts_path, &st) < 0)
			unreadable(s, f->fts_path, NULL, strerror(errno));
		else if (S_ISREG(st.st_mode))
			return regular(s, f->fts_path, &st, now, settle);
		else if (!S_ISDIR(st.st_mode))
			unreadable(s, f->fts_path, &st, "not a regular file");
		return 0;
	case FTS_SLNONE:
		unreadable(s, f->fts_path, NULL, "a link to nothing");
		return 0;
	case FTS_NS:
		unreadable(s, f->fts_path, NULL, strerror(f->fts_errno));
		return 0;
	default:
		/* A FIFO would block the hash forever; a device is no game. */
		unreadable(s, f->fts_path, f->fts_statp, "not a regular file");
		return 0;
	}
}

size_t
scan_folder(struct input_queue *s, const char *dir, int (*keep)(const char *),
	    const struct own_files *own, double now, double settle)
{
	char *roots[] = { (char *)dir, NULL }, *root_real;
	size_t i, k, ready = 0, root_len = strlen(dir);
	FTS *fts;
	FTSENT *f;

	/* Below the root, fts joins names with one '/' whatever the root ends in. */
	while (root_len > 1 && dir[root_len - 1] == '/')
		root_len--;
	/* Sorted since the last scan; what this one adds is searched apart. */
	s->sorted = s->n;
	for (i = 0; i < s->n; i++)
		s->v[i].seen = 0;
	if ((root_real = realpath(dir, NULL)) == NULL)
		folder_trouble(s, dir, strerror(errno), now);
	else if ((fts = fts_open(roots, FTS_PHYSICAL | FTS_COMFOLLOW | FTS_NOCHDIR,
	    NULL)) == NULL)
		folder_trouble(s, dir, strerror(errno), now);
	else {
		while ((f = fts_read(fts)) != NULL) {
			if (f->fts_level == 0 && f->fts_info != FTS_D &&
			    f->fts_info != FTS_DP) {
				folder_trouble(s, dir, f->fts_info == FTS_F ?
				    "not a folder" : strerror(f->fts_errno), now);
				break;
			}
			if (f->fts_level == 0 && f->fts_info == FTS_D)
				s->folder_warned = 0;	/* back: a new loss is said at once */
			ready += visit(s, fts, f, keep, own, root_real, root_len,
			    now, settle);
		}
		fts_close(fts);
	}
	free(root_real);
	/* Drop what vanished, unless a job still holds it. */
	for (i = k = 0; i < s->n; i++) {
		if (s->v[i].seen || s->v[i].state == INPUT_RUNNING)
			s->v[k++] = s->v[i];
		else
			free(s->v[i].path);
	}
	s->n = k;
	if (s->n)
		qsort(s->v, s->n, sizeof s->v[0], compare_entries);
	s->sorted = s->n;
	return ready;
}

void
scan_free(struct input_queue *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	memset(s, 0, sizeof *s);
}
