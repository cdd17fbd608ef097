/* analyze_run.h - replay-analyze's run: inputs to lines and a summary */
#ifndef ANALYZE_RUN_H
#define ANALYZE_RUN_H

#include "inputs.h"
#include "learned.h"

struct analysis_options {
	const char *root;	/* print paths relative to this folder */
	const char *output;	/* NULL: standard output */
	const char *summary;	/* NULL: no learned file */
	const char *skip_known;	/* a learned file: its replays are left out */
	struct learned_filter filter;
	int progress;
};

/* Analyse every input; returns the exit status (sysexits). */
int analyze_inputs(struct input_list *inputs, const struct analysis_options *o);

#endif
