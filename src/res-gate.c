/*
 * res-gate - exit 0 while CPU, memory and GPU use are under thresholds
 *
 * The thresholds are the gate's own option table (gate_options.c), the
 * one bgtrain takes too; this file adds what only res-gate takes.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"
#include "die.h"
#include "gate.h"
#include "gate_options.h"
#include "options.h"
#include "strbuf.h"

/* What res-gate takes besides the gate's thresholds. */
struct args {
	double interval_ms;
	double wait;		/* seconds; -1: check once */
	const char *root;
	int json, verbose;
};

static const struct opt res_gate_options[] = {
	{ .name = "interval", .letter = 'i', .kind = OPT_NUMBER,
	  .field = offsetof(struct args, interval_ms), .arg = "MS",
	  .lo = 0, .hi = 3600000, .def = "200",
	  .help = "measure CPU use over MS milliseconds" },
	{ .name = "wait", .kind = OPT_NUMBER, .field = offsetof(struct args, wait),
	  .arg = "SECONDS", .optional = 1, .bare = INFINITY, .lo = 0, .hi = 1e9,
	  .help = "poll until the gate opens, or give up after SECONDS" },
	{ .name = "json", .kind = OPT_FLAG, .field = offsetof(struct args, json),
	  .help = "print the measurements and the verdict as JSON" },
	{ .name = "sysfs-root", .kind = OPT_STRING,
	  .field = offsetof(struct args, root), .arg = "DIR", .def = "/",
	  .help = "read cgroup and GPU files below DIR (for tests)" },
	{ .name = "verbose", .letter = 'v', .kind = OPT_FLAG,
	  .field = offsetof(struct args, verbose),
	  .help = "one line per check on stderr" },
	{ .name = NULL }
};

static const char synopsis[] =
"usage: res-gate [OPTIONS]\n"
"Exit 0 when CPU, memory and GPU use are under their thresholds: a quiet test\n"
"for scripts and GNU parallel's --limit.\n";

static const char footer[] =
"PCT is 0 to 100, or off. Exit status: 0 all under, 1 some over, 2 some far\n"
"over, 75 --wait gave up, 64 usage error, 66 no --sysfs-root folder,\n"
"72 /proc cannot be read.\n";

/*
 * The thresholds and the rest. Returns the exit status when that is all
 * there is to do (--help, a usage error), else -1.
 */
static int
args_read(struct opt_set *set, struct gate_thresholds *t, struct args *a,
	  int argc, char **argv)
{
	int rc;

	if (opt_add(set, gate_options, t) < 0 ||
	    opt_add(set, res_gate_options, a) < 0)
		return EX_SOFTWARE;
	if ((rc = opt_main(set, argc, argv, synopsis, footer)) >= 0)
		return rc;
	return -1;
}

int
main(int argc, char **argv)
{
	struct gate_thresholds t;
	struct args a = { .wait = -1 };
	struct opt_set set = { 0 };
	struct gate_probe *probe;
	struct gate_sample s;
	struct strbuf sb = { 0 };
	struct stat st;
	double interval, start, left;
	int status;

	progname = "res-gate";
	if ((status = args_read(&set, &t, &a, argc, argv)) >= 0) {
		opt_free(&set);
		return status;
	}
	if (optind < argc)
		die(EX_USAGE, "unexpected argument: %s (--wait takes its seconds as --wait=N)",
		    argv[optind]);
	interval = a.interval_ms / 1000;
	/*
	 * A span the kernel's ticks cannot resolve would leave CPU use
	 * unmeasured on every check, and so the gate shut for good: refuse it
	 * while CPU use is judged. 0 stays the instant check (CPU unmeasured,
	 * so shut unless --cpu off) and, with --wait, a poll that measures
	 * each check over the pause before it.
	 */
	if (interval > 0 && interval < GATE_MIN_SPAN && t.cpu >= 0)
		die(EX_USAGE, "--interval: %g ms is too short to measure CPU use: "
		    "%g ms or more, 0 for an instant check, or --cpu off",
		    a.interval_ms, GATE_MIN_SPAN * 1000);
	/* A mistyped fake tree would measure the real machine instead. */
	if (stat(a.root, &st) != 0 || !S_ISDIR(st.st_mode))
		die(EX_NOINPUT, "--sysfs-root: %s: not a folder", a.root);
	if ((probe = gate_probe_new(a.root)) == NULL)
		die(EX_OSFILE, "cannot read /proc/stat and /proc/meminfo");

	start = monotonic_seconds();
	for (;;) {
		if (gate_measure(probe, interval, &s) != 0)
			die(EX_OSFILE, "cannot read /proc/stat and /proc/meminfo");
		status = gate_verdict(&s, &t);
		if (a.verbose) {
			sb_reset(&sb);
			gate_line(&sb, &s, &t);
			warnmsg("%s", sb.data);
		}
		if (a.wait < 0 || status == GATE_OPEN)
			break;
		left = a.wait - (monotonic_seconds() - start);
		if (left <= 0) {
			status = EX_TEMPFAIL;
			break;
		}
		/* --interval 0: checks 200 ms apart, each over the pause before it. */
		if (interval == 0)
			pause_seconds(left < 0.2 ? left : 0.2);
	}
	gate_probe_free(probe);
	if (a.json) {
		sb_reset(&sb);
		gate_json(&sb, &s, &t, status);
		sb_addc(&sb, '\n');
		fwrite(sb.data, 1, sb.len, stdout);
		if (fflush(stdout) != 0 || ferror(stdout))
			die(EX_IOERR, "standard output: %s", strerror(errno));
	}
	sb_free(&sb);
	opt_free(&set);
	return status;
}
