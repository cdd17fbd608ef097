/*
 * host.h - a host probe: a command that streams the figures of the machine
 * we run inside of (res-gate.exe --stream on WSL's Windows host), kept
 * running, read without blocking, restarted when it fails
 */
#ifndef HOST_H
#define HOST_H

#include <sys/types.h>

#include "gate.h"
#include "hostline.h"

struct host_probe {
	char *cmd;		/* run through /bin/sh -c */
	char *dir;		/* its working directory; NULL: ours */
	const char *err;	/* its standard error (spawn's err)... */
	char *err_copy;		/* ...when it is a file: our copy */
	double first_wait;	/* seconds a new probe has for its first line */
	pid_t pid;		/* running; 0 none */
	int in, out;		/* our ends of its standard input and output */
	char buf[HOSTLINE_MAX];	/* the line being read */
	size_t len;
	int skipping;		/* the line being read is too long: dropped */
	struct gate_sample last;	/* its newest good line's figures */
	double self;		/* ...and its own CPU seconds then */
	unsigned long lines;	/* good lines read, all runs */
	int have;		/* last holds a line of the running probe */
	double started, last_line;	/* monotonic seconds */
	double backoff, next_start;	/* restarts: the pause, doubling, and when */
	unsigned starts, failures;
	pid_t stopping;		/* a probe told to stop, not yet reaped */
	double stop_sent;
	int ok;			/* figures now; else why says why not */
	char why[160];
};

/*
 * Nothing runs yet: host_probe_poll starts it. cmd, dir and err (a file
 * appended to; NULL: /dev/null, spawn_inherit: ours) are copied.
 */
void host_probe_init(struct host_probe *h, const char *cmd, const char *dir,
    const char *err, double first_wait);

/*
 * Read what the probe sent, without blocking; notice that it ended, sent a
 * bad line, or stayed silent for three of its spans (at least 2 s) or
 * first_wait before its first line, and stop it; start it when due, again
 * after 1, 2, 4 ... 60 s while it keeps failing. Returns 1 when it went
 * from giving figures to not, or back (h->ok, h->why say which), else 0.
 */
int host_probe_poll(struct host_probe *h, double now);

/*
 * Wait up to seconds for the running probe's first line, polling it;
 * returns 1 when there are figures, 0 when there are none by then or the
 * probe failed first.
 */
int host_probe_wait(struct host_probe *h, double seconds);

/*
 * The worse of s's figures and the probe's newest, our own workers (busy
 * CPUs and bytes, gate_exclude_to_units) left out of the probe's; without
 * figures, s is marked broken with why: the gate shuts.
 */
void host_probe_apply(const struct host_probe *h, struct gate_sample *s,
    double busy_cpus, double bytes);

/* Stop it: its standard input closed, then SIGTERM, SIGKILL; reaped. */
void host_probe_free(struct host_probe *h);

/* Whether we run in WSL with Windows' interop: Windows programs start from here. */
int host_in_wsl(void);

/*
 * The probe a program in WSL uses by itself: res-gate.exe, installed by
 * make install-windows in the Windows user's local application data folder
 * (%LOCALAPPDATA%\bgtrain: $BGTRAIN_WINDIR, which bgtrain.bat hands over,
 * else the one /mnt/X/Users/NAME/AppData/Local/bgtrain/res-gate.exe, NAME
 * $USER when there are several). Returns 1 with the command streaming a
 * line every stream_ms in cmd and its folder in dir (interop is slow from
 * the Linux file system); 0 outside WSL; -1 in WSL without one, with where
 * it looked in why.
 */
int host_probe_find(double stream_ms, struct strbuf *cmd, struct strbuf *dir,
    struct strbuf *why);

#endif
