/*
 * gate_check.c - res-gate's checks, the same in res-gate and res-gate.exe
 *
 * The options a check takes and the loop that runs it live here, in plain
 * C over gate.h's calls, so that res-gate.exe on Windows takes the same
 * options, prints the same lines and exits with the same statuses as
 * res-gate: only the measuring underneath differs. --stream is the probe's
 * side of res-gate --host: raw figures, one line per interval, until the
 * reader closes our standard input.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "die.h"
#include "gate_check.h"
#include "gate_options.h"
#include "hostline.h"
#include "strbuf.h"

const struct opt gate_check_options[] = {
	{ .name = "interval", .letter = 'i', .kind = OPT_NUMBER,
	  .field = offsetof(struct gate_check, interval_ms), .arg = "MS",
	  .lo = 0, .hi = 3600000, .def = "200",
	  .help = "measure CPU use over MS milliseconds" },
	{ .name = "wait", .kind = OPT_NUMBER, .field = offsetof(struct gate_check, wait),
	  .arg = "SECONDS", .optional = 1, .bare = INFINITY, .lo = 0, .hi = 1e9,
	  .help = "poll until the gate opens, or give up after SECONDS" },
	{ .name = "stream", .kind = OPT_NUMBER,
	  .field = offsetof(struct gate_check, stream_ms), .arg = "MS",
	  .lo = GATE_MIN_SPAN * 1000, .hi = 3600000,
	  .help = "print a line of raw figures every MS milliseconds\n"
	  "until standard input ends (for --host)" },
	{ .name = "json", .kind = OPT_FLAG, .field = offsetof(struct gate_check, json),
	  .help = "print the measurements and the verdict as JSON" },
	{ .name = "verbose", .letter = 'v', .kind = OPT_FLAG,
	  .field = offsetof(struct gate_check, verbose),
	  .help = "one line per check on stderr" },
	{ .name = NULL }
};

static int
usage(const struct gate_check *c, const struct gate_thresholds *t)
{
	/*
	 * A span the kernel's ticks cannot resolve would leave CPU use
	 * unmeasured on every check, and so the gate shut for good: refuse it
	 * while CPU use is judged. 0 stays the instant check (CPU unmeasured,
	 * so shut unless --cpu off) and, with --wait, a poll that measures
	 * each check over the pause before it.
	 */
	if (c->interval_ms > 0 && c->interval_ms < GATE_MIN_SPAN * 1000 && t->cpu >= 0) {
		warnmsg("--interval: %g ms is too short to measure CPU use: "
		    "%g ms or more, 0 for an instant check, or --cpu off",
		    c->interval_ms, GATE_MIN_SPAN * 1000);
		return EX_USAGE;
	}
	if (c->stream_ms > 0 && (c->wait >= 0 || c->json)) {
		warnmsg("--stream prints raw figures: not with --%s",
		    c->json ? "json" : "wait");
		return EX_USAGE;
	}
	return 0;
}

int
gate_check_args(struct opt_set *set, struct gate_thresholds *t, struct gate_check *c,
    const struct opt *own, void *base, int argc, char **argv, const char *synopsis,
    const char *footer)
{
	int rc;

	memset(c, 0, sizeof *c);
	c->wait = -1;
	if (opt_add(set, gate_options, t) < 0 || opt_add(set, gate_check_options, c) < 0 ||
	    (own != NULL && opt_add(set, own, base) < 0))
		return EX_SOFTWARE;
	if ((rc = opt_main(set, argc, argv, synopsis, footer)) >= 0)
		return rc;
	if (optind < argc) {
		warnmsg("unexpected argument: %s (--wait takes its seconds as --wait=N)",
		    argv[optind]);
		return EX_USAGE;
	}
	return usage(c, t) != 0 ? EX_USAGE : -1;
}

static int
flush_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warnmsg("standard output: %s", strerror(errno));
		return EX_IOERR;
	}
	return 0;
}

/* Each line's CPU figures cover the pause before it. */
static int
stream(const struct gate_check *c, struct gate_probe *p)
{
	struct strbuf sb = { 0 };
	struct gate_sample s;
	int rc = 0;

	while (!gate_input_ended(c->stream_ms / 1000)) {
		if (gate_measure(p, 0, &s) != 0) {
			warnmsg("cannot read %s", gate_probe_sources);
			rc = EX_OSFILE;
			break;
		}
		sb_reset(&sb);
		hostline_format(&sb, &s, gate_self_cpu());
		fwrite(sb.data, 1, sb.len, stdout);
		if ((rc = flush_stdout()) != 0)
			break;
	}
	sb_free(&sb);
	return rc;
}

int
gate_check_run(struct gate_check *c, const struct gate_thresholds *t,
    struct gate_probe *p)
{
	double interval = c->interval_ms / 1000, start, left;
	struct strbuf sb = { 0 };
	struct gate_sample s;
	int status;

	if (c->stream_ms > 0)
		return stream(c, p);
	start = monotonic_seconds();
	for (;;) {
		if (gate_measure(p, interval, &s) != 0) {
			warnmsg("cannot read %s", gate_probe_sources);
			sb_free(&sb);
			return EX_OSFILE;
		}
		if (c->after != NULL)
			c->after(c->after_ctx, &s);
		status = gate_verdict(&s, t);
		if (c->verbose) {
			sb_reset(&sb);
			gate_line(&sb, &s, t);
			warnmsg("%s", sb.data);
		}
		if (c->wait < 0 || status == GATE_OPEN)
			break;
		left = c->wait - (monotonic_seconds() - start);
		if (left <= 0) {
			status = EX_TEMPFAIL;
			break;
		}
		/* --interval 0: checks 200 ms apart, each over the pause before it. */
		if (interval == 0)
			pause_seconds(left < 0.2 ? left : 0.2);
	}
	if (c->json) {
		sb_reset(&sb);
		gate_json(&sb, &s, t, status);
		sb_addc(&sb, '\n');
		fwrite(sb.data, 1, sb.len, stdout);
		if (flush_stdout() != 0)
			status = EX_IOERR;
	}
	sb_free(&sb);
	return status;
}
