/*
 * winpath.c - Windows paths as WSL sees them, through wslpath
 *
 * bgtrain.bat hands its arguments to bgtrain untouched (cmd's own parsing
 * mangles them), so the translation of D:\replays into /mnt/d/replays is
 * bgtrain's, for the values of its path options wherever they come from.
 * WSL's wslpath does it: it knows where each drive is mounted (wsl.conf
 * may move them), and UNC and \\wsl$ paths. A value that is not a Windows
 * path (/home/x, ~/x, a plain name) is left as it is, so the same command
 * line works from Windows and from WSL.
 */
#include <sys/wait.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "spawn.h"
#include "winpath.h"

/* wslpath's answer: a path, far shorter than this. */
#define ANSWER_MAX 65536

int
winpath_is_windows(const char *v)
{
	int drive = ((v[0] >= 'A' && v[0] <= 'Z') || (v[0] >= 'a' && v[0] <= 'z')) &&
	    v[1] == ':' && (v[2] == '\0' || v[2] == '\\' || v[2] == '/');

	/* An option's value that starts with '-' is no path of ours to turn. */
	return v[0] != '-' && (drive || strchr(v, '\\') != NULL);
}

char *
winpath_to_wsl(const char *value, struct strbuf *why)
{
	char *argv[] = { "/bin/sh", "-c", "exec wslpath -u \"$1\"", "wslpath",
	    (char *)value, NULL };
	struct strbuf out = { 0 };
	char buf[4096];
	int in, fd, status;
	ssize_t n;
	pid_t pid;

	if (!winpath_is_windows(value))
		return xstrdup(value);
	if ((pid = spawn_pipes(argv, NULL, &in, &fd, spawn_inherit)) < 0) {
		sb_printf(why, "cannot run wslpath: %s", strerror(errno));
		return NULL;
	}
	close(in);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || out.len + (size_t)n > ANSWER_MAX)
			break;
		sb_add(&out, buf, (size_t)n);
	}
	close(fd);
	status = spawn_wait(pid);
	while (out.len > 0 && (out.data[out.len - 1] == '\n' || out.data[out.len - 1] == '\r'))
		out.data[--out.len] = '\0';
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || out.len == 0 ||
	    memchr(out.data, '\0', out.len) != NULL) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			sb_adds(why, "no wslpath: --windows-paths is for WSL");
		else
			sb_adds(why, "wslpath cannot translate it");
		sb_free(&out);
		return NULL;
	}
	return out.data;
}
