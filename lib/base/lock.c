/* lock.c - exclusive locks on a separate lock file, shared by every name of a file */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "lock.h"
#include "output.h"

int
lock_file(const char *path)
{
	char *target, *name;
	int fd, saved;

	/* Nothing to guard: a descriptor of "/" that holds no lock. */
	if (output_kind(path) != OUTPUT_FILE)
		return open("/", O_PATH | O_CLOEXEC);
	if ((target = output_target(path)) == NULL)
		return -1;
	name = xmalloc(strlen(target) + sizeof ".lock");
	sprintf(name, "%s.lock", target);
	free(target);
	/*
	 * The output may be a link (its lock is then beside the real target),
	 * the lock file never: a link there would have us create or lock a
	 * file someone else chose.
	 */
	fd = open(name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	saved = errno;
	free(name);
	if (fd < 0) {
		errno = saved;
		return -1;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
	}
	return fd;
}

void
unlock_file(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing releases the flock */
}
