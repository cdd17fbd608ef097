/*
 * spawn.c - child processes in their own process groups
 *
 * Each worker leads its own process group so that stopping a job stops all
 * of it, and so that a Ctrl+C on the terminal reaches the driver alone: the
 * driver then decides, and stops the jobs itself, with a grace period.
 *
 * Workers run beside a game: they can be made to yield, in the child
 * before exec, so that every process of a job (and what it starts) does:
 * a nice value, the idle I/O class (ioprio_set(2), which glibc does not
 * wrap) and, on request, SCHED_IDLE.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"
#include "strbuf.h"

const char spawn_inherit[] = "(inherited)";

static void
redirect(const char *path, int fd, int flags)
{
	int f;

	if (path == spawn_inherit)
		return;
	f = open(path ? path : "/dev/null", flags, 0644);

	if (f < 0)
		_exit(127);
	if (f != fd) {
		dup2(f, fd);
		close(f);
	}
}

/* fd as the child's fd to: a pipe made close-on-exec must survive exec. */
static void
keep(int fd, int to)
{
	if (fd == to)
		fcntl(fd, F_SETFD, 0);
	else
		dup2(fd, to);
}

/*
 * In the child: a process group of its own, gone with its parent, the
 * signals as a fresh program expects them.
 */
static void
child_setup(pid_t parent)
{
	sigset_t none;

	setpgid(0, 0);
	/* If the driver dies (even by SIGKILL), its workers go with it. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* ioprio_set(2)'s values, from the kernel's uapi/linux/ioprio.h. */
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_BE 2
#define IOPRIO_CLASS_IDLE 3
#define IOPRIO_VALUE(class, level) ((class) << 13 | (level))

/*
 * In the child: yield as y says. What the system refuses (a container
 * without the call) leaves the child as it was: it runs all the same.
 */
static void
yield(const struct spawn_yield *y)
{
	struct sched_param none = { 0 };
	int now;

	errno = 0;
	now = getpriority(PRIO_PROCESS, 0);
	if (y->nice > 0 && errno == 0 && now < y->nice)
		setpriority(PRIO_PROCESS, 0, y->nice);
	if (y->io == SPAWN_IO_IDLE)
		syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
		    IOPRIO_VALUE(IOPRIO_CLASS_IDLE, 0));
	else if (y->io == SPAWN_IO_BEST_EFFORT)
		syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
		    IOPRIO_VALUE(IOPRIO_CLASS_BE, 7));
	if (y->idle)
		sched_setscheduler(0, SCHED_IDLE, &none);
}

/*
 * The child's side of every spawn: its own group, gone with the driver,
 * standard input, output and error from fds[0..2] when >= 0 (else
 * /dev/null, out and err), in dir when set, yielding as y says (NULL: as
 * the parent runs).
 */
static pid_t
start(char *const argv[], char *const env[], const char *dir, const int fds[3],
      const struct spawn_yield *y, const char *out, const char *err)
{
	pid_t parent = getpid(), pid = fork();
	size_t i;

	if (pid != 0) {
		/* Also here, so that the group exists before spawn() returns. */
		if (pid > 0)
			setpgid(pid, pid);
		return pid;
	}
	child_setup(parent);
	if (fds[0] >= 0)
		keep(fds[0], 0);
	else
		redirect(NULL, 0, O_RDONLY);
	if (fds[1] >= 0)
		keep(fds[1], 1);
	else
		redirect(out, 1, O_WRONLY | O_CREAT | O_APPEND);
	if (fds[2] >= 0)
		keep(fds[2], 2);
	else
		redirect(err, 2, O_WRONLY | O_CREAT | O_APPEND);
	/* The driver's files (job log, libproc2's /proc handles) stay its own. */
	close_range(3, ~0U, 0);
	if (dir != NULL && chdir(dir) != 0) {
		fprintf(stderr, "%s: cannot run in %s: %s\n", argv[0], dir, strerror(errno));
		_exit(127);
	}
	if (y)
		yield(y);
	/* The driver is one thread: the child may change its own environment. */
	for (i = 0; env && env[i]; i++)
		putenv(env[i]);
	execv(argv[0], argv);
	/* The job's stderr file is all a person has: say why, not only that. */
	fprintf(stderr, "%s: cannot run: exec failed: %s\n", argv[0], strerror(errno));
	_exit(127);
}

pid_t
spawn(char *const argv[], const char *out, const char *err)
{
	return spawn_env(argv, NULL, out, err);
}

pid_t
spawn_env(char *const argv[], char *const env[], const char *out,
	  const char *err)
{
	static const int none[3] = { -1, -1, -1 };

	return start(argv, env, NULL, none, NULL, out, err);
}

pid_t
spawn_pipes(char *const argv[], const char *dir, int *in, int *out, const char *err)
{
	int to[2], from[2], fds[3], saved;
	pid_t pid;

	if (pipe2(to, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(from, O_CLOEXEC) < 0) {
		saved = errno;
		close(to[0]);
		close(to[1]);
		errno = saved;
		return -1;
	}
	fds[0] = to[0];
	fds[1] = from[1];
	fds[2] = -1;
	pid = start(argv, NULL, dir, fds, NULL, NULL, err);
	saved = errno;
	close(to[0]);
	close(from[1]);
	if (pid < 0) {
		close(to[1]);
		close(from[0]);
		errno = saved;
		return -1;
	}
	*in = to[1];
	*out = from[0];
	return pid;
}

pid_t
spawn_yielding(char *const argv[], const struct spawn_yield *y, const char *out,
	       const char *err)
{
	static const int none[3] = { -1, -1, -1 };

	return start(argv, NULL, NULL, none, y, out, err);
}

void
spawn_signal(pid_t pid, int sig)
{
	if (pid > 0 && kill(-pid, sig) < 0)
		kill(pid, sig);
}

int
spawn_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* What a descriptor gives, into sb up to limit bytes (the rest is read and dropped). */
static int
take(int fd, struct strbuf *sb, size_t limit)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);

	if (n > 0 && sb->len < limit)
		sb_add(sb, buf, (size_t)n < limit - sb->len ? (size_t)n : limit - sb->len);
	return n > 0 || (n < 0 && errno == EINTR);
}

int
spawn_capture(char *const argv[], struct strbuf *out, struct strbuf *err,
	      size_t limit)
{
	pid_t pid;
	int po[2], pe[2], fds[3], saved;
	struct pollfd pf[2];

	if (pipe2(po, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	/* pe[1] > po[1] >= 1: neither is lost to the other's dup2 in start(). */
	fds[0] = -1;
	fds[1] = po[1];
	fds[2] = pe[1];
	pid = start(argv, NULL, NULL, fds, NULL, NULL, NULL);
	saved = errno;
	close(po[1]);
	close(pe[1]);
	if (pid < 0) {
		close(po[0]);
		close(pe[0]);
		errno = saved;
		return -1;
	}
	pf[0].fd = po[0];
	pf[1].fd = pe[0];
	pf[0].events = pf[1].events = POLLIN;
	while (pf[0].fd >= 0 || pf[1].fd >= 0) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[0].revents && !take(pf[0].fd, out, limit)) {
			close(pf[0].fd);
			pf[0].fd = -1;
		}
		if (pf[1].revents && !take(pf[1].fd, err, limit)) {
			close(pf[1].fd);
			pf[1].fd = -1;
		}
	}
	if (pf[0].fd >= 0)
		close(pf[0].fd);
	if (pf[1].fd >= 0)
		close(pf[1].fd);
	return spawn_wait(pid);
}
