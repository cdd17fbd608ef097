/*
 * res-gate - exit 0 while CPU, memory and GPU use are under thresholds
 *
 * The thresholds are the gate's own option table (gate_options.c), the
 * one bgtrain takes too, and the checks are gate_check.c's, which
 * res-gate.exe runs on Windows too; this file adds what only Linux has: fake
 * trees for tests, and a host probe for the machine WSL runs inside of.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "die.h"
#include "gate.h"
#include "gate_check.h"
#include "host.h"
#include "options.h"
#include "spawn.h"

/* What only the Linux res-gate takes. */
struct args {
	const char *root;
	const char *host;	/* --host CMD */
	double host_wait;
};

static const struct opt linux_options[] = {
	{ .name = "host", .kind = OPT_STRING, .field = offsetof(struct args, host),
	  .arg = "CMD", .help = "also judge the figures CMD streams (res-gate.exe\n"
	  "--stream MS on WSL's Windows host), run with /bin/sh -c" },
	{ .name = "host-wait", .kind = OPT_NUMBER,
	  .field = offsetof(struct args, host_wait), .arg = "SECONDS",
	  .lo = 0, .hi = 3600, .def = "5",
	  .help = "how long --host's first line may take" },
	{ .name = "sysfs-root", .kind = OPT_STRING,
	  .field = offsetof(struct args, root), .arg = "DIR", .def = "/",
	  .help = "read cgroup and GPU files below DIR (for tests)" },
	{ .name = NULL }
};

static const char synopsis[] =
"usage: res-gate [OPTIONS]\n"
"Exit 0 when CPU, memory and GPU use are under their thresholds: a quiet test\n"
"for scripts and GNU parallel's --limit.\n";

static const char footer[] =
"PCT is 0 to 100, or off. Exit status: 0 all under, 1 some over (or --host's\n"
"probe gave no figures), 2 some far over, 75 --wait gave up, 64 usage error,\n"
"66 no --sysfs-root folder, 72 /proc cannot be read.\n";

/* After each measurement: the host's newest figures, the first waited for. */
static void
merge_host(void *ctx, struct gate_sample *s)
{
	struct host_probe *h = ctx;
	double left = h->first_wait - (monotonic_seconds() - h->started);

	if (h->starts == 1 && !h->have && left > 0)
		host_probe_wait(h, left);
	host_probe_poll(h, monotonic_seconds());
	host_probe_apply(h, s, 0, 0);
}

int
main(int argc, char **argv)
{
	struct gate_thresholds t;
	struct gate_check c = { 0 };
	struct args a = { 0 };
	struct opt_set set = { 0 };
	struct host_probe host;
	struct gate_probe *probe;
	struct stat st;
	int status;

	progname = "res-gate";
	if ((status = gate_check_args(&set, &t, &c, linux_options, &a, argc, argv,
	    synopsis, footer)) >= 0) {
		opt_free(&set);
		return status;
	}
	if (a.host && c.stream_ms > 0)
		die(EX_USAGE, "--host judges, --stream only measures: not both");
	/* A mistyped fake tree would measure the real machine instead. */
	if (stat(a.root, &st) != 0 || !S_ISDIR(st.st_mode))
		die(EX_NOINPUT, "--sysfs-root: %s: not a folder", a.root);
	if ((probe = gate_probe_new(a.root)) == NULL)
		die(EX_OSFILE, "cannot read %s", gate_probe_sources);
	if (a.host) {
		/* Started now: its first line comes while we measure our own. */
		host_probe_init(&host, a.host, NULL, spawn_inherit, a.host_wait);
		host_probe_poll(&host, monotonic_seconds());
		c.after = merge_host;
		c.after_ctx = &host;
	}
	status = gate_check_run(&c, &t, probe);
	if (a.host)
		host_probe_free(&host);
	gate_probe_free(probe);
	opt_free(&set);
	return status;
}
