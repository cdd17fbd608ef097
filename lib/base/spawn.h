/* spawn.h - child processes in their own process groups */
#ifndef SPAWN_H
#define SPAWN_H

#include <sys/types.h>

/*
 * Start argv[0] (a path) with argv, in a process group of its own, with
 * standard input from /dev/null and standard output and error appended to
 * out and err (NULL: /dev/null). The child gets SIGTERM if the driver dies,
 * so a SIGKILLed driver leaves no worker behind. Returns the pid, or -1.
 */
pid_t spawn(char *const argv[], const char *out, const char *err);
/* spawn(), with env's "NAME=VALUE" strings (NULL-ended) added to the child's environment. */
pid_t spawn_env(char *const argv[], char *const env[], const char *out,
		const char *err);

/*
 * spawn(), in dir (NULL: ours), talking through pipes: *in is our end of
 * its standard input, *out of its standard output (both close-on-exec);
 * its standard error goes to err (NULL: /dev/null; spawn_inherit: ours).
 * Returns the pid, or -1.
 */
extern const char spawn_inherit[];
pid_t spawn_pipes(char *const argv[], const char *dir, int *in, int *out,
		  const char *err);

/*
 * How much a child yields to everything else on the machine (the game):
 * a nice value (raised to it, never lowered), an I/O class, and whether
 * it runs only when a CPU is otherwise idle (SCHED_IDLE).
 */
enum spawn_io { SPAWN_IO_IDLE, SPAWN_IO_BEST_EFFORT, SPAWN_IO_AS_IS };
struct spawn_yield {
	int nice;		/* 0..19; 0: as the parent */
	enum spawn_io io;	/* idle class; best-effort at its lowest level; as is */
	int idle;		/* SCHED_IDLE */
};

/* spawn(), the child yielding as y says (NULL: as the parent runs). */
pid_t spawn_yielding(char *const argv[], const struct spawn_yield *y,
		     const char *out, const char *err);

/* Signal a child's whole process group. */
void spawn_signal(pid_t pid, int sig);

/* Wait for pid; returns its wait status, retrying on EINTR. */
int spawn_wait(pid_t pid);

struct strbuf;
/*
 * Run argv[0] (a path) with argv, as spawn() does, and wait for it: its
 * standard output into out and its standard error into err, each kept up
 * to limit bytes. Returns its wait status, or -1 with errno set.
 */
int spawn_capture(char *const argv[], struct strbuf *out, struct strbuf *err,
		  size_t limit);

#endif
