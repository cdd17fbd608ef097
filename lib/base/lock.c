/* lock.c - exclusive locks on a separate lock file */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "lock.h"

int
lock_file(const char *path)
{
	char *name = xmalloc(strlen(path) + 6);
	int fd, saved;

	sprintf(name, "%s.lock", path);
	fd = open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
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
