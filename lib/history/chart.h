/* chart.h - one line chart as inline SVG, reduced per pixel column */
#ifndef CHART_H
#define CHART_H

#include <stddef.h>

#include "strbuf.h"

#define CHART_MAX_SERIES 10

struct chart_series {
	const char *name;
	const double *x, *y;	/* n points; NaN in either: no point */
	size_t n;
	const char *color;
	int dashed;		/* a threshold, not data */
	int faint;		/* raw values under their moving average */
};

struct chart {
	const char *id;		/* the element's id */
	const char *title;
	int x_time;		/* x is epoch seconds: dates on the axis */
	const char *x_label;
	double y_lo, y_hi;	/* a fixed range (percentages), or NaN: the data's */
	struct chart_series s[CHART_MAX_SERIES];
	size_t n;
	/* Spans to shade (the gate shut): shade[i] != 0 from shade_x[i] to shade_x[i + 1]. */
	const double *shade_x, *shade;
	size_t shade_n;
	const char *shade_label;
};

/*
 * Append c as an <svg class="chart" data-points="N">: each series reduced to
 * the first, lowest, highest and last point of each pixel column (so a
 * million points draw as a few thousand, and no spike is lost), axes with
 * round ticks, a legend. A chart without points says so.
 */
void chart_render(struct strbuf *out, const struct chart *c);

/* s as HTML text or an attribute's value. */
void html_escape(struct strbuf *out, const char *s);

/* The trailing moving average of y over window points (NaNs skipped), into new memory. */
double *moving_average(const double *y, size_t n, size_t window);

#endif
