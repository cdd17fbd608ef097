/*
 * config_win.c - config files in res-gate.exe: there are none
 *
 * options.c reads config files for the programs that take them; base's
 * reader expands ~user through the POSIX user database, which Windows does
 * not have, and res-gate.exe takes no config file. This is the one call of
 * it options.c links, refusing.
 */
#include <stddef.h>

#include "config.h"
#include "die.h"

int
config_read(const char *path, int (*set)(void *, const char *, const char *),
	    void *ctx)
{
	(void)set;
	(void)ctx;
	warnmsg("%s: config files are not read on Windows", path);
	return -1;
}
