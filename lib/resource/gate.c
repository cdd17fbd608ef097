/*
 * gate.c - judge a sample against thresholds; the figures' percentages,
 * our own workers left out, a host's figures merged in
 *
 * Judging is kept apart from measuring (probe.c on Linux, probe_win.c on
 * Windows) so that a driver can measure once, leave out its own workers,
 * and judge, and so that res-gate.exe judges with this very file: plain C,
 * compiled by both builds.
 *
 * A figure that cannot be measured is -1, never a guess. And a figure
 * that is judged but missing shuts the gate (GATE_OVER, never GATE_FAR: we
 * do not know how far): the gate protects the machine's other users, and
 * a gate that opens when it cannot see lets work in exactly when the
 * machine is too busy to be read. So does a host probe that was asked for
 * and says nothing: WSL's own figures are those of a virtual machine.
 */
#include <stdio.h>
#include <string.h>

#include "gate.h"
#include "gate_options.h"
#include "jsonw.h"

/*
 * Our workers' CPU-seconds over the span and their bytes come off the
 * figures whether they are the machine's, the cgroup's or the host's: our
 * workers run in all of them.
 */
void
gate_exclude_units(struct gate_sample *s, double busy_cpus, double bytes)
{
	double secs = busy_cpus * s->seconds;

	if (s->cpu >= 0 && secs > 0 && s->cpu_capacity > 0) {
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
gate_exclude_to_units(const struct gate_sample *s, double cpu_percent,
    double mem_percent, double *busy_cpus, double *bytes)
{
	*busy_cpus = cpu_percent / 100 * s->host_cpus;
	*bytes = mem_percent / 100 * (double)s->host_mem;
}

void
gate_exclude(struct gate_sample *s, double cpu_percent, double mem_percent)
{
	double cpus, bytes;

	gate_exclude_to_units(s, cpu_percent, mem_percent, &cpus, &bytes);
	gate_exclude_units(s, cpus, bytes);
}

void
gate_percentages(struct gate_sample *s)
{
	s->cpu = s->mem = -1;
	if (s->seconds >= GATE_MIN_SPAN && s->cpu_capacity > 0 && s->cpu_used >= 0)
		s->cpu = 100 * s->cpu_used / s->cpu_capacity;
	if (s->mem_total > 0)
		s->mem = 100.0 * (double)s->mem_used / (double)s->mem_total;
}

/* b is worse than a: unmeasured is worst, else the higher percentage. */
static int
worse(double a, double b)
{
	return a >= 0 && !(b >= 0 && b <= a);
}

void
gate_merge_host(struct gate_sample *s, const struct gate_sample *h)
{
	int i;

	s->host_state = GATE_HOST_OK;
	s->host_why[0] = '\0';
	s->host_cpu_pct = h->cpu;
	s->host_mem_pct = h->mem;
	if (worse(s->cpu, h->cpu)) {
		s->cpu = h->cpu >= 0 ? h->cpu : -1;
		s->cpu_used = h->cpu_used;
		s->cpu_capacity = h->cpu_capacity;
		s->cpu_from_host = 1;
	}
	if (worse(s->mem, h->mem)) {
		s->mem = h->mem >= 0 ? h->mem : -1;
		s->mem_used = h->mem_used;
		s->mem_total = h->mem_total;
		s->mem_from_host = 1;
	}
	for (i = 0; i < h->ngpus && s->ngpus < GPU_MAX; i++) {
		s->gpus[s->ngpus] = h->gpus[i];
		s->gpus[s->ngpus++].host = 1;
	}
}

void
gate_host_broken(struct gate_sample *s, const char *why)
{
	s->host_state = GATE_HOST_BROKEN;
	s->host_cpu_pct = s->host_mem_pct = -1;
	snprintf(s->host_why, sizeof s->host_why, "%s", why);
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
	case GATE_HOST: return s->host_state == GATE_HOST_BROKEN;
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
	case GATE_HOST: return s->host_state == GATE_HOST_BROKEN ? GATE_OVER : GATE_OPEN;
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
		"cpu", "mem", "load", "gpu_util", "gpu_mem", "host"
	};

	return m >= 0 && m < GATE_METRICS ? names[m] : "?";
}

const char *
gpu_vendor_name(int vendor)
{
	return vendor == GPU_NVIDIA ? "nvidia" : vendor == GPU_AMD ? "amd" : "unknown";
}

int
gpu_vendor_parse(const char *name, size_t len)
{
	if (len == 6 && memcmp(name, "nvidia", 6) == 0)
		return GPU_NVIDIA;
	if (len == 3 && memcmp(name, "amd", 3) == 0)
		return GPU_AMD;
	return 0;
}

const char *
gate_verdict_name(int verdict)
{
	return verdict == GATE_OPEN ? "open" : verdict == GATE_OVER ? "over" : "far";
}

void
gate_json_figure(struct strbuf *sb, const char *key, double v)
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
	if (g->host)
		sb_adds(sb, ", \"host\": true");
	gate_json_figure(sb, "util", g->util);
	gate_json_figure(sb, "mem", g->mem);
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
	gate_json_figure(sb, "cpu", s->cpu);
	gate_json_figure(sb, "mem", s->mem);
	sb_adds(sb, ", \"mem_used\": ");
	sb_addu(sb, s->mem_used);
	sb_adds(sb, ", \"mem_total\": ");
	sb_addu(sb, s->mem_total);
	gate_json_figure(sb, "load", s->load);
	gate_json_figure(sb, "load_per_core", s->load_per_core);
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
	sb_adds(sb, "]");
	if (s->host_state != GATE_HOST_NONE) {
		/* The host's own figures, and which of the judged ones are its. */
		gate_json_figure(sb, "host_cpu", s->host_cpu_pct);
		gate_json_figure(sb, "host_mem", s->host_mem_pct);
		sb_printf(sb, ", \"cpu_from_host\": %s, \"mem_from_host\": %s, "
		    "\"host_error\": ", s->cpu_from_host ? "true" : "false",
		    s->mem_from_host ? "true" : "false");
		if (s->host_state == GATE_HOST_BROKEN)
			json_cstring(sb, s->host_why);
		else
			sb_adds(sb, "null");
	}
	sb_adds(sb, ", \"thresholds\": {\"far\": ");
	json_number(sb, t->far);
	gate_json_figure(sb, "cpu", t->cpu);
	gate_json_figure(sb, "mem", t->mem);
	gate_json_figure(sb, "gpu_util", t->gpu_util);
	gate_json_figure(sb, "gpu_mem", t->gpu_mem);
	gate_json_figure(sb, "load", t->load);
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
	line_figure(sb, s->cpu_from_host ? "host cpu" : "cpu", s->cpu, 1, "%", t->cpu,
	    t->cpu + t->far);
	sb_adds(sb, ", ");
	line_figure(sb, s->mem_from_host ? "host mem" : "mem", s->mem, 1, "%", t->mem,
	    t->mem + t->far);
	sb_adds(sb, ", ");
	line_figure(sb, "load", s->load_per_core, 2, " per CPU", t->load, 1.5 * t->load);
	for (i = 0; i < s->ngpus; i++) {
		g = &s->gpus[i];
		sb_printf(sb, ", %s%s%d ", g->host ? "host " : "",
		    gpu_vendor_name(g->vendor), g->index);
		line_figure(sb, "util", g->util, 0, "%", t->gpu_util, t->gpu_util + t->far);
		sb_adds(sb, " ");
		line_figure(sb, "mem", g->mem, 1, "%", t->gpu_mem, t->gpu_mem + t->far);
	}
	if (s->host_state == GATE_HOST_BROKEN)
		sb_printf(sb, ", host unmeasured (shut): %s", s->host_why);
}
