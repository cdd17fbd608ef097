/*
 * chart.c - one line chart as inline SVG, reduced per pixel column
 *
 * The dashboard must open from disk and as a mail attachment, so it can
 * load no charting script: the charts are drawn here, as SVG text. A year
 * of history is 100,000 training records, far more points than a chart
 * has pixel columns, so each series keeps only what a column can show: its
 * first, lowest, highest and last value (the M4 reduction). The drawing is
 * then the same whatever the length, and the page stays small.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "die.h"

/* The plot: the SVG's size and the margins the axes take. */
#define W 640
#define H 220
#define LEFT 58
#define RIGHT 14
#define TOP 26
#define BOTTOM 26
#define PW (W - LEFT - RIGHT)
#define PH (H - TOP - BOTTOM)
/* Series this short also get a dot per point: one job is still seen. */
#define DOTS_BELOW 60
/* Beyond this a value is damage, not a figure: it is not drawn. */
#define DRAWABLE 1e100
/* Ticks an axis draws at most, whatever its numbers. */
#define MAX_TICKS 40

static int
drawable(double v)
{
	return isfinite(v) && fabs(v) < DRAWABLE;
}

struct range {
	double lo, hi;
};

static void
widen(struct range *r, double v)
{
	if (!drawable(v))
		return;
	if (v < r->lo)
		r->lo = v;
	if (v > r->hi)
		r->hi = v;
}

static double
x_at(const struct chart_series *s, size_t i)
{
	return s->x ? s->x[i] : (double)i;
}

/* A step of 1, 2 or 5 times a power of ten that cuts span into about n. */
static double
nice_step(double span, int n)
{
	double raw = span / n, mag = pow(10, floor(log10(raw))), f = raw / mag;

	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

void
html_escape(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': sb_adds(out, "&lt;"); break;
		case '>': sb_adds(out, "&gt;"); break;
		case '&': sb_adds(out, "&amp;"); break;
		case '"': sb_adds(out, "&quot;"); break;
		default: sb_addc(out, *s);
		}
	}
}

static void
number_label(struct strbuf *out, double v, double step)
{
	char buf[32];

	if (fabs(v) < step * 1e-6)
		v = 0;
	if (fabs(v) >= 1e6 || (fabs(v) < 1e-3 && v != 0))
		snprintf(buf, sizeof buf, "%.2g", v);
	else
		snprintf(buf, sizeof buf, "%.6g", v);
	sb_adds(out, buf);
}

static void
time_label(struct strbuf *out, double t, double span)
{
	time_t tt;
	struct tm tm;
	char buf[32];

	/* Past year 30000 a time is damage: no calendar for it. */
	if (!(fabs(t) < 1e12)) {
		number_label(out, t, span);
		return;
	}
	tt = (time_t)t;
	localtime_r(&tt, &tm);
	strftime(buf, sizeof buf, span > 3 * 86400 ? "%b %d" : span > 86400 ?
	    "%b %d %H:%M" : span > 600 ? "%H:%M" : "%H:%M:%S", &tm);
	sb_adds(out, buf);
}

static double
px(double v, const struct range *r, double size, int flip)
{
	double f = r->hi > r->lo ? (v - r->lo) / (r->hi - r->lo) : 0.5;

	/* Only drawable values reach here; a range of them still spans them. */
	if (!(f >= -1))
		f = -1;
	if (f > 2)
		f = 2;
	return flip ? TOP + size - f * size : LEFT + f * size;
}

static void
axes(struct strbuf *out, const struct chart *c, const struct range *xr,
     const struct range *yr)
{
	double step = nice_step(yr->hi - yr->lo, 4), v;
	double xstep = nice_step(xr->hi - xr->lo, 5);
	int n;

	sb_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
	    "class=\"plot\"/>", LEFT, TOP, PW, PH);
	for (v = ceil(yr->lo / step) * step, n = 0; step > 0 && n < MAX_TICKS &&
	    v <= yr->hi + step * 1e-9; v += step, n++) {
		double y = px(v, yr, PH, 1);

		sb_printf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
		    "class=\"gl\"/><text x=\"%d\" y=\"%.1f\" class=\"yl\">", LEFT,
		    LEFT + PW, y, y, LEFT - 6, y + 4);
		number_label(out, v, step);
		sb_adds(out, "</text>");
	}
	if (c->x_time) {
		/* Round times: minutes, hours or days, as the span asks. */
		static const double steps[] = { 1, 5, 10, 30, 60, 300, 900, 1800, 3600, 3 * 3600,
			6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400,
			30 * 86400, 91 * 86400 };
		size_t i;

		for (i = 0; i < sizeof steps / sizeof steps[0] - 1 &&
		    (xr->hi - xr->lo) / steps[i] > 5; i++)
			;
		xstep = steps[i];
	}
	for (v = ceil(xr->lo / xstep) * xstep, n = 0; xstep > 0 && n < MAX_TICKS &&
	    v <= xr->hi + xstep * 1e-9; v += xstep, n++) {
		double x = px(v, xr, PW, 0);

		/* A label at the right edge is kept inside the picture. */
		sb_printf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
		    "class=\"tick\"/><text x=\"%.1f\" y=\"%d\" class=\"xl\">", x, x,
		    TOP + PH, TOP + PH + 4, fmin(x, W - 38.0), H - 8);
		if (c->x_time)
			time_label(out, v, xr->hi - xr->lo);
		else
			number_label(out, v, xstep);
		sb_adds(out, "</text>");
	}
	if (c->x_label) {
		sb_printf(out, "<text x=\"%d\" y=\"%d\" class=\"xn\">", LEFT + PW, TOP - 8);
		html_escape(out, c->x_label);
		sb_adds(out, "</text>");
	}
}

/* The columns where the gate was shut, as one rectangle per run. */
static void
shading(struct strbuf *out, const struct chart *c, const struct range *xr)
{
	unsigned char col[PW];
	size_t i;
	int a, b, run = -1;

	if (c->shade_n < 2)
		return;
	memset(col, 0, sizeof col);
	for (i = 0; i + 1 < c->shade_n; i++) {
		if (!c->shade[i] || !drawable(c->shade_x[i]) ||
		    !drawable(c->shade_x[i + 1]))
			continue;
		a = (int)(px(c->shade_x[i], xr, PW, 0) - LEFT);
		b = (int)(px(c->shade_x[i + 1], xr, PW, 0) - LEFT);
		for (; a <= b && a < PW; a++)
			if (a >= 0)
				col[a] = 1;
	}
	for (a = 0; a <= PW; a++) {
		if (a < PW && col[a] && run < 0)
			run = a;
		else if ((a == PW || !col[a]) && run >= 0) {
			sb_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			    "class=\"shut\"><title>", LEFT + run, TOP, a - run, PH);
			html_escape(out, c->shade_label ? c->shade_label : "");
			sb_adds(out, "</title></rect>");
			run = -1;
		}
	}
}

/*
 * A coordinate to a tenth of a pixel, without printf: a long series is a
 * few thousand of them, and the driver redraws the page while it works.
 */
static void
coord(struct strbuf *out, double v)
{
	long long t = llround(v * 10);

	if (t < 0) {
		sb_addc(out, '-');
		t = -t;
	}
	sb_addu(out, (unsigned long long)(t / 10));
	sb_addc(out, '.');
	sb_addc(out, (char)('0' + t % 10));
}

/*
 * One series: per pixel column its first, lowest, highest and last point,
 * in the order they came. Returns the points drawn.
 */
static size_t
series(struct strbuf *out, const struct chart_series *s, const struct range *xr,
       const struct range *yr)
{
	struct column { int used; size_t first, lo, hi, last; } *col;
	size_t i, drawn = 0, k[4];
	int c, j, m, valid = 0;

	col = xcalloc(PW + 1, sizeof *col);
	for (i = 0; i < s->n; i++) {
		double x = x_at(s, i), y = s->y[i];

		if (!drawable(x) || !drawable(y))
			continue;
		valid++;
		c = (int)floor(px(x, xr, PW, 0) - LEFT);
		c = c < 0 ? 0 : c > PW ? PW : c;
		if (!col[c].used) {
			col[c].used = 1;
			col[c].first = col[c].lo = col[c].hi = i;
		}
		if (y < s->y[col[c].lo])
			col[c].lo = i;
		if (y > s->y[col[c].hi])
			col[c].hi = i;
		col[c].last = i;
	}
	sb_printf(out, "<polyline class=\"%s\" style=\"stroke:%s\" points=\"",
	    s->dashed ? "th" : s->faint ? "faint" : "line", s->color);
	for (c = 0; c <= PW; c++) {
		if (!col[c].used)
			continue;
		k[0] = col[c].first;
		k[1] = col[c].lo < col[c].hi ? col[c].lo : col[c].hi;
		k[2] = col[c].lo < col[c].hi ? col[c].hi : col[c].lo;
		k[3] = col[c].last;
		for (j = 0; j < 4; j++) {
			for (m = 0; m < j && k[m] != k[j]; m++)
				;
			if (m < j)
				continue;
			if (drawn)
				sb_addc(out, ' ');
			coord(out, px(x_at(s, k[j]), xr, PW, 0));
			sb_addc(out, ',');
			coord(out, px(s->y[k[j]], yr, PH, 1));
			drawn++;
		}
	}
	sb_adds(out, "\"/>");
	if (valid < DOTS_BELOW && !s->dashed)
		for (c = 0; c <= PW; c++)
			if (col[c].used)
				sb_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" "
				    "style=\"fill:%s\"/>", px(x_at(s, col[c].last), xr, PW, 0),
				    px(s->y[col[c].last], yr, PH, 1), s->color);
	free(col);
	return drawn;
}

static void
legend(struct strbuf *out, const struct chart *c)
{
	size_t i;
	int x = LEFT;

	for (i = 0; i < c->n; i++) {
		if (c->s[i].faint)
			continue;
		sb_printf(out, "<rect x=\"%d\" y=\"8\" width=\"10\" height=\"3\" "
		    "style=\"fill:%s\"/><text x=\"%d\" y=\"14\" class=\"lg\">", x,
		    c->s[i].color, x + 14);
		html_escape(out, c->s[i].name);
		sb_adds(out, "</text>");
		x += 24 + 7 * (int)strlen(c->s[i].name);
	}
}

void
chart_render(struct strbuf *out, const struct chart *c)
{
	struct range xr = { INFINITY, -INFINITY }, yr = { INFINITY, -INFINITY };
	struct strbuf body = { 0 };
	size_t i, j, points = 0;

	for (i = 0; i < c->n; i++)
		for (j = 0; j < c->s[i].n; j++)
			if (drawable(x_at(&c->s[i], j)) && drawable(c->s[i].y[j])) {
				widen(&xr, x_at(&c->s[i], j));
				if (!c->s[i].dashed)
					widen(&yr, c->s[i].y[j]);
			}
	if (xr.lo > xr.hi) {
		sb_printf(out, "<svg class=\"chart\" id=\"%s\" data-points=\"0\" "
		    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">"
		    "<text x=\"%d\" y=\"%d\" class=\"empty\">no data yet</text></svg>",
		    c->id, W, 60, W, 60, W / 2, 34);
		return;
	}
	/* Thresholds widen the range only as far as a fixed one goes. */
	if (isfinite(c->y_lo)) {
		yr.lo = fmin(yr.lo, c->y_lo);
		yr.hi = fmax(yr.hi, c->y_hi);
	}
	if (yr.hi - yr.lo < 1e-12 * fmax(1, fabs(yr.hi))) {
		yr.lo -= fmax(1e-3, fabs(yr.lo) * 0.1);
		yr.hi += fmax(1e-3, fabs(yr.hi) * 0.1);
	} else if (!isfinite(c->y_lo)) {
		double pad = (yr.hi - yr.lo) * 0.05;

		yr.lo -= pad;
		yr.hi += pad;
	}
	if (xr.hi == xr.lo) {
		xr.lo -= 1;
		xr.hi += 1;
	}
	/* The plot's background first, then the shading, then the lines. */
	axes(&body, c, &xr, &yr);
	shading(&body, c, &xr);
	sb_printf(&body, "<g clip-path=\"url(#clip-%s)\">", c->id);
	for (i = 0; i < c->n; i++)
		points += series(&body, &c->s[i], &xr, &yr);
	sb_adds(&body, "</g>");
	legend(&body, c);
	sb_printf(out, "<svg class=\"chart\" id=\"%s\" data-points=\"%zu\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\"><defs><clipPath "
	    "id=\"clip-%s\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
	    "</clipPath></defs>", c->id, points, W, H, W, H, c->id, LEFT - 3,
	    TOP - 3, PW + 6, PH + 6);
	sb_add(out, body.data, body.len);
	sb_adds(out, "</svg>");
	sb_free(&body);
}

double *
moving_average(const double *y, size_t n, size_t window)
{
	double *avg = xcalloc(n ? n : 1, sizeof *avg), sum = 0;
	size_t i, in = 0, tail = 0;

	if (window == 0)
		window = 1;
	for (i = 0; i < n; i++) {
		if (isfinite(y[i])) {
			sum += y[i];
			in++;
		}
		/* The window holds the last window rows, finite ones counted. */
		if (i >= window) {
			if (isfinite(y[tail])) {
				sum -= y[tail];
				in--;
			}
			tail++;
		}
		avg[i] = isfinite(y[i]) && in ? sum / (double)in : NAN;
	}
	return avg;
}
