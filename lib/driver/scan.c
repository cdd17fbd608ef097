/*
 * scan.c - the driver's view of its input folders
 *
 * stat(2) is cheap, hashing is not: a file is hashed once, after it has
 * settled, and again only if it changes. Walking is not free either on an
 * archive of 100,000 files, so the tree is walked whole at the start and
 * then only where inotify says something changed (watch.c): a driver with
 * nothing to do costs nothing. Where inotify cannot see the changes (a
 * network share, WSL's Windows drives, --poll), the tree is walked every
 * poll seconds instead. Between walks, only the files that wait are looked
 * at again: those still settling and the bot's too young *.tmp.npz.
 *
 * The walks use fts(3) rather than base's walk_files, because they must
 * see what that walk leaves out: a folder, a FIFO or an unreadable file
 * with an input's name, a folder it cannot enter. Each is named on stderr
 * once and counted (INPUT_UNREADABLE), never silently skipped; and the
 * driver's own files and folders (own.c) are left out wherever they sit.
 */
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <errno.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "filenames.h"
#include "hashcache.h"
#include "path.h"
#include "scan.h"
#include "walk.h"

/* A folder that is gone or unreadable is said again at most this often. */
#define SCAN_WARN_EVERY 60.0
/*
 * Watched folders are walked whole this often all the same: inotify says
 * nothing of writes through mmap(2), nor of an ancestor renamed.
 */
#define SCAN_REWALK_EVERY 3600.0
/* Where inotify cannot be had and --poll was not given. */
#define SCAN_POLL_DEFAULT 30.0

/*
 * An input that cannot be read: named once, until it changes (a new
 * size or time, or it becomes readable and is taken as an input).
 */
static void
unreadable(struct input_queue *s, const char *path, const struct stat *st,
	   const char *why)
{
	struct queued_input *e = queue_add(s, path);

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
	s->dirty = 1;
	warnmsg("%s: cannot be read: %s", path, why);
	s->noted++;
}

/*
 * The bot's *.tmp.npz is its game only once the bot has left it: not
 * changed for s->adopt_after seconds. A younger one is not even queued,
 * so that `once` never waits for it to settle; it is only noted, to be
 * looked at again when it is old enough. A time in the future says
 * nothing of its age: left alone.
 */
static int
adoptable(struct input_queue *s, const char *path, const struct stat *st)
{
	double age = (double)time(NULL) - (double)st->st_mtime;

	if (!is_bot_tmp_name(path) || (s->adopt && age >= s->adopt_after))
		return 1;
	if (s->adopt)
		queue_young_note(s, path, (double)st->st_mtime + s->adopt_after);
	return 0;
}

/* Whether a and b are one file, unchanged between them. */
static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Hash a settled file; the cache learns it when it did not change meanwhile. */
static int
hash_file(struct input_queue *s, struct queued_input *e, const struct stat *st)
{
	struct stat after;

	if (md5_file(e->path, e->hash) < 0)
		return -1;
	if (s->cache && stat(e->path, &after) == 0 && same_file(st, &after))
		hashcache_put(s->cache, st, e->hash);
	return 0;
}

/*
 * A regular file with an input's name: known to the cache as it is now,
 * else settle, then hash.
 */
static size_t
regular(struct input_queue *s, const char *path, const struct stat *st,
	double now, double settle)
{
	struct queued_input *e;
	double age;
	int changed;

	if (!adoptable(s, path, st))
		return 0;
	e = queue_add(s, path);

	/* Changed, or its mode (a chmod): looked at again. */
	if (e->state == INPUT_UNREADABLE && (e->size != (long long)st->st_size ||
	    e->mtime != st->st_mtime || e->ctime != st->st_ctime)) {
		e->state = INPUT_NEW;
		e->hash[0] = '\0';
		e->stable_since = now;
		s->dirty = 1;
	}
	changed = e->size != (long long)st->st_size || e->mtime != st->st_mtime ||
	    e->mtime_ns != st->st_mtim.tv_nsec;
	if (e->state == INPUT_RUNNING) {
		/* The job may read the old bytes or the new: the file waits for it. */
		e->stale |= changed;
		return 0;
	}
	if (changed) {
		e->size = (long long)st->st_size;
		e->mtime = st->st_mtime;
		e->mtime_ns = st->st_mtim.tv_nsec;
		e->stable_since = now;
		/* New content is a new input. */
		e->hash[0] = '\0';
		e->state = INPUT_NEW;
		e->attempts = 0;
		s->dirty = 1;
	}
	if (e->state != INPUT_NEW || e->hash[0] != '\0')
		return 0;
	/* Hashed before and unchanged since: it had settled then, and is not read. */
	if (s->cache && hashcache_get(s->cache, st, e->hash)) {
		s->dirty = 1;
		return 1;
	}
	age = (double)time(NULL) - (double)e->mtime;
	/* A clock that puts the file in the future must not hold it forever. */
	if (now - e->stable_since >= settle && (age >= settle || age < 0)) {
		errno = 0;
		s->dirty = 1;
		if (hash_file(s, e, st) == 0)
			return 1;
		unreadable(s, path, st, errno ? strerror(errno) : "not a regular file");
		return 0;
	}
	s->settling = 1;	/* looked at again at the next tick */
	return 0;
}

/* The folder itself is gone or unreadable: said once a minute, not each second. */
static void
folder_trouble(struct input_queue *s, const char *why, double now)
{
	if (s->folder_warned && now - s->folder_warned_at < SCAN_WARN_EVERY)
		return;
	s->folder_warned = 1;
	s->folder_warned_at = now;
	warnmsg("%s: %s (an input folder)", s->dir, why);
}

/* Ours (see own.c), by where it lies below the canonical root. */
static int
is_own(const struct input_queue *s, const char *path, int folder)
{
	char *canon;
	int ours;

	if (s->own == NULL)
		return 0;
	if (!folder && own_is_scratch(path))
		return 1;
	if (s->root_real == NULL || strlen(path) < s->root_len)
		return 0;
	canon = xmalloc(strlen(s->root_real) + strlen(path + s->root_len) + 1);
	strcpy(canon, s->root_real);
	strcat(canon, path + s->root_len);
	ours = own_is_folder(s->own, s->root_real, canon) ||
	    (!folder && own_is_file(s->own, canon));
	free(canon);
	return ours;
}

/*
 * A name that is not a folder, with its lstat(2) (NULL: that failed with
 * err). Returns 1 when a file became ready to queue.
 */
static size_t
look_file(struct input_queue *s, const char *path, const struct stat *lst,
	  int err, double now)
{
	struct stat st;

	if (!(s->keep(path) || (s->adopt && is_bot_tmp_name(path))) ||
	    is_own(s, path, 0))
		return 0;
	if (lst == NULL) {
		unreadable(s, path, NULL, strerror(err));
	} else if (S_ISREG(lst->st_mode)) {
		return regular(s, path, lst, now, s->settle);
	} else if (S_ISLNK(lst->st_mode)) {
		/* A link to a file is read; to a folder, not followed (no loops). */
		if (stat(path, &st) < 0)
			unreadable(s, path, NULL, errno == ENOENT ? "a link to nothing" :
			    strerror(errno));
		else if (S_ISREG(st.st_mode))
			return regular(s, path, &st, now, s->settle);
		else if (!S_ISDIR(st.st_mode))
			unreadable(s, path, &st, "not a regular file");
	} else {
		/* A FIFO would block the hash forever; a device is no game. */
		unreadable(s, path, lst, "not a regular file");
	}
	return 0;
}

/* inotify's watches are used up: this folder is walked every so often instead. */
static void
watch_exhausted(struct input_queue *s)
{
	warnmsg("%s: no inotify watch left (fs.inotify.max_user_watches): walking "
	    "the folder every %g s instead", s->dir, SCAN_POLL_DEFAULT);
	watch_close(&s->watch);
	s->poll = SCAN_POLL_DEFAULT;
}

/*
 * One entry of a walk; returns 1 when a file became ready to queue. top:
 * the entry is the folder the walk started at (a full walk's root is
 * neither ours nor an input by its name).
 */
static size_t
visit(struct input_queue *s, FTS *fts, FTSENT *f, int full, double now)
{
	int top = full && f->fts_level == 0;

	switch (f->fts_info) {
	case FTS_D:
		if (!top && is_own(s, f->fts_path, 1)) {
			fts_set(fts, f, FTS_SKIP);
			return 0;
		}
		/* Before fts lists it: nothing created meanwhile goes unseen. */
		if (s->watch.fd >= 0 && watch_add(&s->watch, f->fts_path) < 0 &&
		    errno == ENOSPC)
			watch_exhausted(s);
		if (!top && s->keep(f->fts_path))
			unreadable(s, f->fts_path, f->fts_statp, "a folder, not a file");
		return 0;
	case FTS_DNR:
	case FTS_ERR:
		if (!top && !is_own(s, f->fts_path, 1))
			unreadable(s, f->fts_path, NULL, strerror(f->fts_errno));
		return 0;
	case FTS_DP:
	case FTS_DC:
		return 0;
	case FTS_NS:
		return look_file(s, f->fts_path, NULL, f->fts_errno, now);
	default:
		return look_file(s, f->fts_path, f->fts_statp, 0, now);
	}
}

/* Walk the tree below start (the root when full); returns how many became ready. */
static size_t
walk(struct input_queue *s, const char *start, int full, double now)
{
	char *roots[] = { (char *)start, NULL };
	size_t ready = 0;
	FTS *fts;
	FTSENT *f;

	/* The root may be a link to the folder; a folder found below, never. */
	fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR | (full ? FTS_COMFOLLOW : 0),
	    NULL);
	if (fts == NULL) {
		if (full)
			folder_trouble(s, strerror(errno), now);
		return 0;
	}
	while ((f = fts_read(fts)) != NULL) {
		if (full && f->fts_level == 0 && f->fts_info != FTS_D &&
		    f->fts_info != FTS_DP) {
			folder_trouble(s, f->fts_info == FTS_F ? "not a folder" :
			    strerror(f->fts_errno), now);
			s->rescan = 1;
			break;
		}
		if (full && f->fts_level == 0 && f->fts_info == FTS_D)
			s->folder_warned = 0;	/* back: a new loss is said at once */
		/* A folder an event named that is gone again: nothing to say. */
		if (!full && f->fts_level == 0 && f->fts_info == FTS_NS &&
		    f->fts_errno == ENOENT)
			break;
		ready += visit(s, fts, f, full, now);
	}
	fts_close(fts);
	return ready;
}

/* File systems whose changes made elsewhere inotify never hears of. */
static const char *
remote_fs(const char *dir)
{
	static const struct {
		unsigned long type;
		const char *name;
	} remote[] = {
		{ 0x6969, "NFS" }, { 0xFF534D42, "CIFS" }, { 0xFE534D42, "SMB2" },
		{ 0x517B, "SMB" }, { 0x01021997, "9p, as WSL's Windows drives" },
		{ 0x65735546, "FUSE" }, { 0x5346414F, "AFS" }, { 0x00C36400, "Ceph" },
		{ 0x47504653, "GPFS" }, { 0x0BD00BD0, "Lustre" },
	};
	struct statfs fs;
	size_t i;

	if (statfs(dir, &fs) < 0)
		return NULL;
	for (i = 0; i < sizeof remote / sizeof remote[0]; i++)
		if (((unsigned long)fs.f_type & 0xffffffffUL) == remote[i].type)
			return remote[i].name;
	return NULL;
}

void
scan_init(struct input_queue *s, const char *dir, int (*keep)(const char *),
	  const struct own_files *own, double settle, double poll)
{
	const char *fs;

	s->dir = dir;
	s->keep = keep;
	s->own = own;
	s->settle = settle;
	s->root_len = strlen(dir);
	/* Below the root, fts joins names with one '/' whatever the root ends in. */
	while (s->root_len > 1 && dir[s->root_len - 1] == '/')
		s->root_len--;
	s->watch.fd = -1;
	s->poll = poll;
	s->rescan = 1;
	if (poll != 0 && (fs = remote_fs(dir)) != NULL) {
		if (poll < 0)
			warnmsg("%s: on %s, where inotify misses what others write: "
			    "walking it every %g s (--poll)", dir, fs, SCAN_POLL_DEFAULT);
		s->poll = poll < 0 ? SCAN_POLL_DEFAULT : poll;
		return;
	}
	if (poll >= 0)
		return;
	if (watch_open(&s->watch) < 0) {
		warnmsg("%s: inotify: %s: walking the folder every %g s instead",
		    dir, strerror(errno), SCAN_POLL_DEFAULT);
		s->watch.fd = -1;
		s->poll = SCAN_POLL_DEFAULT;
	}
}

size_t
scan_walk(struct input_queue *s, double now)
{
	size_t i, k, ready = 0;

	queue_sort(s);
	s->rescan = 0;
	for (i = 0; i < s->n; i++)
		s->v[i].seen = 0;
	for (i = 0; i < s->n_young; i++)
		free(s->young[i].path);
	s->n_young = 0;
	free(s->root_real);
	watch_begin(&s->watch);
	if ((s->root_real = realpath(s->dir, NULL)) == NULL) {
		folder_trouble(s, strerror(errno), now);
		s->rescan = 1;	/* looked for again at each tick */
	} else {
		ready = walk(s, s->dir, 1, now);
	}
	if (s->watch.fd >= 0)
		watch_end(&s->watch);
	/* Drop what vanished, unless a job still holds it. */
	for (i = k = 0; i < s->n; i++) {
		if (s->v[i].seen || s->v[i].state == INPUT_RUNNING)
			s->v[k++] = s->v[i];
		else
			free(s->v[i].path);
	}
	if (k != s->n)
		s->dirty = 1;
	s->n = k;
	s->sorted = 0;
	queue_sort(s);
	s->next_walk = now + (s->watch.fd >= 0 ? SCAN_REWALK_EVERY :
	    s->poll > 0 ? s->poll : 0);
	return ready;
}

size_t
scan_folder(struct input_queue *s, const char *dir, int (*keep)(const char *),
	    const struct own_files *own, double now, double settle)
{
	if (s->dir == NULL)
		scan_init(s, dir, keep, own, settle, 0);
	return scan_walk(s, now);
}

/* One path an event named: what is there now. */
static void
look_path(struct input_queue *s, const char *path, double now)
{
	struct stat lst;

	if (lstat(path, &lst) < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			if (queue_find(s, path) != NULL)
				queue_forget(s, path);
			queue_young_forget(s, path, 0);
		} else {
			look_file(s, path, NULL, errno, now);
		}
	} else if (S_ISDIR(lst.st_mode)) {
		walk(s, path, 0, now);
	} else {
		look_file(s, path, &lst, 0, now);
	}
}

struct event_context {
	struct input_queue *s;
	double now;
};

static void
on_event(void *arg, const char *folder, const char *name, uint32_t mask)
{
	struct event_context *c = arg;
	struct input_queue *s = c->s;
	char *path;

	/* Events were lost, or the root itself went: one walk sets all right. */
	if (mask & IN_Q_OVERFLOW || folder == NULL)
		s->rescan = 1;
	if (s->rescan)
		return;		/* the walk will see it all */
	if (name == NULL) {
		/* A folder below says so in its parent's events too; the root cannot. */
		if (mask & (IN_MOVE_SELF | IN_DELETE_SELF) && strcmp(folder, s->dir) == 0)
			s->rescan = 1;
		return;
	}
	path = path_join(folder, name);
	if (!(mask & IN_ISDIR))
		look_path(s, path, c->now);
	else if (mask & IN_MOVED_FROM)
		s->rescan = 1;	/* every path below it changed */
	else if (mask & IN_DELETE)
		queue_forget_below(s, path);
	else
		look_path(s, path, c->now);	/* made, moved in, its mode changed */
	free(path);
}

long
scan_events(struct input_queue *s, double now)
{
	struct event_context c = { s, now };
	long n;

	if (s->dir == NULL || s->watch.fd < 0)
		return 0;
	if ((n = watch_read(&s->watch, on_event, &c)) < 0) {
		warnmsg("%s: inotify: %s: walking the folder every %g s instead",
		    s->dir, strerror(errno), SCAN_POLL_DEFAULT);
		watch_close(&s->watch);
		s->poll = SCAN_POLL_DEFAULT;
		s->rescan = 1;
	}
	queue_sort(s);
	if (s->rescan)
		scan_walk(s, now);
	return n;
}

/* The paths of the files that wait: settling, or young files now old enough. */
static void
waiting(struct input_queue *s, struct strlist *out)
{
	double t = (double)time(NULL);
	size_t i, k;

	/* Due: looked at once more, and noted again if still too young. */
	for (i = k = 0; i < s->n_young; i++)
		if (s->young[i].due <= t)
			strlist_take(out, s->young[i].path);
		else
			s->young[k++] = s->young[i];
	s->n_young = k;
	if (!s->settling)
		return;
	s->settling = 0;	/* set again by those still settling */
	for (i = 0; i < s->n; i++)
		if (s->v[i].state == INPUT_NEW && s->v[i].hash[0] == '\0')
			strlist_push(out, s->v[i].path);
}

void
scan_tick(struct input_queue *s, double now)
{
	struct strlist paths = { 0 };
	size_t i;

	if (s->dir == NULL)
		return;
	if (s->rescan || now >= s->next_walk) {
		scan_walk(s, now);
		return;
	}
	waiting(s, &paths);
	for (i = 0; i < paths.n; i++)
		look_path(s, paths.v[i], now);
	strlist_free(&paths);
	queue_sort(s);
}

int
scan_fd(const struct input_queue *s)
{
	return s->dir ? s->watch.fd : -1;
}

void
scan_free(struct input_queue *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	for (i = 0; i < s->n_young; i++)
		free(s->young[i].path);
	free(s->young);
	free(s->root_real);
	hashmap_free(&s->unsorted);
	/* A queue never set up has no watch (and fd 0 is not one). */
	if (s->dir && s->watch.fd >= 0)
		watch_close(&s->watch);
	memset(s, 0, sizeof *s);
}
