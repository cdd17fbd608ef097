/*
 * fuzz_config - a config file (--config FILE): config_read with the set
 * of option tables a program uses (opt_set_key), here the gate's options
 * (which res-gate and bgtrain take), bgtrain's training settings with
 * their check (--hidden's list), its analysis settings with their check
 * and the command line they make, and a table with one option of each kind.
 * Seeds: tests/fuzz/seeds/config.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analysis_flags.h"
#include "config.h"
#include "fuzz.h"
#include "gate.h"
#include "gate_options.h"
#include "options.h"
#include "train_flags.h"

struct every {
	const char *s;
	double num;
	int i;
	size_t size;
	uint64_t u64;
	int flag, choice;
};

static const char *const colours[] = { "red", "green", "blue", NULL };

static const struct opt every_options[] = {
	{ .name = "string", .kind = OPT_STRING, .field = offsetof(struct every, s),
	  .arg = "S", .def = "x", .help = "a string" },
	{ .name = "number", .kind = OPT_NUMBER, .field = offsetof(struct every, num),
	  .arg = "N", .lo = -1e9, .hi = 1e9, .word = "off", .word_value = -1,
	  .def = "1.5", .help = "a number" },
	{ .name = "int", .kind = OPT_INT, .field = offsetof(struct every, i),
	  .arg = "N", .min = 1, .max = 2147483647, .def = "3", .help = "an int" },
	{ .name = "size", .kind = OPT_SIZE, .field = offsetof(struct every, size),
	  .arg = "N", .min = 0, .max = 1000000000000000, .def = "4", .help = "a size" },
	{ .name = "seed", .kind = OPT_U64, .field = offsetof(struct every, u64),
	  .arg = "N", .min = 0, .max = UINT64_MAX, .def = "5",
	  .help = "a seed" },
	{ .name = "flag", .kind = OPT_FLAG, .field = offsetof(struct every, flag),
	  .help = "a flag" },
	{ .name = "colour", .kind = OPT_CHOICE, .field = offsetof(struct every, choice),
	  .arg = "C", .words = colours, .def = "red", .help = "a choice" },
	{ .name = NULL }
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("fuzz.conf", data, size);
	struct opt_set s;
	struct every e;
	struct gate_thresholds g;
	struct train_flags t;
	struct analysis_flags a;
	struct strlist av = { 0 };

	memset(&s, 0, sizeof s);
	memset(&e, 0, sizeof e);
	memset(&g, 0, sizeof g);
	train_flags_unset(&t);
	analysis_flags_unset(&a);
	if (opt_add(&s, every_options, &e) < 0 || opt_add(&s, gate_options, &g) < 0 ||
	    opt_add(&s, training_options, &t) < 0 ||
	    opt_add(&s, analysis_options, &a) < 0)
		__builtin_trap();	/* a default that is no value: a bug here */
	if (config_read(path, opt_set_key, &s) == 0) {
		train_flags_check(&t, 1);
		if (analysis_flags_check(&a) == 0)
			analysis_flags_argv(&a, &av);
	}
	strlist_free(&av);
	opt_free(&s);
	return 0;
}
