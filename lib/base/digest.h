/* digest.h - content hashes: what identifies a replay, a model, a candidate */
#ifndef DIGEST_H
#define DIGEST_H

#include <stddef.h>
#include <stdint.h>

/* 32 hex digits and a NUL. */
#define MD5_HEX_SIZE 33

void md5_hex(const uint8_t *data, size_t size, char hex[MD5_HEX_SIZE]);
/* One piece of what a hash is taken over. */
struct md5_part {
	const void *data;
	size_t size;
};

/* The MD5 of the parts, one after another, without copying them together. */
void md5_parts_hex(const struct md5_part *parts, size_t n, char hex[MD5_HEX_SIZE]);
/* The MD5 of data[0..size) as its 16 bytes. */
void md5_raw(const void *data, size_t size, unsigned char out[16]);
/* 16 bytes as 32 lower-case hex digits, and back: 0, or -1 when hex is no MD5. */
void md5_bytes_hex(const unsigned char md5[16], char hex[MD5_HEX_SIZE]);
int md5_hex_bytes(const char *hex, unsigned char md5[16]);
/* The file's MD5; -1 (hex empty) when it cannot be read. */
int md5_file(const char *path, char hex[MD5_HEX_SIZE]);

#endif
