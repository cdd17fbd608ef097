/* walk.h - the files below a folder, at any depth, in byte order of their paths */
#ifndef WALK_H
#define WALK_H

#include <stddef.h>

#include "strlist.h"

/*
 * Add the regular files below dir whose path keep() accepts (FIFOs,
 * devices and sockets never), then sort the whole set. Returns 0, or -1
 * when a folder could not be read (reported on stderr; what could be read
 * is kept).
 */
int walk_files(const char *dir, int (*keep)(const char *path), struct strlist *out);
/* The same without a word on stderr: for a look before the real walk. */
int walk_files_silent(const char *dir, int (*keep)(const char *path),
		      struct strlist *out);

/* Case-insensitive suffix test. */
int has_suffix(const char *s, const char *suffix);

#endif
