/*
 * events.c - what wakes the driver: a worker's exit, a stop signal, a
 * change in an input folder (inotify), a tick
 *
 * The signals stay blocked except inside ppoll(), so none is lost between
 * a check and the sleep, and every wait of the driver (the loop's and the
 * grace period's) is this one. The handlers only note what came: the one
 * piece of process-wide state in the driver, because a signal handler has
 * nowhere else to put it.
 */
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "events.h"

static volatile sig_atomic_t stop_signal;

static void
on_stop(int sig)
{
	stop_signal = sig;
}

/* Only there to interrupt ppoll() when a worker exits. */
static void
on_child(int sig)
{
	(void)sig;
}

void
events_init(sigset_t *open)
{
	struct sigaction sa;
	sigset_t blocked;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGCHLD);
	sigaddset(&blocked, SIGINT);
	sigaddset(&blocked, SIGTERM);
	sigprocmask(SIG_BLOCK, &blocked, open);
	sigdelset(open, SIGCHLD);
	sigdelset(open, SIGINT);
	sigdelset(open, SIGTERM);
}

int
events_stopped(void)
{
	return stop_signal;
}

void
events_take_pending_stop(void)
{
	struct timespec zero = { 0, 0 };
	sigset_t stops;
	int sig;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	if ((sig = sigtimedwait(&stops, NULL, &zero)) > 0)
		stop_signal = sig;
}

void
events_wait(const sigset_t *open, double seconds)
{
	events_wait_fds(open, seconds, NULL, 0);
}

void
events_wait_fds(const sigset_t *open, double seconds, const int *fds, size_t n)
{
	struct pollfd pfd[EVENTS_MAX_FDS];
	struct timespec ts;
	size_t i;

	if (seconds < 0)
		seconds = 0;
	if (n > EVENTS_MAX_FDS)
		n = EVENTS_MAX_FDS;
	/* A negative descriptor is one poll(2) passes over. */
	for (i = 0; i < n; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	ppoll(n ? pfd : NULL, n, &ts, open);
}
