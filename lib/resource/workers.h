/* workers.h - what the driver's own workers use, so the gate can leave it out */
#ifndef WORKERS_H
#define WORKERS_H

#include <stddef.h>
#include <sys/types.h>

struct workers_usage {
	struct pids_info *info;
	/* Each worker's CPU ticks at the last sample: a worker that exits
	 * takes its ticks with it, and must not make the others' look negative. */
	pid_t *pids;
	unsigned long long *ticks;
	size_t n;
	double children_cpu;		/* reaped children's CPU seconds at the last sample */
	double last_time;
	double cpu_percent;		/* of the whole machine, since the last sample */
	double mem_percent;		/* resident memory, of MemTotal */
};

void workers_usage_init(struct workers_usage *u);
/* Sample the given worker pids (libproc2's per-process figures). */
void workers_usage_sample(struct workers_usage *u, const pid_t *pids, size_t n,
			  double now);
void workers_usage_free(struct workers_usage *u);

#endif
