/* file.h - reading a whole file, with a bound chosen by the caller */
#ifndef FILE_H
#define FILE_H

#include <stddef.h>

/*
 * The whole of path, NUL-terminated (the NUL not counted in *size).
 * Returns NULL with errno set: EFBIG when it is larger than limit bytes,
 * which is checked before the memory is allocated.
 */
char *file_read(const char *path, size_t limit, size_t *size);

#endif
