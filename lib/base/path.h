/* path.h - joining folder and file names */
#ifndef PATH_H
#define PATH_H

/* "dir/name" in new memory; no doubled '/' when dir ends with one. */
char *path_join(const char *dir, const char *name);

#endif
