/*
 * workers.c - what the driver's own workers use, so the gate can leave it out
 *
 * The gate protects the game and the rest of the machine from our work; if
 * it counted our own workers it would close because of them and throttle
 * itself. The workers' CPU ticks and resident memory come from libproc2.
 */
#include <sys/resource.h>

#include <libproc2/meminfo.h>
#include <libproc2/misc.h>
#include <libproc2/pids.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "workers.h"

static enum pids_item items[] = { PIDS_ID_PID, PIDS_TICS_ALL, PIDS_MEM_RES };
enum { ITEM_PID, ITEM_TICS, ITEM_RES };

void
workers_usage_init(struct workers_usage *u)
{
	memset(u, 0, sizeof *u);
	if (procps_pids_new(&u->info, items, 3) < 0)
		u->info = NULL;
}

void
workers_usage_sample(struct workers_usage *u, const pid_t *pids, size_t n,
		     double now)
{
	unsigned long long delta = 0, res_kib = 0, mem_total_kib = 0;
	struct meminfo_info *mi = NULL;
	struct pids_fetch *f = NULL;
	pid_t *seen_pids;
	unsigned long long *seen_ticks;
	unsigned *these;
	long hz = sysconf(_SC_CLK_TCK), cpus = procps_cpu_count();
	size_t i, k, m = 0;
	struct rusage ru;
	double children, reaped;
	int s;

	u->cpu_percent = u->mem_percent = 0;
	seen_pids = xcalloc(n ? n : 1, sizeof seen_pids[0]);
	seen_ticks = xcalloc(n ? n : 1, sizeof seen_ticks[0]);
	if (u->info && n) {
		these = xcalloc(n, sizeof these[0]);
		for (i = 0; i < n; i++)
			these[i] = (unsigned)pids[i];
		f = procps_pids_select(u->info, these, (int)n, PIDS_SELECT_PID);
		free(these);
	}
	for (s = 0; f && s < f->counts->total && m < n; s++) {
		pid_t pid = PIDS_VAL(ITEM_PID, s_int, f->stacks[s], u->info);
		unsigned long long t = PIDS_VAL(ITEM_TICS, ull_int, f->stacks[s], u->info);
		unsigned long long before = 0;

		/* A worker seen before counts from then; a new one from its start. */
		for (k = 0; k < u->n; k++)
			if (u->pids[k] == pid)
				before = u->ticks[k];
		delta += t >= before ? t - before : 0;
		res_kib += PIDS_VAL(ITEM_RES, ul_int, f->stacks[s], u->info);
		seen_pids[m] = pid;
		seen_ticks[m++] = t;
	}
	/*
	 * Workers reaped since the last sample: the kernel adds their whole
	 * lives to our children's usage; what we had already counted of them
	 * at the last sample comes off.
	 */
	getrusage(RUSAGE_CHILDREN, &ru);
	children = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	reaped = (children - u->children_cpu) * (double)hz;
	for (k = 0; k < u->n; k++) {
		for (i = 0; i < m && seen_pids[i] != u->pids[k]; i++)
			;
		if (i == m)
			reaped -= (double)u->ticks[k];
	}
	u->children_cpu = children;
	if (reaped > 0)
		delta += (unsigned long long)reaped;
	if (u->last_time > 0 && now > u->last_time && hz > 0 && cpus > 0)
		u->cpu_percent = 100.0 * (double)delta / (double)hz /
		    (now - u->last_time) / (double)cpus;
	free(u->pids);
	free(u->ticks);
	u->pids = seen_pids;
	u->ticks = seen_ticks;
	u->n = m;
	u->last_time = now;
	if (res_kib && procps_meminfo_new(&mi) >= 0) {
		mem_total_kib = MEMINFO_GET(mi, MEMINFO_MEM_TOTAL, ul_int);
		procps_meminfo_unref(&mi);
	}
	if (mem_total_kib)
		u->mem_percent = 100.0 * (double)res_kib / (double)mem_total_kib;
}

void
workers_usage_free(struct workers_usage *u)
{
	if (u->info)
		procps_pids_unref(&u->info);
	u->info = NULL;
	free(u->pids);
	free(u->ticks);
	u->pids = NULL;
	u->ticks = NULL;
	u->n = 0;
}
