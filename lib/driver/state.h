/* state.h - the state folder: start-up checks, lock, status file, job log, statistics */
#ifndef STATE_H
#define STATE_H

#include <stddef.h>
#include <stdio.h>

struct driver;
struct driver_options;
struct job;

/* The programs the jobs and merges run, in the order setup_programs finds them. */
enum program { PROGRAM_ANALYZE, PROGRAM_TRAIN, PROGRAM_MERGE, PROGRAMS };

/*
 * A folder the driver reads (role: the option that named it): 0, or
 * EX_NOINPUT after one "PATH: what is wrong (role)" message.
 */
int setup_input_folder(const char *path, const char *role);
/*
 * Everything run and once need before the lock is taken: the input
 * folders (66), the state folder, created mode 0700 (73), the output paths
 * (64 for a folder where a file must be, 73 where none can be made), the
 * programs (69) and free space (74). Returns 0, or the exit status after
 * one message. prog[] gets each program's path (the caller frees them).
 */
int setup_check(const struct driver_options *o, char *prog[PROGRAMS]);
/*
 * Say why the driver's own file STATE/name could not be opened (a symbolic
 * link there is refused, never followed) and return 74.
 */
int state_file_error(const char *state, const char *name);
/*
 * Say why ledger_open failed (damaged is its line number for EBADMSG, 0
 * for the snapshot) and return the exit status: 65 for damage, else 74.
 */
int state_ledger_error(const char *state, size_t damaged);
/*
 * Whether the file system of path (a folder, or a file's folder) has room
 * for a job's output: 0, or EX_IOERR after saying how little is free.
 */
int setup_space(const char *path, int is_folder);
/*
 * What a child said on its way out, for a line of the driver's: the last
 * line of its stderr file err, or, when it could say nothing (a full disk
 * leaves it no room), how much room the folder it wrote in has. In buf.
 */
const char *state_child_said(const char *err, const char *folder, char *buf,
			     size_t size);


/*
 * One driver per state folder, on any machine: flock and an fcntl lock on
 * STATE/driver.lock, which then holds our pid and host name. Returns the
 * fd to keep open, or -1 with errno set: EWOULDBLOCK when another driver
 * holds it, ELOOP for a symbolic link.
 */
int state_lock(const char *state);
/* "another bgtrain (pid P on HOST)", from the lock file, into buf. */
void state_lock_holder(const char *state, char *buf, size_t size);
/* Whether the driver named in the lock file runs (status takes no lock). */
int state_driver_alive(const char *state);
/*
 * STATE/joblog.tsv for appending, its header written when new: its
 * descriptor, or -1 with errno set (ELOOP: a symbolic link, never
 * followed; ENOSPC: no room for the header).
 */
int state_open_joblog(const char *state);
/* One line of the job log, like GNU parallel's --joblog, whole or not at all. */
void state_log_job(struct driver *d, const struct job *j, int status,
		   double secs);
/*
 * A write of the driver's state failed (the ledger, the job log, the
 * status file, a job's folder or output, a merge into the model or the
 * learned file, a move into the quarantine or done folder): an I/O error.
 * The first says so in one line; the driver then starts and merges nothing
 * more, stops its jobs and exits 74. What the ledger recorded stays; what
 * it did not runs again at the next start.
 */
void state_io_failed(struct driver *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The old tool's statistics block, on standard output. */
void state_print_stats(const struct driver *d);

#endif
