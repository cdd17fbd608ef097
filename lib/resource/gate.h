/*
 * gate.h - is there room for more work? Measure CPU, memory, load and GPUs
 * once into a sample, then judge the sample against thresholds
 *
 * Judging (gate.c) is plain C that both builds compile; measuring has one
 * implementation per system behind the same calls: probe.c on Linux,
 * lib/windows/probe_win.c in res-gate.exe.
 */
#ifndef GATE_H
#define GATE_H

#include <stddef.h>

#include "gpu.h"
#include "strbuf.h"

/* The verdicts, which are also res-gate's exit codes (GNU parallel's --limit). */
enum { GATE_OPEN = 0, GATE_OVER = 1, GATE_FAR = 2 };

enum gate_metric {
	GATE_CPU, GATE_MEM, GATE_LOAD, GATE_GPU_UTIL, GATE_GPU_MEM,
	GATE_HOST,	/* a host probe was asked for and gave no figures */
	GATE_METRICS
};

/* What a host probe (res-gate.exe on the Windows host of WSL) gave. */
enum gate_host_state { GATE_HOST_NONE, GATE_HOST_OK, GATE_HOST_BROKEN };

/*
 * Spans shorter than this give no CPU figure: /proc/stat counts in ticks of
 * 1/USER_HZ (10 ms), so under 20 ms two readings of a busy CPU can be equal,
 * and 5 ticks per CPU are the fewest that tell 80% from 100%.
 */
#define GATE_MIN_SPAN 0.05

struct gate_probe;

struct gate_sample {
	double seconds;		/* the span the CPU figures cover */
	double cpu;		/* percent of the CPU time we may use; -1 unmeasured */
	double cpu_used;	/* CPU-seconds used over the span... */
	double cpu_capacity;	/* ...and available to us */
	double mem;		/* percent of the memory we may use; -1 unmeasured */
	unsigned long long mem_used, mem_total;	/* bytes: of the host or the cgroup */
	double load;		/* 1-minute load average (the host's); -1 unknown */
	double cpus;		/* CPUs we may use: online, affinity, cgroup quota */
	double load_per_core;	/* load / cpus; -1 unknown */
	int cgroup;		/* 2 or 1 when a cgroup limit shaped the figures */
	int host_cpus;		/* online CPUs, and MemTotal in bytes: what */
	unsigned long long host_mem;	/* gate_exclude's percentages are of */
	int ngpus;
	struct gpu_info gpus[GPU_MAX];
	/* The host's figures, merged in by gate_merge_host(). */
	int host_state;		/* enum gate_host_state */
	int cpu_from_host, mem_from_host;	/* cpu, mem above are the host's, the worse */
	double host_cpu_pct, host_mem_pct;	/* the host's own; -1 unmeasured */
	char host_why[160];	/* GATE_HOST_BROKEN: why there are no figures */
};

struct gate_thresholds {
	double cpu, mem, gpu_util, gpu_mem;	/* percent; < 0: not judged */
	double load;				/* per CPU; < 0: not judged */
	double far;	/* points over a percent threshold that are far over */
};

/*
 * Find the cgroup, the GPUs and libproc2's files. root prefixes the cgroup
 * and sysfs files; NULL or "/" on a real system, a fake tree in tests.
 * NULL when /proc/stat or /proc/meminfo cannot be read.
 */
struct gate_probe *gate_probe_new(const char *root);
void gate_probe_free(struct gate_probe *p);

/*
 * One sample. With interval > 0, CPU use is measured over that many
 * seconds, slept here; with 0, over the time since the previous call (or
 * gate_probe_new), for a caller that samples in a loop of its own. A span
 * under GATE_MIN_SPAN gives no CPU figure (cpu -1), and so does a cgroup
 * quota whose usage cannot be read; a memory limit whose usage cannot be
 * read gives no memory figure (mem -1, mem_total 0). Memory, load and GPUs
 * are read at the end. Returns 0, or -1 when /proc could not be read (or p
 * is NULL).
 */
int gate_measure(struct gate_probe *p, double interval, struct gate_sample *s);

/* What gate_measure reads, for the message when it cannot. */
extern const char gate_probe_sources[];

/* This process's own CPU time so far, in seconds (-1 unknown): a probe's cost. */
double gate_self_cpu(void);

/*
 * Whether standard input has ended (EOF, closed, an error), waiting up to
 * seconds for it: 1 ended, 0 not yet. res-gate --stream runs until it does.
 */
int gate_input_ended(double seconds);

/*
 * Leave out work we started ourselves (a driver's own workers), given as
 * percentages of the whole machine over the sample's span: 100 is every
 * online CPU busy, or MemTotal. The load and the GPUs stay as they are.
 */
void gate_exclude(struct gate_sample *s, double cpu_percent, double mem_percent);
/*
 * The same in the units every machine shares, CPUs kept busy on average and
 * bytes: how our workers, measured inside WSL's virtual machine, come off
 * the figures of the Windows host that runs it.
 */
void gate_exclude_units(struct gate_sample *s, double busy_cpus, double bytes);
/* What gate_exclude() would take off, in those units. */
void gate_exclude_to_units(const struct gate_sample *s, double cpu_percent,
    double mem_percent, double *busy_cpus, double *bytes);

/*
 * The percentages of a sample whose raw figures are set (CPU-seconds over
 * the span, bytes): cpu from cpu_used / cpu_capacity when the span is at
 * least GATE_MIN_SPAN, mem from mem_used / mem_total; -1 where they cannot be.
 */
void gate_percentages(struct gate_sample *s);

/*
 * Use the worse of s's own figures and the host's h (CPU, memory: the
 * higher percentage, an unmeasured one worst of all; the host's GPUs are
 * added to s's, marked host). s keeps its load and CPU count.
 */
void gate_merge_host(struct gate_sample *s, const struct gate_sample *h);
/* A host probe was asked for and gave nothing usable: why; the gate shuts. */
void gate_host_broken(struct gate_sample *s, const char *why);

/*
 * The defaults of gate_options: cpu 80, mem 85, gpu_mem 90 (the old
 * tool's), gpu_util and load off, far 10.
 */
void gate_thresholds_default(struct gate_thresholds *t);

/*
 * GATE_OVER when a metric is above its threshold, GATE_FAR when above it by
 * more than far points (the load: 1.5 times the threshold); for the GPU
 * metrics, the worst GPU. A metric that is judged but was not measured
 * (any GPU's, for the GPU metrics) is GATE_OVER: a check that cannot
 * measure says shut, never open.
 */
int gate_level(const struct gate_sample *s, const struct gate_thresholds *t, enum gate_metric m);
/* The worst level of all metrics. */
int gate_verdict(const struct gate_sample *s, const struct gate_thresholds *t);
/* "cpu", "mem", "load", "gpu_util", "gpu_mem", "host" */
const char *gate_metric_name(enum gate_metric m);
/* "nvidia" or "amd"; and back, 0 for a name that is neither */
const char *gpu_vendor_name(int vendor);
int gpu_vendor_parse(const char *name, size_t len);
/* "open", "over", "far" */
const char *gate_verdict_name(int verdict);

/* ", \"key\": v", or null when v was not measured (< 0). */
void gate_json_figure(struct strbuf *sb, const char *key, double v);

/* The sample, thresholds and verdict as one JSON object; status: the exit code. */
void gate_json(struct strbuf *sb, const struct gate_sample *s,
    const struct gate_thresholds *t, int status);
/*
 * One line for people: "over: cpu 93.1% (over 80), mem 41.2%, ...";
 * a judged figure not measured reads "cpu unmeasured (shut)".
 */
void gate_line(struct strbuf *sb, const struct gate_sample *s, const struct gate_thresholds *t);

#endif
