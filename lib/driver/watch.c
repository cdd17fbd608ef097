/*
 * watch.c - what changes in an input folder: inotify on every folder of its tree
 *
 * Looking at every file each second costs a core's tenth on a large
 * archive doing nothing; inotify makes an idle driver cost nothing. A
 * watch covers one folder, so every folder of the tree gets one, added by
 * the scan's walks as it enters them (before it lists them, so that no
 * file slips between the listing and the watch).
 *
 * The kernel names events by watch descriptor; this file keeps the path
 * each one stands for. A path goes stale when a folder is renamed or moved
 * (the watch follows the inode, not the name): the scan then walks the
 * whole tree again, which adds every folder under its present path, and
 * watch_end() drops the watches no walk found again.
 */
#include <sys/inotify.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "watch.h"

/*
 * Files appearing (created, moved in), written and closed, changing
 * (content, mode), going (deleted, moved out); the watched folder itself
 * going. IN_EXCL_UNLINK: a file deleted while someone still has it open
 * says nothing more.
 */
#define WATCH_MASK (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | \
	IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | \
	IN_ONLYDIR | IN_EXCL_UNLINK)

int
watch_open(struct watch *w)
{
	memset(w, 0, sizeof *w);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	return w->fd < 0 ? -1 : 0;
}

void
watch_close(struct watch *w)
{
	size_t i;

	if (w->fd >= 0)
		close(w->fd);
	for (i = 0; i < w->n; i++)
		free(w->v[i].path);
	free(w->v);
	memset(w, 0, sizeof *w);
	w->fd = -1;
}

/* The index of wd in v, or where it would go. */
static size_t
find(const struct watch *w, int wd)
{
	size_t lo = 0, hi = w->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->v[mid].wd < wd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
remove_at(struct watch *w, size_t i)
{
	free(w->v[i].path);
	memmove(&w->v[i], &w->v[i + 1], (w->n - i - 1) * sizeof w->v[0]);
	w->n--;
}

void
watch_begin(struct watch *w)
{
	w->pass++;
}

void
watch_end(struct watch *w)
{
	size_t i;

	for (i = w->n; i-- > 0;)
		if (w->v[i].pass != w->pass) {
			inotify_rm_watch(w->fd, w->v[i].wd);
			remove_at(w, i);
		}
}

int
watch_add(struct watch *w, const char *path)
{
	int wd;
	size_t i;

	if (w->fd < 0) {
		errno = EBADF;
		return -1;
	}
	if ((wd = inotify_add_watch(w->fd, path, WATCH_MASK)) < 0)
		return -1;
	i = find(w, wd);
	if (i < w->n && w->v[i].wd == wd) {
		/* Watched already: renamed, or walked again. */
		if (strcmp(w->v[i].path, path) != 0) {
			free(w->v[i].path);
			w->v[i].path = xstrdup(path);
		}
		w->v[i].pass = w->pass;
		return 0;
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->v = xreallocarray(w->v, w->cap, sizeof w->v[0]);
	}
	/* The kernel counts descriptors up: this is nearly always an append. */
	memmove(&w->v[i + 1], &w->v[i], (w->n - i) * sizeof w->v[0]);
	w->v[i].wd = wd;
	w->v[i].path = xstrdup(path);
	w->v[i].pass = w->pass;
	w->n++;
	return 0;
}

long
watch_read(struct watch *w, watch_fn *fn, void *arg)
{
	/* Aligned for struct inotify_event, as inotify(7) asks. */
	char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
	long events = 0;

	if (w->fd < 0)
		return 0;
	for (;;) {
		ssize_t len = read(w->fd, buf, sizeof buf), at;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? events : -1;
		}
		if (len == 0)
			return events;
		for (at = 0; at + (ssize_t)sizeof(struct inotify_event) <= len;) {
			const struct inotify_event *ev = (const void *)(buf + at);
			size_t i = find(w, ev->wd);
			char *folder;

			at += (ssize_t)(sizeof *ev + ev->len);
			events++;
			if (ev->mask & IN_Q_OVERFLOW) {
				fn(arg, NULL, NULL, ev->mask);
				continue;
			}
			if (i == w->n || w->v[i].wd != ev->wd)
				continue;	/* dropped already */
			if (ev->mask & IN_IGNORED) {
				remove_at(w, i);	/* the folder is gone */
				continue;
			}
			/* fn may walk a new folder and add watches: v moves. */
			folder = xstrdup(w->v[i].path);
			fn(arg, folder, ev->len && ev->name[0] ? ev->name : NULL,
			    ev->mask);
			free(folder);
		}
	}
}
