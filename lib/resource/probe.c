/*
 * probe.c - the machine measured into a gate sample, on Linux: /proc
 * through libproc2, the cgroup's limits, the GPUs
 *
 * In a container the host's /proc says nothing of the container's limits,
 * so where a cgroup limit binds, the figures are the cgroup's: CPU time
 * against the quota and memory against the limit, as docker stats shows
 * them. A limit at or above what the machine has never binds and is left
 * out. A cgroup whose counters cannot be read does not fall back to the
 * host's figures, which say nothing of its limit: the figure is -1.
 *
 * res-gate.exe measures Windows behind the same calls
 * (lib/windows/probe_win.c); what both do with a sample is gate.c's.
 */
#include <sys/resource.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "clock.h"
#include "die.h"
#include "gate.h"
#include "resources.h"

const char gate_probe_sources[] = "/proc/stat and /proc/meminfo";

struct gate_probe {
	struct res_host host;
	struct cgroup cg;
	struct gpu_probe gpu;
	double last;		/* when the CPU counters were read (monotonic s) */
	double cg_cpu;		/* the limited cgroup's CPU seconds then; -1 unknown */
};

/* The host's CPU ticks since the last read, and the cgroup's total (or -1). */
static int
read_cpu(struct gate_probe *p, double *busy, double *total, double *cg)
{
	if (res_cpu(&p->host, busy, total) != 0)
		return -1;
	if (p->cg.cpus <= 0 || cgroup_cpu_time(&p->cg, cg) != 0)
		*cg = -1;
	return 0;
}

struct gate_probe *
gate_probe_new(const char *root)
{
	struct gate_probe *p = xcalloc(1, sizeof *p);
	double busy, total;

	if (root == NULL)
		root = "/";
	if (res_open(&p->host) != 0) {
		free(p);
		return NULL;
	}
	cgroup_open(&p->cg, root);
	gpu_open(&p->gpu, root);
	if (read_cpu(p, &busy, &total, &p->cg_cpu) != 0) {
		gate_probe_free(p);
		return NULL;
	}
	p->last = monotonic_seconds();
	return p;
}

void
gate_probe_free(struct gate_probe *p)
{
	if (p == NULL)
		return;
	res_close(&p->host);
	cgroup_close(&p->cg);
	gpu_close(&p->gpu);
	free(p);
}

static void
measure_cpu(struct gate_probe *p, struct gate_sample *s, double busy, double total,
    double cg)
{
	double t = monotonic_seconds(), quota = p->cg.cpus;

	s->cpus = res_cpus(&p->host);
	s->seconds = t - p->last;
	s->cpu_used = busy;
	s->cpu_capacity = total;
	if (quota > 0 && quota < s->cpus) {
		/* The quota binds: the host's ticks are not our figure. */
		s->cpus = quota;
		s->cpu_used = s->cpu_capacity = 0;
		if (cg >= 0 && p->cg_cpu >= 0) {
			s->cpu_used = cg > p->cg_cpu ? cg - p->cg_cpu : 0;
			s->cpu_capacity = s->seconds * quota;
			s->cgroup = p->cg.cpu_version;
		}
	}
	p->last = t;
	p->cg_cpu = cg;
	s->cpu = -1;
	if (s->seconds >= GATE_MIN_SPAN && s->cpu_capacity > 0)
		s->cpu = 100 * s->cpu_used / s->cpu_capacity;
}

int
gate_measure(struct gate_probe *p, double interval, struct gate_sample *s)
{
	unsigned long long used, total, cg_used;
	double busy, ticks, cg;

	memset(s, 0, sizeof *s);
	if (p == NULL)
		return -1;
	if (interval > 0) {
		if (read_cpu(p, &busy, &ticks, &p->cg_cpu) != 0)
			return -1;
		p->last = monotonic_seconds();
		pause_seconds(interval);
	}
	if (read_cpu(p, &busy, &ticks, &cg) != 0)
		return -1;
	measure_cpu(p, s, busy, ticks, cg);
	s->host_cpus = res_cpus_online();

	if (res_mem(&p->host, &used, &total) != 0)
		return -1;
	s->host_mem = total;
	s->mem = -1;
	if (p->cg.mem_limit > 0 && p->cg.mem_limit < total) {
		/* The limit binds: without its usage there is no figure. */
		if (cgroup_mem_used(&p->cg, &cg_used) != 0)
			total = used = 0;
		else {
			used = cg_used;
			total = p->cg.mem_limit;
			s->cgroup = p->cg.mem_version;
		}
	}
	s->mem_used = used;
	s->mem_total = total;
	if (total > 0)
		s->mem = 100.0 * (double)used / (double)total;

	s->load = s->load_per_core = -1;
	if (res_load(&s->load) == 0)
		s->load_per_core = s->load / s->cpus;
	else
		s->load = -1;
	s->ngpus = gpu_read(&p->gpu, s->gpus, GPU_MAX);
	return 0;
}

double
gate_self_cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/*
 * poll() says when the writer has gone; what a reader sends (nothing is
 * asked of it) is read and dropped, so a pipe that is written to never
 * fills and never wakes us early for good.
 */
int
gate_input_ended(double seconds)
{
	double end = monotonic_seconds() + seconds, left;
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	char buf[512];
	ssize_t n;
	int rc;

	for (;;) {
		left = end - monotonic_seconds();
		rc = poll(&pfd, 1, left > 0 ? (int)(left * 1000 + 0.5) : 0);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0 || (pfd.revents & (POLLERR | POLLNVAL)))
			return 1;
		if (rc == 0)
			return 0;
		n = read(0, buf, sizeof buf);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return 1;
	}
}
