/* lock.h - exclusive locks on a separate lock file */
#ifndef LOCK_H
#define LOCK_H

/*
 * Lock "<path>.lock" (created if needed), never path itself: the file is
 * replaced by rename, so a lock on it would be lost with the old inode.
 * Blocks until the lock is ours. Returns the descriptor to pass to
 * unlock_file(), or -1 with errno set.
 */
int lock_file(const char *path);
void unlock_file(int fd);

#endif
