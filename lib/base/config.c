/* config.c - "key = value" files whose keys are a program's long options */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "die.h"

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int
config_read(const char *path, int (*set)(void *, const char *, const char *),
	    void *ctx)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *key, *value, *eq;
	size_t cap = 0;
	int n = 0, rc = 0;

	if (f == NULL) {
		warnmsg("%s: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		n++;
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			warnmsg("%s:%d: not 'key = value': %s", path, n, key);
			rc = -1;
			break;
		}
		*eq = '\0';
		value = trim(eq + 1);
		key = trim(key);
		if (set(ctx, key, value) < 0) {
			warnmsg("%s:%d: in the setting '%s'", path, n, key);
			rc = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	return rc;
}
