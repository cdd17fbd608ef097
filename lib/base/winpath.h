/* winpath.h - Windows paths as WSL sees them, through wslpath */
#ifndef WINPATH_H
#define WINPATH_H

#include "strbuf.h"

/* A drive (D:\x, D:/x, D:) or a backslash: a path written on Windows. */
int winpath_is_windows(const char *value);

/*
 * value as a WSL path: wslpath -u's answer (D:\x is /mnt/d/x) for a path
 * written on Windows, a copy of value for anything else. NULL after
 * saying why in why: no wslpath (outside WSL), a drive not mounted.
 */
char *winpath_to_wsl(const char *value, struct strbuf *why);

#endif
