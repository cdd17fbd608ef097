/*
 * config.c - "key = value" files whose keys are a program's long options
 *
 * A leading ~ in a value is expanded as the shell would have done on the
 * command line (~/x, ~user/x): a config file is where people write paths
 * as they type them, and a literal "~" folder is never what they meant.
 * Nothing else is expanded: no quotes, no variables.
 */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "die.h"
#include "strbuf.h"

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

/*
 * value with a leading ~ or ~user expanded into *out, or value itself.
 * Returns NULL (after a message) for a user or home that cannot be found.
 */
static const char *
expand_tilde(const char *path, int line, const char *value, struct strbuf *out)
{
	const char *rest, *home = NULL;
	struct passwd *pw;
	char user[256];
	size_t n;

	if (value[0] != '~')
		return value;
	rest = value + 1 + strcspn(value + 1, "/");
	n = (size_t)(rest - value - 1);
	if (n == 0) {
		if ((home = getenv("HOME")) == NULL || *home == '\0')
			home = (pw = getpwuid(getuid())) ? pw->pw_dir : NULL;
	} else if (n < sizeof user) {
		memcpy(user, value + 1, n);
		user[n] = '\0';
		home = (pw = getpwnam(user)) ? pw->pw_dir : NULL;
	}
	if (home == NULL) {
		warnmsg("%s:%d: cannot expand %.*s: no such user or home", path,
		    line, (int)(n + 1), value);
		return NULL;
	}
	sb_adds(out, home);
	sb_adds(out, rest);
	return out->data;
}

int
config_read(const char *path, int (*set)(void *, const char *, const char *),
	    void *ctx)
{
	FILE *f = fopen(path, "r");
	struct strbuf expanded = { 0 };
	char *line = NULL, *key, *value, *eq;
	const char *v;
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
		sb_free(&expanded);
		if ((v = expand_tilde(path, n, value, &expanded)) == NULL) {
			rc = -1;
			break;
		}
		if (set(ctx, key, v) < 0) {
			warnmsg("%s:%d: in the setting '%s'", path, n, key);
			rc = -1;
			break;
		}
	}
	sb_free(&expanded);
	free(line);
	fclose(f);
	return rc;
}
