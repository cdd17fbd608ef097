/*
 * host.c - a host probe: the figures of the machine we run inside of, from
 * a command that streams them
 *
 * Inside WSL2 /proc describes a virtual machine: a game on the Windows host
 * that takes every core and most of the memory leaves it looking idle. So
 * the host measures itself (res-gate.exe --stream, hostline.h) and we read
 * its newest line each time we judge. It is started once and kept: a
 * Windows process started through WSL's interop takes a good part of a
 * second to start, and a long-lived one costs the driver only a read.
 *
 * A probe is outside data and outside our control: it may not start (and
 * through interop a failed launch exits 1, like "over": only a line says
 * the probe works), die, hang, or print garbage. Each of those is no
 * figures, and no figures shut the gate; the probe is stopped and started
 * again after a pause that doubles while it keeps failing. Its standard
 * input is a pipe we never write to: closing it is how it is told to end,
 * the one signal that crosses interop to a Windows process.
 */
#include <sys/wait.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clock.h"
#include "die.h"
#include "host.h"
#include "spawn.h"
#include "strbuf.h"

/* Silence longer than this many spans, and this many seconds, is a hung probe. */
#define SILENT_SPANS 3
#define SILENT_MIN 2.0
#define BACKOFF_FIRST 1.0
#define BACKOFF_MAX 60.0
/* A probe told to stop gets this long before SIGKILL. */
#define STOP_GRACE 2.0
/*
 * More than this between two polls is no probe's stream (a line a few
 * hundred bytes long, some a second) but a flood that would keep the
 * reader from ever returning.
 */
#define FLOOD (1 << 20)

void
host_probe_init(struct host_probe *h, const char *cmd, const char *dir,
    const char *err, double first_wait)
{
	memset(h, 0, sizeof *h);
	h->cmd = xstrdup(cmd);
	h->dir = dir ? xstrdup(dir) : NULL;
	h->err = err;
	if (err != NULL && err != spawn_inherit)
		h->err = h->err_copy = xstrdup(err);
	h->first_wait = first_wait;
	h->in = h->out = -1;
	h->backoff = BACKOFF_FIRST;
	snprintf(h->why, sizeof h->why, "not started");
}

/* How a reaped probe ended, for why. */
static void
ended(char *buf, size_t size, int status)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "ended");
}

/* Reap a stopping probe, SIGKILL it after STOP_GRACE; 1 when it is gone. */
static int
reap_stopping(struct host_probe *h, double now, int block)
{
	int status;
	pid_t r;

	while (h->stopping > 0) {
		r = waitpid(h->stopping, &status, WNOHANG);
		if (r == h->stopping || (r < 0 && errno != EINTR)) {
			h->stopping = 0;
			break;
		}
		if (now - h->stop_sent >= STOP_GRACE) {
			spawn_signal(h->stopping, SIGKILL);
			spawn_wait(h->stopping);
			h->stopping = 0;
			break;
		}
		if (!block)
			return 0;
		pause_seconds(0.01);
		now = monotonic_seconds();
	}
	return 1;
}

/*
 * How the running probe ended, waiting up to 0.1 s for it to exit: its
 * output may close a moment before. Reaped: h->pid is then 0.
 */
static void
exit_text(struct host_probe *h, char *buf, size_t size)
{
	double end = monotonic_seconds() + 0.1;
	int status;
	pid_t r;

	snprintf(buf, size, "its output closed");
	for (;;) {
		r = waitpid(h->pid, &status, WNOHANG);
		if (r == h->pid) {
			ended(buf, size, status);
			h->pid = 0;
			return;
		}
		if ((r < 0 && errno != EINTR) || monotonic_seconds() >= end)
			return;
		pause_seconds(0.005);
	}
}

/*
 * Stop the running probe, for why: its input closed (the way to tell a
 * Windows process), its group sent SIGTERM (the Linux side: sh, wine, the
 * interop relay) unless it has been reaped. It is reaped later, or by the
 * next stop; the next start waits for the back-off.
 */
static void
stop(struct host_probe *h, double now, const char *why)
{
	snprintf(h->why, sizeof h->why, "%s", why);
	h->failures++;
	if (h->in >= 0)
		close(h->in);
	if (h->out >= 0)
		close(h->out);
	h->in = h->out = -1;
	h->len = 0;
	h->skipping = 0;
	h->have = 0;
	if (h->pid > 0) {
		spawn_signal(h->pid, SIGTERM);
		reap_stopping(h, now, 1);	/* an older one: gone by now */
		h->stopping = h->pid;
		h->stop_sent = now;
		h->pid = 0;
	}
	h->next_start = now + h->backoff;
	h->backoff = h->backoff * 2 < BACKOFF_MAX ? h->backoff * 2 : BACKOFF_MAX;
}

static void
launch(struct host_probe *h, double now)
{
	char *argv[] = { "/bin/sh", "-c", h->cmd, NULL };
	int in, out;
	pid_t pid;

	h->starts++;
	h->started = now;
	h->have = 0;
	if ((pid = spawn_pipes(argv, h->dir, &in, &out, h->err)) < 0) {
		snprintf(h->why, sizeof h->why, "cannot start: %s", strerror(errno));
		h->next_start = now + h->backoff;
		h->backoff = h->backoff * 2 < BACKOFF_MAX ? h->backoff * 2 : BACKOFF_MAX;
		return;
	}
	fcntl(out, F_SETFL, fcntl(out, F_GETFL) | O_NONBLOCK);
	h->pid = pid;
	h->in = in;
	h->out = out;
	if (h->starts == 1) {
		snprintf(h->why, sizeof h->why, "started, no line yet");
	} else {
		char last[sizeof h->why];

		memcpy(last, h->why, sizeof last);
		snprintf(h->why, sizeof h->why, "started again, no line yet (it %.*s)",
		    (int)sizeof h->why - 40, last);
	}
}

/* One complete line: the newest figures, or a reason to stop the probe. */
static int
take_line(struct host_probe *h, const char *line, size_t len, double now)
{
	struct strbuf why = { 0 };
	struct gate_sample s;
	double self;

	if (hostline_parse(line, len, &s, &self, &why) < 0) {
		snprintf(h->why, sizeof h->why, "a bad line (%s)", why.data);
		sb_free(&why);
		return -1;
	}
	h->last = s;
	h->self = self;
	h->have = 1;
	h->lines++;
	h->last_line = now;
	h->backoff = BACKOFF_FIRST;
	return 0;
}

/* Everything the pipe holds; -1 with why set when the probe must stop. */
static int
drain(struct host_probe *h, double now, int *eof)
{
	char chunk[4096], *nl, *p;
	size_t k, total = 0;
	ssize_t n;

	*eof = 0;
	for (;;) {
		if (total > FLOOD) {
			snprintf(h->why, sizeof h->why, "over %d bytes at once", FLOOD);
			return -1;
		}
		n = read(h->out, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			*eof = 1;
			return 0;
		}
		total += (size_t)n;
		for (p = chunk; p < chunk + n; p = nl + 1) {
			k = (size_t)(chunk + n - p);
			if ((nl = memchr(p, '\n', k)) == NULL) {
				if (h->len + k >= sizeof h->buf)
					h->skipping = 1;
				if (!h->skipping)
					memcpy(h->buf + h->len, p, k);
				h->len = h->skipping ? 0 : h->len + k;
				break;
			}
			k = (size_t)(nl - p);
			if (h->skipping || h->len + k >= sizeof h->buf) {
				snprintf(h->why, sizeof h->why, "a line over %d bytes",
				    HOSTLINE_MAX);
				return -1;
			}
			memcpy(h->buf + h->len, p, k);
			if (take_line(h, h->buf, h->len + k, now) < 0)
				return -1;
			h->len = 0;
		}
	}
}

int
host_probe_poll(struct host_probe *h, double now)
{
	int was = h->ok, eof;
	double silent, limit;
	char why[sizeof h->why], how[64];

	reap_stopping(h, now, 0);
	if (h->pid > 0) {
		if (drain(h, now, &eof) < 0) {
			memcpy(why, h->why, sizeof why);
			stop(h, now, why);
		} else if (eof) {
			exit_text(h, how, sizeof how);
			snprintf(why, sizeof why, h->have ? "ended (%s)" :
			    "ended before its first line (%s)", how);
			stop(h, now, why);
		} else {
			silent = now - (h->have ? h->last_line : h->started);
			limit = h->have ? SILENT_SPANS * h->last.seconds : h->first_wait;
			if (h->have && limit < SILENT_MIN)
				limit = SILENT_MIN;
			if (silent > limit) {
				snprintf(why, sizeof why, h->have ? "silent for %.1f s" :
				    "no line in %.1f s after its start", silent);
				stop(h, now, why);
			}
		}
	}
	if (h->pid <= 0 && h->stopping <= 0 && now >= h->next_start)
		launch(h, now);
	h->ok = h->pid > 0 && h->have;
	if (h->ok)
		snprintf(h->why, sizeof h->why, "streaming");
	return h->ok != was;
}

int
host_probe_wait(struct host_probe *h, double seconds)
{
	double end = monotonic_seconds() + seconds, now;

	for (;;) {
		now = monotonic_seconds();
		host_probe_poll(h, now);
		/* A probe that failed is not waited for: it starts again later. */
		if (h->ok || h->pid <= 0 || now >= end)
			return h->ok;
		pause_seconds(0.005);
	}
}

void
host_probe_apply(const struct host_probe *h, struct gate_sample *s,
    double busy_cpus, double bytes)
{
	struct gate_sample host;
	char why[200];

	if (!h->ok) {
		snprintf(why, sizeof why, "the host probe: %s", h->why);
		gate_host_broken(s, why);
		return;
	}
	host = h->last;
	gate_exclude_units(&host, busy_cpus, bytes);
	gate_merge_host(s, &host);
}

void
host_probe_free(struct host_probe *h)
{
	double now = monotonic_seconds(), end = now + 0.5;
	char how[64];

	if (h->pid > 0) {
		/* Asked first: a probe whose input ends leaves by itself. */
		close(h->in);
		h->in = -1;
		while (h->pid > 0 && monotonic_seconds() < end)
			exit_text(h, how, sizeof how);
		stop(h, now, "stopped");
	}
	if (h->out >= 0)
		close(h->out);
	reap_stopping(h, now, 1);
	free(h->cmd);
	free(h->dir);
	free(h->err_copy);
	memset(h, 0, sizeof *h);
}

int
host_in_wsl(void)
{
	const char *env = getenv("WSL_INTEROP");

	return (env != NULL && *env != '\0') ||
	    access("/proc/sys/fs/binfmt_misc/WSLInterop", F_OK) == 0;
}

static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The user folder of a /mnt/X/Users/NAME/... path is NAME, any case. */
static int
users_is(const char *path, const char *user)
{
	const char *p = strstr(path, "/Users/");
	size_t n = strlen(user);

	return p != NULL && strncasecmp(p + 7, user, n) == 0 && p[7 + n] == '/';
}

/* The installed probe's path into exe, or -1 with where it looked. */
static int
find_exe(struct strbuf *exe, struct strbuf *why)
{
	static const char pattern[] = "/mnt/*/Users/*/AppData/Local/bgtrain/res-gate.exe";
	const char *windir = getenv("BGTRAIN_WINDIR"), *user = getenv("USER");
	glob_t g;
	size_t i, pick = 0, matches = 0;

	if (windir != NULL && *windir != '\0') {
		sb_printf(exe, "%s/res-gate.exe", windir);
		if (is_file(exe->data))
			return 0;
		sb_printf(why, "no %s ($BGTRAIN_WINDIR)", exe->data);
		return -1;
	}
	if (glob(pattern, 0, NULL, &g) != 0) {
		sb_printf(why, "no %s", pattern);
		return -1;
	}
	for (i = 0; i < g.gl_pathc; i++)
		if (g.gl_pathc == 1 || (user && users_is(g.gl_pathv[i], user))) {
			pick = i;
			matches++;
		}
	if (matches == 1)
		sb_adds(exe, g.gl_pathv[pick]);
	else
		sb_printf(why, "%zu of %s, none of them $USER's: give --host-probe",
		    g.gl_pathc, pattern);
	globfree(&g);
	return matches == 1 ? 0 : -1;
}

int
host_probe_find(double stream_ms, struct strbuf *cmd, struct strbuf *dir,
    struct strbuf *why)
{
	struct strbuf exe = { 0 };
	const char *p;
	char *slash;

	if (!host_in_wsl())
		return 0;
	if (find_exe(&exe, why) < 0) {
		sb_free(&exe);
		return -1;
	}
	/* Quoted for /bin/sh: a Windows user's name may hold anything. */
	sb_adds(cmd, "exec '");
	for (p = exe.data; *p != '\0'; p++)
		if (*p == '\'')
			sb_adds(cmd, "'\\''");
		else
			sb_addc(cmd, *p);
	sb_printf(cmd, "' --stream %.0f", stream_ms);
	slash = strrchr(exe.data, '/');
	sb_add(dir, exe.data, slash > exe.data ? (size_t)(slash - exe.data) : 1);
	sb_free(&exe);
	return 1;
}
