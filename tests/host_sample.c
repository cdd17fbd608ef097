/*
 * host_sample - what one host-probe sample costs the driver, once the probe
 * streams (make bench: bench_gate.sh)
 *
 *   host_sample CMD SAMPLES PAUSE_MS
 *
 * Starts CMD as bgtrain --host-probe does, waits for its first line, then
 * takes SAMPLES samples PAUSE_MS apart the way the driver's tick does (read
 * the newest line, merge it into a sample as the worse of two) and prints
 * the CPU time of this process per sample, the pauses left out, beside the
 * probe's own CPU time per line (its self= field).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "gate.h"
#include "host.h"

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct host_probe h;
	struct gate_sample s;
	double cpu = 0, t, self0, pause;
	unsigned long lines0;
	int i, n, merged = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: host_sample CMD SAMPLES PAUSE_MS\n");
		return 64;
	}
	n = atoi(argv[2]);
	pause = atof(argv[3]) / 1000;
	host_probe_init(&h, argv[1], NULL, NULL, 30);
	host_probe_poll(&h, monotonic_seconds());
	if (!host_probe_wait(&h, 30)) {
		fprintf(stderr, "host_sample: no line from the probe: %s\n", h.why);
		return 1;
	}
	self0 = h.self;
	lines0 = h.lines;
	for (i = 0; i < n; i++) {
		pause_seconds(pause);
		memset(&s, 0, sizeof s);
		s.cpu = s.mem = 1;
		s.mem_total = 1;
		t = cpu_now();
		host_probe_poll(&h, monotonic_seconds());
		host_probe_apply(&h, &s, 0.5, 1e6);
		cpu += cpu_now() - t;
		merged += s.host_state == GATE_HOST_OK;
	}
	printf("%.4f ms CPU per sample (%d samples, %d with the host's figures); "
	    "the probe: %.4f ms CPU per line (%lu lines)\n", cpu / n * 1000, n, merged,
	    h.lines > lines0 && h.self >= 0 ? (h.self - self0) / (double)(h.lines - lines0) *
	    1000 : -1.0, h.lines - lines0);
	host_probe_free(&h);
	return merged == n ? 0 : 1;
}
