/* file.h - reading a whole file, with a bound chosen by the caller */
#ifndef FILE_H
#define FILE_H

#include <stddef.h>

/* How much the suite reads or copies at a time. */
#define IO_CHUNK 65536

/*
 * The whole of path, NUL-terminated (the NUL not counted in *size).
 * Returns NULL with errno set: EFBIG when it is larger than limit bytes,
 * which is checked before the memory is allocated.
 */
char *file_read(const char *path, size_t limit, size_t *size);
/* The same from an open descriptor, read from where it stands; fd stays open. */
char *file_read_fd(int fd, size_t limit, size_t *size);

/*
 * The first line of path, without its line ending (\n or \r\n): a secret
 * kept out of the command line, where ps shows it to every user. path may
 * be a pipe (<(pass show KEY)). Returns a string to free, or NULL with
 * errno set: EFBIG when the file is larger than limit bytes.
 */
char *file_first_line(const char *path, size_t limit);

/*
 * Up to size - 1 bytes of path into buf, NUL-terminated: for small kernel
 * files read every second, without allocating; a larger file is cut, so
 * what a file holds never decides how much memory is used. Returns the
 * length, or -1 with errno set.
 */
long file_read_into(const char *path, char *buf, size_t size);

#endif
