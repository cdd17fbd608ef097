/*
 * driver_lock.c - one driver per state folder, on any machine (state.h)
 *
 * STATE/driver.lock is held with flock(2), which flock(1) and older
 * drivers take, and with an open file description fcntl(2) lock, which NFS
 * carries to the server, so that a driver on another machine that shares
 * the folder (a cluster's login node and a workstation) sees it; NFS mounts
 * with local_lock=flock keep only the latter across machines. The holder
 * writes its pid and host name into the file: a driver refused beside it
 * says who holds it, and status asks the lock itself when the holder is
 * on another host, where its pid means nothing.
 */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "path.h"
#include "state.h"

/* Our process name in /proc/PID/comm: a live lock holder is a bgtrain. */
#define DRIVER_COMM "bgtrain"

/*
 * The whole lock file, as fcntl locks it: an open file description lock,
 * which NFS carries to the server (another machine's driver sees it), and
 * which, unlike a process's fcntl lock, no other close() of ours drops.
 */
static int
ofd_lock(int fd, int cmd, struct flock *fl)
{
	memset(fl, 0, sizeof *fl);
	fl->l_type = F_WRLCK;
	fl->l_whence = SEEK_SET;
	return fcntl(fd, cmd, fl);
}

int
state_lock(const char *state)
{
	char *path = path_join(state, "driver.lock"), holder[300], host[256] = "?";
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644), saved;
	struct flock fl;

	free(path);
	if (fd < 0)
		return -1;
	/*
	 * flock for the tools that lock with flock(1) (and NFS mounts that
	 * keep flock local), the fcntl lock for other machines.
	 */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 || ofd_lock(fd, F_OFD_SETLK, &fl) < 0) {
		saved = errno == EACCES || errno == EAGAIN ? EWOULDBLOCK : errno;
		close(fd);
		errno = saved;
		return -1;
	}
	/*
	 * Who holds it, for a driver refused beside us and for status: a lock
	 * without it (a full disk) fails.
	 */
	gethostname(host, sizeof host - 1);
	snprintf(holder, sizeof holder, "%ld %s\n", (long)getpid(), host);
	if (ftruncate(fd, 0) < 0 ||
	    append_whole(fd, holder, strlen(holder), 0) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

void
state_lock_holder(const char *state, char *buf, size_t size)
{
	char *path = path_join(state, "driver.lock"), line[300], host[256];
	long pid = 0;
	FILE *f = fopen(path, "r");

	snprintf(buf, size, "another bgtrain");
	if (f && fgets(line, sizeof line, f) &&
	    sscanf(line, "%ld %255s", &pid, host) == 2 && pid > 0)
		snprintf(buf, size, "another bgtrain (pid %ld on %s)", pid, host);
	if (f)
		fclose(f);
	free(path);
}

int
state_driver_alive(const char *state)
{
	char *path = path_join(state, "driver.lock"), buf[300] = "", comm[64] = "";
	char host[256] = "", here[256] = "";
	FILE *f = fopen(path, "r");
	struct flock fl;
	long pid = 0;

	free(path);
	if (f) {
		if (fgets(buf, sizeof buf, f))
			sscanf(buf, "%ld %255s", &pid, host);
		/* A driver on another machine: its lock says whether it runs. */
		gethostname(here, sizeof here - 1);
		if (host[0] && strcmp(host, here) != 0) {
			pid = ofd_lock(fileno(f), F_OFD_GETLK, &fl) == 0 &&
			    fl.l_type != F_UNLCK;
			fclose(f);
			return pid != 0;
		}
		fclose(f);
	}
	if (pid <= 0 || kill((pid_t)pid, 0) < 0)
		return 0;
	/* A pid reused by another program is no driver. */
	snprintf(buf, sizeof buf, "/proc/%ld/comm", pid);
	if ((f = fopen(buf, "r")) != NULL) {
		if (fgets(comm, sizeof comm, f) == NULL)
			comm[0] = '\0';
		fclose(f);
	}
	return strncmp(comm, DRIVER_COMM, sizeof DRIVER_COMM - 1) == 0;
}
