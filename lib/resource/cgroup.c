/*
 * cgroup.c - container limits on memory and CPU, cgroup v2 and v1
 *
 * libproc2 reads /proc, which shows the host; a container's limits are in
 * its cgroup. The path of our group comes from /proc/self/cgroup: one
 * "0::PATH" line on cgroup v2, "N:CONTROLLERS:PATH" lines on v1, both on a
 * hybrid host, where the v1 controllers are the ones that limit. Without a
 * cgroup namespace that path is the host's view and may not exist under the
 * mount, which then shows our own group at its top: so a missing folder
 * means the top. A limit may be set on a parent (systemd puts processes in
 * a child of the limited group), so every folder from ours up to the top
 * is read and the tightest limit wins; its group's usage is the one that
 * counts against it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "die.h"
#include "file.h"
#include "path.h"
#include "resources.h"

/* /proc/self/cgroup and memory.stat are a few hundred bytes to a few KiB. */
#define CG_TEXT_MAX 16384

/* Where the cgroup file systems are mounted, below --sysfs-root. */
#define CGROUP_MOUNT "sys/fs/cgroup"

/* v1 "unlimited" is LONG_MAX rounded down to a page; anything near it is none. */
#define V1_NO_LIMIT (1ULL << 62)

struct groups {
	char *v2;			/* our path in the unified hierarchy */
	char *mem, *mem_ctl;		/* v1 path and controller list ("memory") */
	char *cpu, *cpu_ctl;		/* v1 path and controller list ("cpu,cpuacct") */
	char *acct, *acct_ctl;		/* v1 path and controller list of cpuacct */
};

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
has_controller(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list, *comma;

	for (;;) {
		comma = strchr(p, ',');
		if ((comma ? (size_t)(comma - p) : strlen(p)) == n && strncmp(p, name, n) == 0)
			return 1;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static void
take(char **path, char **ctl, const char *p, const char *c)
{
	if (*path != NULL)
		return;
	*path = xstrdup(p);
	*ctl = xstrdup(c);
}

static void
read_groups(const char *root, struct groups *g)
{
	char *text = xmalloc(CG_TEXT_MAX), *file, *line, *next, *c1, *c2;

	memset(g, 0, sizeof *g);
	file = path_join(root, "proc/self/cgroup");
	if (file_read_into(file, text, CG_TEXT_MAX) < 0)
		text[0] = '\0';
	free(file);
	for (line = text; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if ((c1 = strchr(line, ':')) == NULL || (c2 = strchr(c1 + 1, ':')) == NULL)
			continue;
		*c1++ = '\0';
		*c2++ = '\0';
		if (*c2 != '/')
			continue;
		if (strcmp(line, "0") == 0 && *c1 == '\0') {
			if (g->v2 == NULL)
				g->v2 = xstrdup(c2);
			continue;
		}
		if (has_controller(c1, "memory"))
			take(&g->mem, &g->mem_ctl, c2, c1);
		if (has_controller(c1, "cpu"))
			take(&g->cpu, &g->cpu_ctl, c2, c1);
		if (has_controller(c1, "cpuacct"))
			take(&g->acct, &g->acct_ctl, c2, c1);
	}
	free(text);
}

static void
free_groups(struct groups *g)
{
	free(g->v2);
	free(g->mem);
	free(g->mem_ctl);
	free(g->cpu);
	free(g->cpu_ctl);
	free(g->acct);
	free(g->acct_ctl);
}

/*
 * The top of a v1 controller's hierarchy: .../cgroup/cpu is usually a
 * link to .../cgroup/cpu,cpuacct; without the link, the joined name.
 */
static char *
v1_top(const char *root, const char *name, const char *ctl)
{
	char *all = path_join(root, CGROUP_MOUNT), *top = path_join(all, name);

	if (!is_dir(top)) {
		free(top);
		top = path_join(all, ctl);
	}
	free(all);
	return top;
}

/* Our group's folder under top, or top when the path is not there. */
static char *
group_dir(const char *top, const char *path)
{
	char *dir;

	if (strcmp(path, "/") == 0)
		return xstrdup(top);
	dir = path_join(top, path + 1);
	if (is_dir(dir))
		return dir;
	free(dir);
	return xstrdup(top);
}

/* The limits set on one group: bytes of memory or CPUs; 0 when none. */
static double
mem_v2(const char *dir)
{
	char *f = path_join(dir, "memory.max");
	unsigned long long v;
	int ok = kfile_ull(f, &v) == 0;

	free(f);
	return ok ? (double)v : 0;	/* "max" does not parse: none */
}

static double
mem_v1(const char *dir)
{
	char *f = path_join(dir, "memory.limit_in_bytes");
	unsigned long long v;
	int ok = kfile_ull(f, &v) == 0;

	free(f);
	return ok && v < V1_NO_LIMIT ? (double)v : 0;
}

static double
cpu_v2(const char *dir)
{
	char *f = path_join(dir, "cpu.max"), buf[64];
	unsigned long long quota, period;
	long n = file_read_into(f, buf, sizeof buf);

	free(f);
	/* "max 100000" has no quota. */
	if (n <= 0 || sscanf(buf, "%llu %llu", &quota, &period) != 2 || period == 0)
		return 0;
	return (double)quota / (double)period;
}

static double
cpu_v1(const char *dir)
{
	char *f = path_join(dir, "cpu.cfs_quota_us"), buf[64];
	unsigned long long period;
	long long quota;
	long n = file_read_into(f, buf, sizeof buf);

	free(f);
	if (n <= 0 || sscanf(buf, "%lld", &quota) != 1 || quota <= 0)
		return 0;	/* -1: no quota */
	f = path_join(dir, "cpu.cfs_period_us");
	n = kfile_ull(f, &period);
	free(f);
	return n == 0 && period > 0 ? (double)quota / (double)period : 0;
}

/*
 * The tightest limit from dir up to top (a prefix of dir), and in *where
 * the folder that sets it. Memory limits pass through a double: exact below
 * 2^53 bytes.
 */
static double
tightest(const char *top, const char *dir, double (*limit)(const char *), char **where)
{
	size_t ntop = strlen(top);
	char *d = xstrdup(dir), *slash;
	double best = 0, v;

	for (;;) {
		v = limit(d);
		if (v > 0 && (best == 0 || v < best)) {
			best = v;
			free(*where);
			*where = xstrdup(d);
		}
		slash = strrchr(d, '/');
		if (strlen(d) <= ntop || slash == NULL || (size_t)(slash - d) < ntop)
			break;
		*slash = '\0';
	}
	free(d);
	return best;
}

static void
find_memory(struct cgroup *cg, const char *root, const struct groups *g)
{
	char *top, *dir;
	double v;

	if (g->mem != NULL) {
		top = v1_top(root, "memory", g->mem_ctl);
		dir = group_dir(top, g->mem);
		v = tightest(top, dir, mem_v1, &cg->mem_dir);
		cg->mem_version = 1;
	} else if (g->v2 != NULL) {
		top = path_join(root, CGROUP_MOUNT);
		dir = group_dir(top, g->v2);
		v = tightest(top, dir, mem_v2, &cg->mem_dir);
		cg->mem_version = 2;
	} else {
		return;
	}
	free(top);
	free(dir);
	if (v > 0)
		cg->mem_limit = (unsigned long long)v;
	else
		cg->mem_version = 0;
}

/*
 * On v1, CPU time is counted by cpuacct, which may be its own hierarchy:
 * the group at the same place in it, else cpuacct.usage beside the quota.
 */
static char *
v1_usage_file(const char *root, const struct groups *g, const char *cpu_top)
{
	char *top, *dir, *f;
	unsigned long long v;

	if (g->acct != NULL) {
		top = v1_top(root, "cpuacct", g->acct_ctl);
		/* cpu_top is "" or "/a/b": our place below the top. */
		dir = path_join(top, cpu_top[0] == '/' ? cpu_top + 1 : cpu_top);
		f = path_join(dir, "cpuacct.usage");
		free(dir);
		free(top);
		if (kfile_ull(f, &v) == 0)
			return f;
		free(f);
	}
	return NULL;
}

static void
find_cpu(struct cgroup *cg, const char *root, const struct groups *g)
{
	char *top, *dir, *where = NULL, *f;
	unsigned long long v;

	if (g->cpu != NULL) {
		top = v1_top(root, "cpu", g->cpu_ctl);
		dir = group_dir(top, g->cpu);
		cg->cpus = tightest(top, dir, cpu_v1, &where);
		if (where != NULL) {
			/* where + strlen(top): the group's place below the top. */
			cg->cpu_usage = v1_usage_file(root, g, where + strlen(top));
			f = path_join(where, "cpuacct.usage");
			if (cg->cpu_usage == NULL && kfile_ull(f, &v) == 0)
				cg->cpu_usage = f;
			else
				free(f);
		}
		cg->cpu_version = 1;
	} else if (g->v2 != NULL) {
		top = path_join(root, CGROUP_MOUNT);
		dir = group_dir(top, g->v2);
		cg->cpus = tightest(top, dir, cpu_v2, &where);
		if (where != NULL)
			cg->cpu_usage = path_join(where, "cpu.stat");
		cg->cpu_version = 2;
	} else {
		return;
	}
	free(top);
	free(dir);
	free(where);
	if (cg->cpus <= 0) {
		cg->cpu_version = 0;
		cg->cpus = 0;
	}
}

void
cgroup_open(struct cgroup *cg, const char *root)
{
	struct groups g;

	memset(cg, 0, sizeof *cg);
	read_groups(root, &g);
	find_memory(cg, root, &g);
	find_cpu(cg, root, &g);
	free_groups(&g);
}

void
cgroup_close(struct cgroup *cg)
{
	free(cg->mem_dir);
	free(cg->cpu_usage);
	memset(cg, 0, sizeof *cg);
}

int
cgroup_mem_used(const struct cgroup *cg, unsigned long long *bytes)
{
	char *f, *text;
	unsigned long long usage, inactive = 0;
	int v1 = cg->mem_version == 1, ok;

	if (cg->mem_version == 0)
		return -1;
	f = path_join(cg->mem_dir, v1 ? "memory.usage_in_bytes" : "memory.current");
	ok = kfile_ull(f, &usage) == 0;
	free(f);
	if (!ok)
		return -1;
	/* Page cache the kernel drops before it would fail an allocation. */
	text = xmalloc(CG_TEXT_MAX);
	f = path_join(cg->mem_dir, "memory.stat");
	if (file_read_into(f, text, CG_TEXT_MAX) >= 0 &&
	    kfile_key(text, v1 ? "total_inactive_file" : "inactive_file", &inactive) != 0)
		inactive = 0;
	free(f);
	free(text);
	*bytes = usage > inactive ? usage - inactive : 0;
	return 0;
}

int
cgroup_cpu_time(const struct cgroup *cg, double *seconds)
{
	char text[CG_TEXT_MAX];
	unsigned long long v;

	if (cg->cpu_usage == NULL)
		return -1;
	if (cg->cpu_version == 1) {
		if (kfile_ull(cg->cpu_usage, &v) != 0)
			return -1;
		*seconds = (double)v / 1e9;	/* cpuacct.usage: nanoseconds */
		return 0;
	}
	if (file_read_into(cg->cpu_usage, text, sizeof text) < 0 ||
	    kfile_key(text, "usage_usec", &v) != 0)
		return -1;
	*seconds = (double)v / 1e6;
	return 0;
}
