/* watch.h - what changes in an input folder: inotify on every folder of its tree */
#ifndef WATCH_H
#define WATCH_H

#include <stddef.h>
#include <stdint.h>

struct watched_dir {
	int wd;
	char *path;		/* as the scan names it: the root as given, then '/' and names */
	unsigned pass;		/* the full walk that last saw it */
};

struct watch {
	int fd;			/* the inotify instance; -1: none (the folder is polled) */
	struct watched_dir *v;	/* in rising wd order */
	size_t n, cap;
	unsigned pass;		/* the full walk under way */
};

/*
 * One inotify instance (non-blocking, close-on-exec). Returns 0, or -1
 * with errno set (ENOSYS, EMFILE: the caller polls instead).
 */
int watch_open(struct watch *w);
void watch_close(struct watch *w);

/*
 * A full walk of the tree begins: the folders it does not add again are
 * dropped by watch_end(), since their paths are no longer what they were
 * (renamed, moved out, gone).
 */
void watch_begin(struct watch *w);
void watch_end(struct watch *w);
/*
 * Watch the folder at path for files appearing, changing, going, and for
 * folders doing the same. Returns 0, or -1 with errno set (ENOSPC: the
 * user's fs.inotify.max_user_watches is used up).
 */
int watch_add(struct watch *w, const char *path);

/*
 * What one event says: the folder it happened in (as given to watch_add),
 * the name in it (NULL for the folder itself), and the inotify mask.
 * IN_Q_OVERFLOW comes with folder and name NULL: events were lost.
 */
typedef void watch_fn(void *arg, const char *folder, const char *name,
		      uint32_t mask);
/*
 * Call fn for each event that has come, without waiting. Returns how many
 * events there were, or -1 with errno set.
 */
long watch_read(struct watch *w, watch_fn *fn, void *arg);

#endif
