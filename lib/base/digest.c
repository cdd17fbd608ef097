/* digest.c - content hashes, through libmd */
#include <sys/stat.h>

#include <fcntl.h>
#include <md5.h>
#include <stdio.h>
#include <unistd.h>

#include "digest.h"
#include "file.h"

void
md5_hex(const uint8_t *data, size_t size, char hex[MD5_HEX_SIZE])
{
	MD5Data(data, size, hex);
}

int
md5_file(const char *path, char hex[MD5_HEX_SIZE])
{
	uint8_t buf[IO_CHUNK];
	MD5_CTX ctx;
	struct stat st;
	size_t n;
	FILE *f;
	int bad, fd;

	hex[0] = '\0';
	/* Non-blocking open: a FIFO where a file was expected must not hang us. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (f = fdopen(fd, "rb")) == NULL) {
		close(fd);
		return -1;
	}
	MD5Init(&ctx);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		MD5Update(&ctx, buf, n);
	bad = ferror(f);
	fclose(f);
	MD5End(&ctx, hex);
	if (bad) {
		hex[0] = '\0';
		return -1;
	}
	return 0;
}

void
md5_parts_hex(const struct md5_part *parts, size_t n, char hex[MD5_HEX_SIZE])
{
	MD5_CTX ctx;
	size_t i;

	MD5Init(&ctx);
	for (i = 0; i < n; i++)
		MD5Update(&ctx, parts[i].data, parts[i].size);
	MD5End(&ctx, hex);
}
