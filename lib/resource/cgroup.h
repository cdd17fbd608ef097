/*
 * cgroup.h - the memory and CPU limits of the container we run in, from
 * cgroup v2 or v1 files, and what the limited group uses
 */
#ifndef CGROUP_H
#define CGROUP_H

struct cgroup {
	int mem_version;		/* 2 or 1 when a memory limit applies, else 0 */
	char *mem_dir;			/* the group whose limit binds */
	unsigned long long mem_limit;	/* bytes; 0 = none */
	int cpu_version;		/* 2 or 1 when a CPU quota applies, else 0 */
	double cpus;			/* the quota in CPUs; 0 = none */
	char *cpu_usage;		/* the file counting that group's CPU time */
};

/*
 * Find this process's groups from ROOT/proc/self/cgroup, below
 * ROOT/sys/fs/cgroup, and the tightest memory limit and CPU quota on the way
 * from each up to the top. root is "/" on a real system; tests pass a fake
 * tree. No cgroup files, or no limits, is not an error: cg says none.
 */
void cgroup_open(struct cgroup *cg, const char *root);
void cgroup_close(struct cgroup *cg);

/* Memory the limited group uses less its inactive file pages, as docker stats. */
int cgroup_mem_used(const struct cgroup *cg, unsigned long long *bytes);
/* Seconds of CPU time the limited group has used. Returns 0 or -1. */
int cgroup_cpu_time(const struct cgroup *cg, double *seconds);

#endif
