/*
 * gate_check.h - res-gate's checks, the same in res-gate and res-gate.exe:
 * once, polled with --wait, or streamed as raw figures with --stream
 */
#ifndef GATE_CHECK_H
#define GATE_CHECK_H

#include "gate.h"
#include "options.h"

struct gate_check {
	double interval_ms;
	double wait;		/* seconds; -1: check once */
	double stream_ms;	/* --stream: a line every this many ms; 0 off */
	int json, verbose;
	/*
	 * The program's own step after each measurement: res-gate --host
	 * merges the host's figures here (gate_merge_host). NULL: none.
	 */
	void (*after)(void *ctx, struct gate_sample *s);
	void *after_ctx;
};

/* Fills a struct gate_check; gate_check_args adds it. */
extern const struct opt gate_check_options[];

/*
 * A res-gate's command line: the thresholds into t, the check's options
 * into c (cleared first), a program's own table (NULL: none) into its
 * base; no operands.
 * Returns the exit status when that is all there is to do (--help, 64
 * after a message: also for what the options cannot mean together, such as
 * an interval too short to measure CPU use while it is judged, or --stream
 * with --wait), else -1.
 */
int gate_check_args(struct opt_set *set, struct gate_thresholds *t, struct gate_check *c,
    const struct opt *own, void *base, int argc, char **argv, const char *synopsis,
    const char *footer);

/*
 * Measure with p and judge: once, or until open or --wait's seconds pass,
 * or, with --stream, a line (hostline.h) every stream_ms until standard
 * input ends. -v's lines on stderr, --json's object on stdout. Returns the
 * exit status: the verdict, 75 --wait gave up, 72 p could not measure, 74
 * standard output could not be written.
 */
int gate_check_run(struct gate_check *c, const struct gate_thresholds *t,
    struct gate_probe *p);

#endif
