/*
 * resources.h - the machine's CPU time, memory and load average through
 * libproc2, and the numbers in the small kernel files (cgroupfs, sysfs) the
 * other probes read
 */
#ifndef RESOURCES_H
#define RESOURCES_H

#include <sched.h>
#include <stddef.h>

/* More CPUs than any machine has: a count above it is a bad reading. */
#define RES_MAX_CPUS (1 << 20)

struct stat_info;
struct meminfo_info;

struct res_host {
	struct stat_info *stat;
	struct meminfo_info *mem;
	cpu_set_t allowed;	/* the CPUs this process may run on */
	int nallowed;		/* 0: unknown, count every CPU */
};

/* Returns 0, or -1 when /proc/stat or /proc/meminfo cannot be read. */
int res_open(struct res_host *h);
void res_close(struct res_host *h);

/*
 * Seconds of CPU time spent busy and in all on the CPUs this process may run
 * on (a cpuset or taskset leaves the others out), since the previous call;
 * the first call counts from res_open; 0 and 0 when the counters stepped
 * back (a CPU went offline). Returns 0 or -1.
 */
int res_cpu(struct res_host *h, double *busy, double *total);
/* MemTotal - MemAvailable, and MemTotal, in bytes. Returns 0 or -1. */
int res_mem(struct res_host *h, unsigned long long *used, unsigned long long *total);
/* The 1-minute load average. Returns 0 or -1. */
int res_load(double *load1);
/* The CPUs this process may run on: online ones, within its affinity. */
int res_cpus(const struct res_host *h);
/* The online CPUs, at least 1. */
int res_cpus_online(void);

/* A file that holds one unsigned decimal number. Returns 0 or -1. */
int kfile_ull(const char *path, unsigned long long *v);
/* The number on the line "key N" of text (memory.stat, cpu.stat). 0 or -1. */
int kfile_key(const char *text, const char *key, unsigned long long *v);

#endif
