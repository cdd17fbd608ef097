/*
 * executor_local.c - jobs as child processes of the driver, on this machine
 *
 * Each job is a child in its own process group (spawn.c), so that stopping
 * it stops all of it and a Ctrl+C on the terminal reaches the driver alone;
 * its exit wakes the loop (SIGCHLD, events.c); a driver that dies takes its
 * children with it. The local gate decides when one starts, and the child
 * yields to the game as --nice, --ionice and --idle say.
 */
#include <sys/wait.h>

#include <errno.h>
#include <string.h>
#include <sysexits.h>

#include "die.h"
#include "driver.h"
#include "driver_internal.h"
#include "executor.h"
#include "spawn.h"

static int
local_check(struct driver *d)
{
	(void)d;
	return 0;
}

/* A child dies with its driver: there is nothing to find again. */
static void
local_recover(struct driver *d)
{
	(void)d;
}

static int
local_start(struct driver *d, struct job *j, char *const av[])
{
	(void)d;
	if ((j->pid = spawn_yielding(av, &d->o->yield, j->out, j->err)) < 0) {
		warnmsg("cannot start a job: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void
local_poll(struct driver *d, int block)
{
	size_t i;

	for (i = 0; i < d->n_jobs; i++) {
		struct job *j = &d->jobs[i];
		pid_t r;

		if (j->ended)
			continue;
		/* The signals are blocked outside the loop's wait: no EINTR. */
		r = waitpid(j->pid, &j->status, block ? 0 : WNOHANG);
		if (r == j->pid) {
			j->ended = 1;
		} else if (r < 0 && errno == ECHILD) {
			j->status = W_EXITCODE(EX_OSERR, 0);	/* lost: a failure */
			j->ended = 1;
		}
	}
}

static void
local_signal(struct driver *d, struct job *j, int sig)
{
	(void)d;
	spawn_signal(j->pid, sig);
}

/* SIGCHLD wakes the loop when a job ends. */
static double
local_wait(const struct driver *d, double limit)
{
	(void)d;
	return limit;
}

static void
local_close(struct driver *d)
{
	(void)d;
}

const struct executor executor_local = {
	.check = local_check,
	.recover = local_recover,
	.start = local_start,
	.poll = local_poll,
	.signal = local_signal,
	.wait = local_wait,
	.gated = 1,
	.close = local_close,
};
