/*
 * test_hostline - the host probe's line and what the gate does with it:
 * res-gate --stream's format written and read back, every kind of line a
 * reader must refuse, our workers left out in the host's units, the worse
 * of two samples, and a probe without figures shutting the gate
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gate.h"
#include "hostline.h"
#include "testutil.h"

static int
parse(const char *line, struct gate_sample *s, double *self)
{
	struct strbuf why = { 0 };
	int rc = hostline_parse(line, strlen(line), s, self, &why);

	sb_free(&why);
	return rc;
}

/* Lines no reader may take: each must be refused, whole. */
static const char *const refused[] = {
	"",
	"res-gate/1",
	"res-gate/2 span=1 cpus=1 cpu=1,1 mem=1,2",
	"res-gate/1.5 span=1 cpus=1 cpu=1,1 mem=1,2",
	"bgtrain/1 span=1 cpus=1 cpu=1,1 mem=1,2",
	"res-gate/1 cpus=1 cpu=1,1 mem=1,2",
	"res-gate/1 span=1 cpus=1 cpu=1,1",
	"res-gate/1 span=0 cpus=1 cpu=1,1 mem=1,2",
	"res-gate/1 span=1 cpus=0 cpu=1,1 mem=1,2",
	"res-gate/1 span=1 cpus=1 cpu=2,1 mem=1,2",
	"res-gate/1 span=1 cpus=1 cpu=1,1 mem=3,2",
	"res-gate/1 span=1 cpus=1 cpu=-1,1 mem=1,2",
	"res-gate/1 span=nan cpus=1 cpu=1,1 mem=1,2",
	"res-gate/1 span=inf cpus=1 cpu=1,1 mem=1,2",
	"res-gate/1 span=0x1 cpus=1 cpu=1,1 mem=1,2",
	"res-gate/1 span= 1 cpus=1 cpu=1,1 mem=1,2",
	"res-gate/1  span=1 cpus=1 cpu=1,1 mem=1,2",
	"res-gate/1 span=1 cpus=1 cpu=1,1 mem=1,2 ",
	"res-gate/1 span=1 cpus=1 cpu=1,1,1 mem=1,2",
	"res-gate/1 span=1 cpus=1 cpu=1,1 mem=1,99999999999999999999",
	"res-gate/1 span=1 cpus=1 cpu=1,1 mem=1,2 gpu=intel,0,1,1,2",
	"res-gate/1 span=1 cpus=1 cpu=1,1 mem=1,2 gpu=nvidia,0,101,1,2",
	"res-gate/1 span=1 cpus=1 cpu=1,1 mem=1,2 gpu=nvidia,0.5,1,1,2",
	"res-gate/1 span=1 cpus=1 cpu=1,1 mem=1,2 gpu=nvidia,0,1,-,2",
	"res-gate/1 span=1 cpus=1 cpu=1,1 mem=1,2 =1",
	"res-gate/1 span=1 cpus=1 cpu=1,1 mem=1,2 self",
	NULL
};

static void
test_format(void)
{
	struct gate_sample s, back;
	struct strbuf sb = { 0 };
	double self;
	int i;

	EXPECT(parse("res-gate/1 span=0.5 cpus=16 cpu=7.6,8 mem=85,100 self=0.25 "
	    "gpu=nvidia,0,37,95,100 gpu=amd,3,-,-,- later=1,x\r", &s, &self) == 0);
	EXPECT(fabs(s.cpu - 95) < 1e-9 && s.mem == 85 && s.cpus == 16);
	EXPECT(s.seconds == 0.5 && self == 0.25 && s.host_cpus == 16 && s.host_mem == 100);
	EXPECT(s.ngpus == 2 && s.gpus[0].vendor == GPU_NVIDIA && s.gpus[0].util == 37 &&
	    s.gpus[0].mem == 95 && s.gpus[1].vendor == GPU_AMD && s.gpus[1].index == 3 &&
	    s.gpus[1].util == -1 && s.gpus[1].mem == -1);
	hostline_format(&sb, &s, self);
	EXPECT(strcmp(sb.data, "res-gate/1 span=0.5 cpus=16 cpu=7.6,8 mem=85,100 "
	    "self=0.25 gpu=nvidia,0,37,95,100 gpu=amd,3,-,-,-\n") == 0);
	sb.data[--sb.len] = '\0';
	EXPECT(parse(sb.data, &back, &self) == 0 && back.cpu == s.cpu && back.ngpus == 2);
	/* Bytes stay exact past 2^53; a figure not measured stays so. */
	EXPECT(parse("res-gate/1 span=1 cpus=1 cpu=- mem=18446744073709551614,"
	    "18446744073709551615 self=-", &s, &self) == 0);
	EXPECT(s.cpu == -1 && s.mem_used == 18446744073709551614ULL && self == -1);
	sb_reset(&sb);
	hostline_format(&sb, &s, self);
	EXPECT(strstr(sb.data, " cpu=- mem=18446744073709551614,18446744073709551615 "
	    "self=-") != NULL);
	/* Memory not measured, written as one dash or two, reads back the same. */
	EXPECT(parse("res-gate/1 span=1 cpus=1 cpu=1,2 mem=-,- gpu=amd,0,-,-", &s, &self) == 0 &&
	    s.mem == -1 && s.gpus[0].mem == -1);
	sb_reset(&sb);
	hostline_format(&sb, &s, self);
	sb.data[--sb.len] = '\0';
	EXPECT(strcmp(sb.data, "res-gate/1 span=1 cpus=1 cpu=1,2 mem=- self=- gpu=amd,0,-,-,-") == 0 &&
	    parse(sb.data, &back, &self) == 0 && back.mem == -1 && back.cpu == 50);
	/* A span too short to count gives no CPU figure, as res-gate's own. */
	EXPECT(parse("res-gate/1 span=0.01 cpus=1 cpu=0.01,0.01 mem=1,2", &s, &self) == 0 &&
	    s.cpu == -1);
	for (i = 0; refused[i] != NULL; i++)
		if (parse(refused[i], &s, &self) == 0) {
			printf("taken, should be refused: '%s'\n", refused[i]);
			test_failures++;
		}
	sb_free(&sb);
}

static void
test_merge(void)
{
	struct gate_thresholds t;
	struct gate_sample own, host;
	struct strbuf sb = { 0 };
	double self, cpus, bytes;

	gate_thresholds_default(&t);
	memset(&own, 0, sizeof own);
	own.seconds = 1;
	own.cpus = own.host_cpus = 4;
	own.cpu_used = 0.4;
	own.cpu_capacity = 4;
	own.mem_used = 30;
	own.mem_total = own.host_mem = 100;
	own.load = own.load_per_core = -1;
	gate_percentages(&own);
	EXPECT(own.cpu == 10 && own.mem == 30 && gate_verdict(&own, &t) == GATE_OPEN);

	/* Our workers used 25% of our 4 CPUs (1 CPU) and 10% of our memory
	 * (10 bytes): in the host's units they come off its figures. */
	gate_exclude_to_units(&own, 25, 10, &cpus, &bytes);
	EXPECT(cpus == 1 && bytes == 10);
	EXPECT(parse("res-gate/1 span=2 cpus=8 cpu=15,16 mem=200,1000", &host, &self) == 0);
	gate_exclude_units(&host, cpus, bytes);
	EXPECT(fabs(host.cpu - 100.0 * 13 / 16) < 1e-9 && host.mem_used == 190);

	/* The worse of the two: the host's CPU, our memory. */
	gate_merge_host(&own, &host);
	EXPECT(own.cpu_from_host && !own.mem_from_host && fabs(own.cpu - 81.25) < 1e-9 &&
	    own.mem == 30 && own.host_state == GATE_HOST_OK);
	EXPECT(gate_verdict(&own, &t) == GATE_OVER);
	gate_line(&sb, &own, &t);
	EXPECT(strncmp(sb.data, "over: host cpu 81.2% (over 80), mem 30.0%", 41) == 0);

	/* A host GPU is judged beside ours, and named the host's. */
	EXPECT(parse("res-gate/1 span=1 cpus=1 cpu=0,1 mem=0,1 gpu=nvidia,0,1,97,100",
	    &host, &self) == 0);
	own.ngpus = 0;
	gate_merge_host(&own, &host);
	EXPECT(own.ngpus == 1 && own.gpus[0].host && gate_level(&own, &t, GATE_GPU_MEM) ==
	    GATE_OVER);
	sb_reset(&sb);
	gate_json(&sb, &own, &t, 1);
	EXPECT(strstr(sb.data, "\"host\": true") && strstr(sb.data, "\"cpu_from_host\": true"));

	/* No figures from the probe: the gate shuts, whatever else is judged. */
	own.cpu = own.mem = 1;
	own.ngpus = 0;
	own.cpu_from_host = own.mem_from_host = 0;
	t.cpu = t.mem = t.gpu_mem = -1;
	gate_host_broken(&own, "the host probe: silent for 3.0 s");
	EXPECT(gate_verdict(&own, &t) == GATE_OVER);
	sb_reset(&sb);
	gate_line(&sb, &own, &t);
	EXPECT(strstr(sb.data, "host unmeasured (shut): the host probe: silent") != NULL);
	sb_reset(&sb);
	gate_json(&sb, &own, &t, 1);
	EXPECT(strstr(sb.data, "\"unmeasured\": [\"host\"]") &&
	    strstr(sb.data, "\"host_error\": \"the host probe: silent for 3.0 s\""));
	sb_free(&sb);
}

int
main(void)
{
	test_format();
	test_merge();
	return test_exit();
}
