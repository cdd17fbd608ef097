/*
 * gate.c - measure once into a sample, then judge the sample
 *
 * In a container the host's /proc says nothing of the container's limits,
 * so where a cgroup limit binds, the figures are the cgroup's: CPU time
 * against the quota and memory against the limit, as docker stats shows
 * them. A limit at or above what the machine has never binds and is left
 * out. Judging is kept apart from measuring so that a driver can measure
 * once, leave out its own workers, and judge.
 *
 * A figure that cannot be measured is -1, never a guess: a cgroup whose
 * counters cannot be read does not fall back to the host's figures, which
 * say nothing of its limit. And a figure that is judged but missing shuts
 * the gate (GATE_OVER, never GATE_FAR: we do not know how far): the gate
 * protects the machine's other users, and a gate that opens when it cannot
 * see lets work in exactly when the machine is too busy to be read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup.h"
#include "clock.h"
#include "die.h"
#include "gate.h"
#include "gate_options.h"
#include "jsonw.h"
#include "resources.h"

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

/*
 * The percentages become CPU-seconds and bytes, which come off the figures
 * whether they are the host's or the cgroup's: our workers run in both.
 */
void
gate_exclude(struct gate_sample *s, double cpu_percent, double mem_percent)
{
	double secs = cpu_percent / 100 * s->seconds * s->host_cpus;
	double bytes = mem_percent / 100 * (double)s->host_mem;

	if (s->cpu >= 0 && secs > 0) {
		s->cpu_used = secs < s->cpu_used ? s->cpu_used - secs : 0;
		s->cpu = 100 * s->cpu_used / s->cpu_capacity;
	}
	if (s->mem >= 0 && bytes > 0 && s->mem_total > 0) {
		s->mem_used = bytes < (double)s->mem_used ?
		    s->mem_used - (unsigned long long)bytes : 0;
		s->mem = 100.0 * (double)s->mem_used / (double)s->mem_total;
	}
}

void
gate_thresholds_default(struct gate_thresholds *t)
{
	/* The table's defaults are values it takes: this cannot fail. */
	(void)opt_defaults(gate_options, t);
}

/* Judged (a threshold is set) and not measured: -1, or NaN from a bad reading. */
static int
unmeasured(double v, double threshold)
{
	return threshold >= 0 && !(v >= 0);
}

static int
level(double v, double threshold, double far)
{
	if (threshold < 0)
		return GATE_OPEN;
	if (unmeasured(v, threshold))
		return GATE_OVER;
	if (v <= threshold)
		return GATE_OPEN;
	return v > far ? GATE_FAR : GATE_OVER;
}

/* Whether metric m is judged and some figure of it was not measured. */
static int
metric_unmeasured(const struct gate_sample *s, const struct gate_thresholds *t,
    enum gate_metric m)
{
	int i;

	switch (m) {
	case GATE_CPU: return unmeasured(s->cpu, t->cpu);
	case GATE_MEM: return unmeasured(s->mem, t->mem);
	case GATE_LOAD: return unmeasured(s->load_per_core, t->load);
	case GATE_GPU_UTIL:
	case GATE_GPU_MEM:
		for (i = 0; i < s->ngpus; i++)
			if (unmeasured(m == GATE_GPU_MEM ? s->gpus[i].mem :
			    s->gpus[i].util, m == GATE_GPU_MEM ? t->gpu_mem : t->gpu_util))
				return 1;
		return 0;
	default: return 0;
	}
}

static int
gpu_level(const struct gate_sample *s, double threshold, double far, int mem)
{
	int i, l, worst = GATE_OPEN;

	for (i = 0; i < s->ngpus; i++) {
		l = level(mem ? s->gpus[i].mem : s->gpus[i].util, threshold, far);
		if (l > worst)
			worst = l;
	}
	return worst;
}

int
gate_level(const struct gate_sample *s, const struct gate_thresholds *t, enum gate_metric m)
{
	switch (m) {
	case GATE_CPU: return level(s->cpu, t->cpu, t->cpu + t->far);
	case GATE_MEM: return level(s->mem, t->mem, t->mem + t->far);
	case GATE_LOAD: return level(s->load_per_core, t->load, 1.5 * t->load);
	case GATE_GPU_UTIL: return gpu_level(s, t->gpu_util, t->gpu_util + t->far, 0);
	case GATE_GPU_MEM: return gpu_level(s, t->gpu_mem, t->gpu_mem + t->far, 1);
	default: return GATE_OPEN;
	}
}

int
gate_verdict(const struct gate_sample *s, const struct gate_thresholds *t)
{
	int m, l, worst = GATE_OPEN;

	for (m = 0; m < GATE_METRICS; m++) {
		l = gate_level(s, t, (enum gate_metric)m);
		if (l > worst)
			worst = l;
	}
	return worst;
}

const char *
gate_metric_name(enum gate_metric m)
{
	static const char *names[GATE_METRICS] = {
		"cpu", "mem", "load", "gpu_util", "gpu_mem"
	};

	return m >= 0 && m < GATE_METRICS ? names[m] : "?";
}

const char *
gate_verdict_name(int verdict)
{
	return verdict == GATE_OPEN ? "open" : verdict == GATE_OVER ? "over" : "far";
}

/* A figure, or null when it was not measured. */
static void
json_figure(struct strbuf *sb, const char *key, double v)
{
	sb_printf(sb, ", \"%s\": ", key);
	if (v < 0)
		sb_adds(sb, "null");
	else
		json_number(sb, v);
}

static void
json_gpu(struct strbuf *sb, const struct gpu_info *g)
{
	sb_adds(sb, "{\"vendor\": ");
	json_cstring(sb, gpu_vendor_name(g->vendor));
	sb_adds(sb, ", \"index\": ");
	sb_addi(sb, g->index);
	json_figure(sb, "util", g->util);
	json_figure(sb, "mem", g->mem);
	if (g->mem >= 0) {
		sb_adds(sb, ", \"mem_used\": ");
		sb_addu(sb, g->mem_used);
		sb_adds(sb, ", \"mem_total\": ");
		sb_addu(sb, g->mem_total);
	}
	sb_addc(sb, '}');
}

void
gate_json(struct strbuf *sb, const struct gate_sample *s,
    const struct gate_thresholds *t, int status)
{
	int i, m, n = 0;

	sb_adds(sb, "{\"seconds\": ");
	json_number(sb, s->seconds);
	json_figure(sb, "cpu", s->cpu);
	json_figure(sb, "mem", s->mem);
	sb_adds(sb, ", \"mem_used\": ");
	sb_addu(sb, s->mem_used);
	sb_adds(sb, ", \"mem_total\": ");
	sb_addu(sb, s->mem_total);
	json_figure(sb, "load", s->load);
	json_figure(sb, "load_per_core", s->load_per_core);
	sb_adds(sb, ", \"cpus\": ");
	json_number(sb, s->cpus);
	sb_adds(sb, ", \"cgroup\": ");
	if (s->cgroup)
		sb_addi(sb, s->cgroup);
	else
		sb_adds(sb, "null");
	sb_adds(sb, ", \"gpus\": [");
	for (i = 0; i < s->ngpus; i++) {
		if (i)
			sb_adds(sb, ", ");
		json_gpu(sb, &s->gpus[i]);
	}
	sb_adds(sb, "], \"thresholds\": {\"far\": ");
	json_number(sb, t->far);
	json_figure(sb, "cpu", t->cpu);
	json_figure(sb, "mem", t->mem);
	json_figure(sb, "gpu_util", t->gpu_util);
	json_figure(sb, "gpu_mem", t->gpu_mem);
	json_figure(sb, "load", t->load);
	sb_adds(sb, "}, \"over\": [");
	for (m = 0; m < GATE_METRICS; m++) {
		if (gate_level(s, t, (enum gate_metric)m) == GATE_OPEN)
			continue;
		if (n++)
			sb_adds(sb, ", ");
		json_cstring(sb, gate_metric_name((enum gate_metric)m));
	}
	sb_adds(sb, "], \"unmeasured\": [");
	for (n = 0, m = 0; m < GATE_METRICS; m++) {
		if (!metric_unmeasured(s, t, (enum gate_metric)m))
			continue;
		if (n++)
			sb_adds(sb, ", ");
		json_cstring(sb, gate_metric_name((enum gate_metric)m));
	}
	sb_adds(sb, "], \"verdict\": ");
	json_cstring(sb, gate_verdict_name(gate_verdict(s, t)));
	sb_adds(sb, ", \"exit\": ");
	sb_addi(sb, status);
	sb_addc(sb, '}');
}

/*
 * "cpu 93.1% (over 80)"; "cpu -" when not measured nor judged, "cpu
 * unmeasured (shut)" when judged and not measured.
 */
static void
line_figure(struct strbuf *sb, const char *name, double v, int digits, const char *unit,
    double threshold, double far)
{
	int l = level(v, threshold, far);

	if (unmeasured(v, threshold)) {
		sb_printf(sb, "%s unmeasured (shut)", name);
		return;
	}
	if (!(v >= 0)) {
		sb_printf(sb, "%s -", name);
		return;
	}
	sb_printf(sb, "%s %.*f%s", name, digits, v, unit);
	if (l != GATE_OPEN)
		sb_printf(sb, " (%s %g)", l == GATE_FAR ? "far over" : "over", threshold);
}

void
gate_line(struct strbuf *sb, const struct gate_sample *s, const struct gate_thresholds *t)
{
	const struct gpu_info *g;
	int i;

	sb_printf(sb, "%s: ", gate_verdict_name(gate_verdict(s, t)));
	line_figure(sb, "cpu", s->cpu, 1, "%", t->cpu, t->cpu + t->far);
	sb_adds(sb, ", ");
	line_figure(sb, "mem", s->mem, 1, "%", t->mem, t->mem + t->far);
	sb_adds(sb, ", ");
	line_figure(sb, "load", s->load_per_core, 2, " per CPU", t->load, 1.5 * t->load);
	for (i = 0; i < s->ngpus; i++) {
		g = &s->gpus[i];
		sb_printf(sb, ", %s%d ", gpu_vendor_name(g->vendor), g->index);
		line_figure(sb, "util", g->util, 0, "%", t->gpu_util, t->gpu_util + t->far);
		sb_adds(sb, " ");
		line_figure(sb, "mem", g->mem, 1, "%", t->gpu_mem, t->gpu_mem + t->far);
	}
}
