/*
 * gate_options.c - the gate's thresholds as options, declared once for
 * res-gate's command line and bgtrain's command line and config file
 *
 * Each program that judges the gate adds this table to its own, so a
 * threshold has one name, one range, one default and one help line
 * everywhere; gate_thresholds_default() takes its defaults from here too.
 */
#include <stddef.h>

#include "gate.h"
#include "gate_options.h"

const struct opt gate_options[] = {
	{ .name = "cpu", .kind = OPT_NUMBER,
	  .field = offsetof(struct gate_thresholds, cpu),
	  .arg = "PCT", .lo = 0, .hi = 100, .word = "off", .word_value = -1,
	  .def = "80", .help = "CPU use threshold" },
	{ .name = "mem", .kind = OPT_NUMBER,
	  .field = offsetof(struct gate_thresholds, mem),
	  .arg = "PCT", .lo = 0, .hi = 100, .word = "off", .word_value = -1,
	  .def = "85", .help = "memory use threshold" },
	{ .name = "gpu-util", .kind = OPT_NUMBER,
	  .field = offsetof(struct gate_thresholds, gpu_util),
	  .arg = "PCT", .lo = 0, .hi = 100, .word = "off", .word_value = -1,
	  .def = "off", .help = "GPU utilisation threshold, any GPU" },
	{ .name = "gpu-mem", .kind = OPT_NUMBER,
	  .field = offsetof(struct gate_thresholds, gpu_mem),
	  .arg = "PCT", .lo = 0, .hi = 100, .word = "off", .word_value = -1,
	  .def = "90", .help = "GPU memory threshold, any GPU" },
	/*
	 * The load is the tasks running or waiting per CPU: 1 is every CPU
	 * busy, a few is a machine thrashing. At 100 per CPU the gate would
	 * never close on a machine that still answers, so more can only be a
	 * mistake (res-gate took up to 100, bgtrain up to 1e6: now one limit).
	 */
	{ .name = "load", .kind = OPT_NUMBER,
	  .field = offsetof(struct gate_thresholds, load),
	  .arg = "X", .lo = 0, .hi = 100, .word = "off", .word_value = -1,
	  .def = "off", .help = "1-minute load average per CPU, 0 to 100" },
	{ .name = "far", .kind = OPT_NUMBER,
	  .field = offsetof(struct gate_thresholds, far),
	  .arg = "PCT", .lo = 0, .hi = 100,
	  .def = "10", .help = "points over a threshold that are far over\n"
	  "(the load is far over at 1.5 times its threshold)" },
	{ .name = NULL }
};
