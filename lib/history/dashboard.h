/* dashboard.h - the history as one self-contained HTML page */
#ifndef DASHBOARD_H
#define DASHBOARD_H

#include "strbuf.h"
#include "table.h"

struct dashboard_options {
	const char *state;	/* the state folder, named in the title */
	double now;		/* epoch seconds: "generated at" */
	int refresh;		/* the page reloads itself every this many seconds; 0: never */
};

/*
 * The page: inline CSS and SVG drawn here, no script, no request of any
 * kind (it opens from disk and as a mail attachment). Long series are
 * reduced to each pixel column's minimum and maximum, so the page stays
 * small whatever the history's length.
 */
void dashboard_render(const struct history_data *h,
		      const struct dashboard_options *o, struct strbuf *out);

#endif
