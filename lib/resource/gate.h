/*
 * gate.h - is there room for more work? Measure CPU, memory, load and GPUs
 * once into a sample, then judge the sample against thresholds
 */
#ifndef GATE_H
#define GATE_H

#include "gpu.h"
#include "strbuf.h"

/* The verdicts, which are also res-gate's exit codes (GNU parallel's --limit). */
enum { GATE_OPEN = 0, GATE_OVER = 1, GATE_FAR = 2 };

enum gate_metric { GATE_CPU, GATE_MEM, GATE_LOAD, GATE_GPU_UTIL, GATE_GPU_MEM, GATE_METRICS };

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

/*
 * Leave out work we started ourselves (a driver's own workers), given as
 * percentages of the whole machine over the sample's span: 100 is every
 * online CPU busy, or MemTotal. The load and the GPUs stay as they are.
 */
void gate_exclude(struct gate_sample *s, double cpu_percent, double mem_percent);

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
/* "cpu", "mem", "load", "gpu_util", "gpu_mem" */
const char *gate_metric_name(enum gate_metric m);
/* "open", "over", "far" */
const char *gate_verdict_name(int verdict);

/* The sample, thresholds and verdict as one JSON object; status: the exit code. */
void gate_json(struct strbuf *sb, const struct gate_sample *s,
    const struct gate_thresholds *t, int status);
/*
 * One line for people: "over: cpu 93.1% (over 80), mem 41.2%, ...";
 * a judged figure not measured reads "cpu unmeasured (shut)".
 */
void gate_line(struct strbuf *sb, const struct gate_sample *s, const struct gate_thresholds *t);

#endif
