/*
 * res-gate - exit 0 while CPU, memory and GPU use are under thresholds
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"
#include "args.h"
#include "die.h"
#include "gate.h"
#include "strbuf.h"
#include "version.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: res-gate [OPTIONS]\n"
"Exit 0 when CPU, memory and GPU use are under their thresholds: a quiet test\n"
"for scripts and GNU parallel's --limit.\n"
"\n"
"      --cpu PCT          CPU use threshold (default 80)\n"
"      --mem PCT          memory use threshold (default 85)\n"
"      --gpu-util PCT     GPU utilisation threshold, any GPU (default off)\n"
"      --gpu-mem PCT      GPU memory threshold, any GPU (default 90)\n"
"      --load X           1-minute load average per CPU (default off)\n"
"      --far PCT          points over a threshold that are far over (default 10;\n"
"                         the load is far over at 1.5 times its threshold)\n"
"  -i, --interval MS      measure CPU use over MS milliseconds (default 200)\n"
"      --wait[=SECONDS]   poll until the gate opens, or give up after SECONDS\n"
"      --json             print the measurements and the verdict as JSON\n"
"      --sysfs-root DIR   read cgroup and GPU files below DIR (for tests)\n"
"  -v, --verbose          one line per check on stderr\n"
"  -h, --help             show this help\n"
"  -V, --version          show the version\n"
"\n"
"PCT is 0 to 100, or off. Exit status: 0 all under, 1 some over, 2 some far\n"
"over, 75 --wait gave up, 64 usage error, 66 no --sysfs-root folder,\n"
"72 /proc cannot be read.\n");
}

enum {
	OPT_CPU = 256, OPT_MEM, OPT_GPU_UTIL, OPT_GPU_MEM, OPT_LOAD, OPT_FAR,
	OPT_WAIT, OPT_JSON, OPT_SYSFS_ROOT
};

static const struct option options[] = {
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "gpu-util", required_argument, NULL, OPT_GPU_UTIL },
	{ "gpu-mem", required_argument, NULL, OPT_GPU_MEM },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ "far", required_argument, NULL, OPT_FAR },
	{ "interval", required_argument, NULL, 'i' },
	{ "wait", optional_argument, NULL, OPT_WAIT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	struct gate_thresholds t;
	struct gate_probe *probe;
	struct gate_sample s;
	struct strbuf sb = { 0 };
	struct stat st;
	const char *root = "/";
	double interval = 0.2, wait = -1, start, left;
	int c, json = 0, verbose = 0, status;

	progname = "res-gate";
	gate_thresholds_default(&t);
	while ((c = getopt_long(argc, argv, "i:vhV", options, NULL)) != -1) {
		switch (c) {
		case OPT_CPU: t.cpu = arg_number("--cpu", optarg, 0, 100, 1); break;
		case OPT_MEM: t.mem = arg_number("--mem", optarg, 0, 100, 1); break;
		case OPT_GPU_UTIL:
			t.gpu_util = arg_number("--gpu-util", optarg, 0, 100, 1);
			break;
		case OPT_GPU_MEM:
			t.gpu_mem = arg_number("--gpu-mem", optarg, 0, 100, 1);
			break;
		case OPT_LOAD: t.load = arg_number("--load", optarg, 0, 100, 1); break;
		case OPT_FAR: t.far = arg_number("--far", optarg, 0, 100, 0); break;
		case 'i':
			interval = arg_number("--interval", optarg, 0, 3600000, 0) / 1000;
			break;
		case OPT_WAIT:
			wait = optarg ? arg_number("--wait", optarg, 0, 1e9, 0) : INFINITY;
			break;
		case OPT_JSON: json = 1; break;
		case OPT_SYSFS_ROOT: root = optarg; break;
		case 'v': verbose = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("res-gate %s\n", BGTRAIN_VERSION); return 0;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (optind < argc)
		die(EX_USAGE, "unexpected argument: %s (--wait takes its seconds as --wait=N)",
		    argv[optind]);
	/* A mistyped fake tree would measure the real machine instead. */
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode))
		die(EX_NOINPUT, "--sysfs-root: %s: not a folder", root);
	if ((probe = gate_probe_new(root)) == NULL)
		die(EX_OSFILE, "cannot read /proc/stat and /proc/meminfo");

	start = monotonic_seconds();
	for (;;) {
		if (gate_measure(probe, interval, &s) != 0)
			die(EX_OSFILE, "cannot read /proc/stat and /proc/meminfo");
		status = gate_verdict(&s, &t);
		if (verbose) {
			sb_reset(&sb);
			gate_line(&sb, &s, &t);
			warnmsg("%s", sb.data);
		}
		if (wait < 0 || status == GATE_OPEN)
			break;
		left = wait - (monotonic_seconds() - start);
		if (left <= 0) {
			status = EX_TEMPFAIL;
			break;
		}
		/* --interval 0: checks 200 ms apart, each over the pause before it. */
		if (interval == 0)
			pause_seconds(left < 0.2 ? left : 0.2);
	}
	gate_probe_free(probe);
	if (json) {
		sb_reset(&sb);
		gate_json(&sb, &s, &t, status);
		sb_addc(&sb, '\n');
		fwrite(sb.data, 1, sb.len, stdout);
		if (fflush(stdout) != 0 || ferror(stdout))
			die(EX_IOERR, "standard output: %s", strerror(errno));
	}
	sb_free(&sb);
	return status;
}
