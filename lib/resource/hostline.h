/*
 * hostline.h - the line res-gate --stream prints: one sample's raw figures,
 * in a small, versioned text format that the other side of a pipe (res-gate
 * --host, bgtrain --host-probe) reads back
 */
#ifndef HOSTLINE_H
#define HOSTLINE_H

#include <stddef.h>

#include "gate.h"
#include "strbuf.h"

/* The format's version: a reader takes only lines of its own. */
#define HOSTLINE_VERSION 1
/* The longest line, its newline included: 64 GPUs fit with room to spare. */
#define HOSTLINE_MAX 8192

/*
 * s's raw figures as one line, newline included; self: the probe's own CPU
 * seconds since it started (-1 unknown). The format (man res-gate, STREAM):
 *
 *   res-gate/1 span=S cpus=N cpu=BUSY,ALL mem=USED,TOTAL self=S
 *       gpu=VENDOR,INDEX,UTIL,USED,TOTAL ...
 *
 * one space between fields, "-" for a figure not measured, a gpu= field per GPU.
 */
void hostline_format(struct strbuf *sb, const struct gate_sample *s, double self);

/*
 * One line (without its newline; a trailing \r is allowed) into s, its
 * percentages computed (gate_percentages) and the GPUs' too, and *self.
 * Fields this version does not know are skipped: a newer probe may add
 * some. Returns 0, or -1 with why: another version, a figure out of range,
 * a line that is no such line.
 */
int hostline_parse(const char *line, size_t len, struct gate_sample *s, double *self,
    struct strbuf *why);

#endif
