/* digest.c - content hashes, through libmd */
#include <md5.h>
#include <stdio.h>

#include "digest.h"

void
md5_hex(const uint8_t *data, size_t size, char hex[MD5_HEX_SIZE])
{
	MD5Data(data, size, hex);
}

int
md5_file(const char *path, char hex[MD5_HEX_SIZE])
{
	uint8_t buf[65536];
	MD5_CTX ctx;
	size_t n;
	FILE *f;
	int bad;

	hex[0] = '\0';
	if ((f = fopen(path, "rb")) == NULL)
		return -1;
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
