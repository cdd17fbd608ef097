/* events.h - what wakes the driver: a worker's exit, a stop signal, a change, a tick */
#ifndef EVENTS_H
#define EVENTS_H

#include <signal.h>
#include <stddef.h>

/* The most descriptors one wait watches (the input folders' inotify). */
#define EVENTS_MAX_FDS 4

/*
 * Catch SIGINT, SIGTERM and SIGCHLD and keep them blocked but inside the
 * wait; *open is the mask to wait with.
 */
void events_init(sigset_t *open);
/* The stop signal taken so far (SIGINT or SIGTERM), or 0. */
int events_stopped(void);
/* Take a stop signal that is pending while the signals are blocked. */
void events_take_pending_stop(void);
/* Sleep up to seconds, waking at once on a worker's exit or a stop. */
void events_wait(const sigset_t *open, double seconds);
/* The same, waking too when one of fds[0..n) is readable (-1: none). */
void events_wait_fds(const sigset_t *open, double seconds, const int *fds,
		     size_t n);

#endif
