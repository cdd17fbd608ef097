/* atomic.h - writing outputs whole: temp file, fsync, rename; streams straight through */
#ifndef ATOMIC_H
#define ATOMIC_H

#include <stdio.h>

struct atomic_file {
	FILE *f;
	char *path;	/* the file to replace (a link's target) */
	char *tmp;	/* its temporary sibling; NULL when written directly */
	int direct;	/* 1: a device or FIFO, 2: standard output */
};

/*
 * Open path for writing, as output.h says: a regular file (or none yet)
 * through a temporary file beside it, or beside the file a symbolic link
 * ends at (the link is kept); "-" is standard output; a device or FIFO is
 * opened and written straight through (there is nothing to replace and no
 * old content to keep); a folder is EISDIR. Returns 0, or -1 with errno
 * set. Readers of a regular file see the old one until atomic_commit().
 */
int atomic_open(struct atomic_file *af, const char *path);
/* Flush, fsync, rename over path, fsync the folder; -1 with errno on failure
 * (the temporary file is then removed and path left as it was). A stream is
 * flushed and closed (standard output is only flushed). */
int atomic_commit(struct atomic_file *af);
void atomic_abort(struct atomic_file *af);

/*
 * Remove the temporary siblings of path ("<path>.tmp.*") that a writer
 * killed mid-write left behind. Call it only while holding the lock that
 * all of path's writers take, or it could remove a live writer's file.
 * Through a symbolic link, the siblings are the target's.
 */
void atomic_remove_stale(const char *path);

/*
 * Move path into dir (created if needed), keeping its name: rename(2), or on
 * another file system an atomic copy and an unlink. With a reason, also
 * write it to dir/NAME.reason. Returns 0, or -1 with errno set.
 */
int move_into(const char *dir, const char *path, const char *reason);

/*
 * Keep path under a second name beside it that no file has yet: path
 * SUFFIX, else path SUFFIX.1 up to .999. A hard link: nothing is copied,
 * nothing replaced, and the folder is synced. Returns the new name
 * (allocated), or NULL with errno set.
 */
char *link_aside(const char *path, const char *suffix);

/*
 * Replace dest with a copy of the file path, as atomic_open() writes (a
 * reader of dest sees the old copy or the new one). Returns 0, or -1 with
 * errno set.
 */
int atomic_copy(const char *path, const char *dest);

/* Replace path with data[0..size) in one go (or write it to the stream). */
int atomic_write(const char *path, const void *data, size_t size);

/*
 * Append data[0..size) to the end of fd's file whole or not at all (and
 * fsync it when sync is set): a write or fsync that fails part-way (a full
 * disk) is cut back to where the file ended, so a log or ledger never holds
 * a torn record that the next append would bury mid-file. Returns 0, or -1
 * with errno set.
 */
int append_whole(int fd, const void *data, size_t size, int sync);

#endif
