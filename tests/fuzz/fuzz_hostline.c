/*
 * fuzz_hostline - a line of res-gate --stream, as res-gate --host and
 * bgtrain --host-probe read it from a probe they do not control: parsed,
 * and when it parses, written again and read back to the same figures,
 * merged into a sample as the worse of two, and judged and printed.
 * Seeds: tests/fuzz/seeds/hostline.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "gate.h"
#include "hostline.h"
#include "strbuf.h"

static int
same(double a, double b)
{
	return a == b || fabs(a - b) <= 1e-8 * fabs(a) || (a < 0 && b < 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gate_sample s, back, own;
	struct gate_thresholds t;
	struct strbuf why = { 0 }, line = { 0 }, out = { 0 };
	double self, self2;
	int i;

	if (size >= HOSTLINE_MAX)
		return 0;	/* the reader drops longer lines before parsing */
	if (hostline_parse((const char *)data, size, &s, &self, &why) == 0) {
		hostline_format(&line, &s, self);
		/* Written back, the line reads as the same figures. */
		if (line.len == 0 || line.data[line.len - 1] != '\n' ||
		    hostline_parse(line.data, line.len - 1, &back, &self2, &why) != 0 ||
		    !same(back.cpu, s.cpu) || !same(back.mem, s.mem) ||
		    back.mem_used != s.mem_used || back.ngpus != s.ngpus)
			__builtin_trap();
		for (i = 0; i < s.ngpus; i++)
			if (!same(back.gpus[i].mem, s.gpus[i].mem) ||
			    !same(back.gpus[i].util, s.gpus[i].util))
				__builtin_trap();
		if (s.cpu > 100.0 * 1.05 + 1e-9 || s.mem > 100 || s.ngpus > GPU_MAX)
			__builtin_trap();
		gate_thresholds_default(&t);
		memset(&own, 0, sizeof own);
		own.cpu = 10;
		own.mem = 20;
		own.mem_total = 100;
		own.load = own.load_per_core = -1;
		gate_exclude_units(&s, 0.5, 1e6);
		gate_merge_host(&own, &s);
		if ((s.cpu >= 0 && own.cpu < s.cpu) || (s.cpu < 0 && own.cpu >= 0))
			__builtin_trap();
		gate_json(&out, &own, &t, gate_verdict(&own, &t));
		gate_line(&out, &own, &t);
	}
	sb_free(&why);
	sb_free(&line);
	sb_free(&out);
	return 0;
}
