/*
 * gate_options.h - the gate's thresholds as options, declared once for
 * res-gate's command line and bgtrain's command line and config file
 */
#ifndef GATE_OPTIONS_H
#define GATE_OPTIONS_H

#include "options.h"

/* Fills a struct gate_thresholds; its defaults are the gate's defaults. */
extern const struct opt gate_options[];

#endif
