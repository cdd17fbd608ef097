/* console.h - the driver's one status line on a terminal, and the gate in words */
#ifndef CONSOLE_H
#define CONSOLE_H

#include "strbuf.h"

struct driver;

/* On when standard error is a terminal and not --quiet: pipes and cron stay clean. */
void console_init(struct driver *d);
/* Redraw the line: jobs running, done and queued, the gate and why, the last mean return. */
void console_draw(struct driver *d);
/* Erase it, before the driver exits. */
void console_end(struct driver *d);
/*
 * Why the gate is shut, in words ("cpu 93% over 80, mem unmeasured");
 * nothing when it is open.
 */
void console_gate_reason(const struct driver *d, struct strbuf *sb);

#endif
