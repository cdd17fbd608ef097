/* digest.h - content hashes: what identifies a replay, a model, a candidate */
#ifndef DIGEST_H
#define DIGEST_H

#include <stddef.h>
#include <stdint.h>

/* 32 hex digits and a NUL. */
#define MD5_HEX_SIZE 33

void md5_hex(const uint8_t *data, size_t size, char hex[MD5_HEX_SIZE]);
/* The file's MD5; -1 (hex empty) when it cannot be read. */
int md5_file(const char *path, char hex[MD5_HEX_SIZE]);

#endif
