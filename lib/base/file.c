/*
 * file.c - reading a whole file, with a bound chosen by the caller
 *
 * The one reader of whole files in the suite: every caller names the
 * largest file it accepts, so what an input claims never decides how much
 * we allocate. Files that do not say their size (pipes, /proc) are read
 * in growing chunks, still under the bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "file.h"

char *
file_read(const char *path, size_t limit, size_t *size)
{
	char *text;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	text = file_read_fd(fd, limit, size);
	saved = errno;
	close(fd);
	errno = saved;
	return text;
}

char *
file_read_fd(int fd, size_t limit, size_t *size)
{
	struct stat st;
	char *text = NULL;
	size_t n = 0, cap = 0;
	ssize_t got;
	int saved;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((unsigned long long)st.st_size > limit) {
			errno = EFBIG;
			return NULL;
		}
		cap = (size_t)st.st_size;
		text = xmalloc(cap + 1);
	}
	for (;;) {
		if (n == cap) {
			/*
			 * Full, as fstat said or as far as we had room: one
			 * byte more tells the end from a file that goes on.
			 */
			char probe;

			while ((got = read(fd, &probe, 1)) < 0 && errno == EINTR)
				;
			if (got < 0)
				goto fail;
			if (got == 0)
				break;
			if (cap >= limit) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : IO_CHUNK;
			if (cap > limit)
				cap = limit;
			text = xrealloc(text, cap + 1);
			text[n++] = probe;
			continue;
		}
		got = read(fd, text + n, cap - n);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (text == NULL)
		text = xmalloc(1);
	text[n] = '\0';
	*size = n;
	return text;
fail:
	saved = errno;
	free(text);
	errno = saved;
	return NULL;
}

char *
file_first_line(const char *path, size_t limit)
{
	size_t size, n;
	char *text;

	if ((text = file_read(path, limit, &size)) == NULL)
		return NULL;
	n = strcspn(text, "\n");
	if (n > 0 && text[n - 1] == '\r')
		n--;
	text[n] = '\0';
	return text;
}

long
file_read_into(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd, saved;

	if (size == 0) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (long)len;
}
