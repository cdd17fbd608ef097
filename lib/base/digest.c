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

void
md5_raw(const void *data, size_t size, unsigned char out[16])
{
	MD5_CTX ctx;

	MD5Init(&ctx);
	MD5Update(&ctx, data, size);
	MD5Final(out, &ctx);
}

void
md5_bytes_hex(const unsigned char md5[16], char hex[MD5_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < 16; i++) {
		hex[2 * i] = digits[md5[i] >> 4];
		hex[2 * i + 1] = digits[md5[i] & 15];
	}
	hex[32] = '\0';
}

static int
hex_digit(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ?
	    ch - 'a' + 10 : -1;
}

int
md5_hex_bytes(const char *hex, unsigned char md5[16])
{
	size_t i;

	for (i = 0; i < 16; i++) {
		int hi = hex_digit(hex[2 * i]);
		int lo = hi < 0 ? -1 : hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		md5[i] = (unsigned char)(hi << 4 | lo);
	}
	return hex[32] == '\0' ? 0 : -1;
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
