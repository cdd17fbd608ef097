/* path.c - joining folder and file names, the one place that does it */
#include <stdio.h>
#include <string.h>

#include "die.h"
#include "path.h"

char *
path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	const char *sep = n > 0 && dir[n - 1] == '/' ? "" : "/";
	char *p = xmalloc(n + strlen(name) + 2);

	sprintf(p, "%s%s%s", dir, sep, name);
	return p;
}
