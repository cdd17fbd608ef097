/*
 * resources.c - the machine's CPU time, memory and load average through
 * libproc2, and the small kernel files the other probes read
 *
 * libproc2's procps_stat_get() and procps_meminfo_get() reread their file
 * at most once a second; a gate that measures over 200 ms would see no
 * change. procps_stat_reap() and procps_meminfo_select() read every time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libproc2/meminfo.h>
#include <libproc2/misc.h>
#include <libproc2/stat.h>

#include "file.h"
#include "resources.h"

static enum stat_item cpu_items[] = {
	STAT_TIC_ID, STAT_TIC_SUM_DELTA_BUSY, STAT_TIC_SUM_DELTA_TOTAL
};
static enum meminfo_item mem_items[] = { MEMINFO_MEM_TOTAL, MEMINFO_MEM_AVAILABLE };

int
res_open(struct res_host *h)
{
	memset(h, 0, sizeof *h);
	if (procps_stat_new(&h->stat) < 0 || procps_meminfo_new(&h->mem) < 0) {
		res_close(h);
		return -1;
	}
	if (sched_getaffinity(0, sizeof h->allowed, &h->allowed) == 0)
		h->nallowed = CPU_COUNT(&h->allowed);
	return 0;
}

void
res_close(struct res_host *h)
{
	if (h->stat != NULL)
		procps_stat_unref(&h->stat);
	if (h->mem != NULL)
		procps_meminfo_unref(&h->mem);
}

int
res_cpu(struct res_host *h, double *busy, double *total)
{
	struct stat_reaped *r;
	struct stat_result *v;
	long b = 0, t = 0, hz = sysconf(_SC_CLK_TCK);
	int i, id;

	r = procps_stat_reap(h->stat, STAT_REAP_CPUS_ONLY, cpu_items, 3);
	if (r == NULL || hz <= 0)
		return -1;
	if (h->nallowed == 0) {
		b = r->summary->head[1].result.sl_int;
		t = r->summary->head[2].result.sl_int;
	} else {
		for (i = 0; i < r->cpus->total; i++) {
			v = r->cpus->stacks[i]->head;
			id = v[0].result.s_int;
			if (id < 0 || id >= CPU_SETSIZE || !CPU_ISSET(id, &h->allowed))
				continue;
			b += v[1].result.sl_int;
			t += v[2].result.sl_int;
		}
	}
	/*
	 * Counters that a CPU going offline made step back are no use: no
	 * time at all, which the gate reads as no figure, not as an idle CPU.
	 */
	if (b < 0 || t <= 0 || b > t)
		b = t = 0;
	*busy = (double)b / hz;
	*total = (double)t / hz;
	return 0;
}

int
res_mem(struct res_host *h, unsigned long long *used, unsigned long long *total)
{
	struct meminfo_stack *st;
	unsigned long kb_total, kb_avail;

	st = procps_meminfo_select(h->mem, mem_items, 2);
	if (st == NULL)
		return -1;
	kb_total = st->head[0].result.ul_int;
	kb_avail = st->head[1].result.ul_int;
	if (kb_total == 0)
		return -1;
	if (kb_avail > kb_total)
		kb_avail = kb_total;
	*used = (unsigned long long)(kb_total - kb_avail) * 1024;
	*total = (unsigned long long)kb_total * 1024;
	return 0;
}

int
res_load(double *load1)
{
	double l5, l15;

	return procps_loadavg(load1, &l5, &l15) < 0 ? -1 : 0;
}

int
res_cpus_online(void)
{
	long online = procps_cpu_count();

	return online < 1 ? 1 : online > RES_MAX_CPUS ? RES_MAX_CPUS : (int)online;
}

int
res_cpus(const struct res_host *h)
{
	int online = res_cpus_online();

	return h->nallowed > 0 && h->nallowed < online ? h->nallowed : online;
}

/* An unsigned decimal and nothing but white space after it. */
static int
parse_ull(const char *s, unsigned long long *v)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	return *end == '\0' ? 0 : -1;
}

int
kfile_ull(const char *path, unsigned long long *v)
{
	char buf[64];

	if (file_read_into(path, buf, sizeof buf) < 0)
		return -1;
	return parse_ull(buf, v);
}

int
kfile_key(const char *text, const char *key, unsigned long long *v)
{
	size_t n = strlen(key);
	const char *line = text, *eol;
	char num[32];

	for (; *line != '\0'; line = *eol ? eol + 1 : eol) {
		eol = strchr(line, '\n');
		if (eol == NULL)
			eol = line + strlen(line);
		if (strncmp(line, key, n) != 0 || line[n] != ' ')
			continue;
		if ((size_t)(eol - line) - n >= sizeof num)
			return -1;
		memcpy(num, line + n, (size_t)(eol - line) - n);
		num[eol - line - n] = '\0';
		return parse_ull(num, v);
	}
	return -1;
}
