/* lock.h - exclusive locks on a separate lock file */
#ifndef LOCK_H
#define LOCK_H

/*
 * Lock "<path>.lock" (created if needed), never path itself: the file is
 * replaced by rename, so a lock on it would be lost with the old inode.
 * Through a symbolic link the lock is the target's ("TARGET.lock" beside
 * the real file), so two names of one file share one lock. "-", a device
 * or a FIFO has no content to lose between a read and a write, and no
 * lock file is made beside it (never "/dev/null.lock"): the descriptor
 * returned then holds nothing. Blocks until the lock is ours. Returns the
 * descriptor to pass to unlock_file(), or -1 with errno set.
 */
int lock_file(const char *path);
void unlock_file(int fd);

#endif
