/* atomic.h - replacing files whole: temp file, fsync, rename */
#ifndef ATOMIC_H
#define ATOMIC_H

#include <stdio.h>

struct atomic_file {
	FILE *f;
	char *path;	/* the file to replace */
	char *tmp;	/* its temporary sibling */
};

/*
 * Open a temporary file beside path. Returns 0, or -1 with errno set.
 * Readers of path see the old file until atomic_commit() renames.
 */
int atomic_open(struct atomic_file *af, const char *path);
/* Flush, fsync, rename over path, fsync the folder; -1 with errno on failure
 * (the temporary file is then removed and path left as it was). */
int atomic_commit(struct atomic_file *af);
void atomic_abort(struct atomic_file *af);

/*
 * Remove the temporary siblings of path ("<path>.tmp.*") that a writer
 * killed mid-write left behind. Call it only while holding the lock that
 * all of path's writers take, or it could remove a live writer's file.
 */
void atomic_remove_stale(const char *path);

/*
 * Move path into dir (created if needed), keeping its name: rename(2), or on
 * another file system an atomic copy and an unlink. With a reason, also
 * write it to dir/NAME.reason. Returns 0, or -1 with errno set.
 */
int move_into(const char *dir, const char *path, const char *reason);

/* Replace path with data[0..size) in one go. */
int atomic_write(const char *path, const void *data, size_t size);

#endif
