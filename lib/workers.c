/*
 * workers.c - what the driver's own workers use, so the gate can leave it out
 *
 * The gate protects the game and the rest of the machine from our work; if
 * it counted our own workers it would close because of them and throttle
 * itself. The workers' CPU ticks and resident memory come from libproc2.
 */
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
	unsigned long long ticks = 0, res_kib = 0, mem_total_kib = 0;
	struct meminfo_info *mi = NULL;
	struct pids_fetch *f;
	unsigned *these;
	long hz = sysconf(_SC_CLK_TCK), cpus = procps_cpu_count();
	size_t i;
	int k;

	u->cpu_percent = u->mem_percent = 0;
	if (u->info == NULL || n == 0) {
		u->last_ticks = 0;
		u->last_time = now;
		return;
	}
	these = xcalloc(n, sizeof these[0]);
	for (i = 0; i < n; i++)
		these[i] = (unsigned)pids[i];
	f = procps_pids_select(u->info, these, (int)n, PIDS_SELECT_PID);
	for (k = 0; f && k < f->counts->total; k++) {
		ticks += PIDS_VAL(ITEM_TICS, ull_int, f->stacks[k], u->info);
		res_kib += PIDS_VAL(ITEM_RES, ul_int, f->stacks[k], u->info);
	}
	free(these);
	/* Ticks of workers that started since the last sample count from zero. */
	if (u->last_time > 0 && now > u->last_time && hz > 0 && cpus > 0 &&
	    ticks >= u->last_ticks)
		u->cpu_percent = 100.0 * (double)(ticks - u->last_ticks) / (double)hz /
		    (now - u->last_time) / (double)cpus;
	u->last_ticks = ticks;
	u->last_time = now;
	if (procps_meminfo_new(&mi) >= 0) {
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
}
