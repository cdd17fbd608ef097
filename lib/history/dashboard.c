/*
 * dashboard.c - the history as one self-contained HTML page
 *
 * What a bot author wants to see at a glance: does the policy get better
 * (mean return and win rate over games, with a moving average), is the
 * update healthy (loss, entropy, KL), how fast the work goes, whether the
 * machine had room (resources against the gate's thresholds, the times it
 * was shut shaded), what waits, how the learned build order moves, and
 * what went wrong lately. One file, inline CSS and SVG, no script and no
 * request of any kind: it opens from disk, in any browser, as a mail
 * attachment. The driver's copy reloads itself (a meta refresh), so an
 * open tab follows a running driver while an idle one does nothing for it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "dashboard.h"

static const char *const colors[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
	"#e377c2", "#17becf", "#7f7f7f", "#bcbd22"
};

static const char style[] =
"body{font:14px/1.4 system-ui,sans-serif;margin:20px;color:#222;background:#fafafa}"
"h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:0 0 4px}"
".sub{color:#666;margin-bottom:14px}"
".facts{display:flex;flex-wrap:wrap;gap:8px 28px;margin:0 0 18px}"
".facts b{display:block;font-size:18px}"
".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(660px,1fr));gap:16px}"
".card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 10px 4px}"
"svg{max-width:100%;height:auto;display:block}"
"svg text{font:11px system-ui,sans-serif;fill:#555}"
".plot{fill:#fff;stroke:#ccc}.gl{stroke:#eee}.tick{stroke:#999}"
".yl{text-anchor:end}.xl{text-anchor:middle}.xn{text-anchor:end}"
".lg{fill:#333}.empty{text-anchor:middle;fill:#999}"
"polyline{fill:none;stroke-width:1.6;stroke-linejoin:round}"
"polyline.faint{stroke-width:1;opacity:.35}"
"polyline.th{stroke-width:1.2;stroke-dasharray:5 4}"
".shut{fill:#f4c7c3;opacity:.7}"
"table{border-collapse:collapse;width:100%;font-size:13px}"
"td,th{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}"
"td.f{word-break:break-all;font-family:ui-monospace,monospace;font-size:12px}";

static const double *
col(const struct table *t, const char *name)
{
	return table_column(t, name);
}

/* Add a series when the column exists; returns its index or -1. */
static int
add(struct chart *c, const struct table *t, const char *x, const char *y,
    const char *name)
{
	const double *yv = col(t, y);
	struct chart_series *s;

	if (yv == NULL || c->n == CHART_MAX_SERIES)
		return -1;
	s = &c->s[c->n];
	memset(s, 0, sizeof *s);
	s->name = name;
	s->x = x ? col(t, x) : NULL;
	s->y = yv;
	s->n = t->rows;
	s->color = colors[c->n % (sizeof colors / sizeof colors[0])];
	return (int)c->n++;
}

static void
card(struct strbuf *out, const struct chart *c, const char *note)
{
	sb_adds(out, "<div class=\"card\"><h2>");
	html_escape(out, c->title);
	sb_adds(out, "</h2>");
	if (note) {
		sb_adds(out, "<div class=\"sub\">");
		html_escape(out, note);
		sb_adds(out, "</div>");
	}
	chart_render(out, c);
	sb_adds(out, "</div>\n");
}

static void
chart_init(struct chart *c, const char *id, const char *title, int x_time,
	   const char *x_label)
{
	memset(c, 0, sizeof *c);
	c->id = id;
	c->title = title;
	c->x_time = x_time;
	c->x_label = x_label;
	c->y_lo = c->y_hi = NAN;
}

/* The moving average's window: about a twentieth of the jobs, 5 to 500. */
static size_t
window(size_t rows)
{
	size_t w = rows / 20;

	return w < 5 ? 5 : w > 500 ? 500 : w;
}

/*
 * A figure with its moving average over games: the raw values faint, the
 * average drawn over them. avg is freed by the caller.
 */
static void
with_average(struct chart *c, const struct table *t, const char *x,
	     const char *y, const char *name, double **avg)
{
	int i = add(c, t, x, y, name);

	*avg = NULL;
	if (i < 0)
		return;
	c->s[i].faint = 1;
	*avg = moving_average(c->s[i].y, c->s[i].n, window(t->rows));
	if ((i = add(c, t, x, y, name)) >= 0) {
		c->s[i].y = *avg;
		c->s[i].color = c->s[i - 1].color;
	}
}

static const char *
games_axis(const struct table *t)
{
	return col(t, "episode_count") ? "episode_count" : NULL;
}

static void
training(struct strbuf *out, const struct history_data *h)
{
	const struct table *t = &h->train;
	const char *x = games_axis(t), *xl = x ? "games (episode_count)" : "training job";
	struct chart c;
	double *a1, *a2;
	char note[64];

	snprintf(note, sizeof note, "moving average over %zu jobs", window(t->rows));
	chart_init(&c, "mean_return", "Mean return", 0, xl);
	with_average(&c, t, x, "mean_return", "mean return", &a1);
	card(out, &c, note);
	free(a1);
	chart_init(&c, "win_rate", "Win rate", 0, xl);
	c.y_lo = 0;
	c.y_hi = 1;
	with_average(&c, t, x, "win_rate", "win rate", &a2);
	card(out, &c, note);
	free(a2);
	chart_init(&c, "loss", "Loss", 0, xl);
	add(&c, t, x, "loss_before", "before the update");
	add(&c, t, x, "loss_after", "after");
	card(out, &c, NULL);
	/* Apart: KL is a hundredth of the entropy, and would lie flat beside it. */
	chart_init(&c, "entropy", "Entropy of the policy", 0, xl);
	add(&c, t, x, "entropy", "entropy");
	card(out, &c, NULL);
	chart_init(&c, "kl", "Approximate KL, before -> after each update", 0, xl);
	add(&c, t, x, "approx_kl", "approx. KL");
	card(out, &c, NULL);
}

static void
throughput(struct strbuf *out, const struct history_data *h)
{
	struct chart c;

	chart_init(&c, "train_speed", "Training throughput (samples/s)", 1, NULL);
	add(&c, &h->train, "time", "samples_per_s", "samples/s");
	card(out, &c, NULL);
	chart_init(&c, "analysis_speed", "Analysis throughput (replays/s)", 1, NULL);
	add(&c, &h->analysis, "time", "replays_per_s", "replays/s");
	card(out, &c, NULL);
}

static void
machine(struct strbuf *out, const struct history_data *h)
{
	static const char *const figures[][3] = {
		{ "cpu", "cpu_max", "CPU %" }, { "mem", "mem_max", "memory %" },
		{ "gpu0_util", "gpu_util_max", "GPU 0 use %" },
		{ "gpu0_mem", "gpu_mem_max", "GPU 0 memory %" },
	};
	const struct table *t = &h->system;
	struct chart c;
	size_t i;
	int k;

	chart_init(&c, "resources", "Resources against the gate's thresholds", 1, NULL);
	c.y_lo = 0;
	c.y_hi = 100;
	c.shade_x = col(t, "time");
	c.shade = col(t, "verdict");
	c.shade_n = c.shade && c.shade_x ? t->rows : 0;
	c.shade_label = "the gate was shut";
	for (i = 0; i < sizeof figures / sizeof figures[0]; i++) {
		if ((k = add(&c, t, "time", figures[i][0], figures[i][2])) < 0)
			continue;
		if ((k = add(&c, t, "time", figures[i][1], "threshold")) >= 0) {
			c.s[k].dashed = 1;
			c.s[k].color = c.s[k - 1].color;
			c.s[k].name = "";
		}
	}
	/* A threshold has no legend entry of its own: its line is dashed. */
	for (i = 0; i < c.n; i++)
		if (c.s[i].dashed)
			c.s[i].faint = 1;
	card(out, &c, "dashed: the thresholds; shaded: the gate was shut");
	/* Apart: a queue of thousands would flatten two workers. */
	chart_init(&c, "queue", "Inputs queued and failed", 1, NULL);
	add(&c, t, "time", "queued", "queued");
	add(&c, t, "time", "failed", "failed");
	card(out, &c, NULL);
	chart_init(&c, "workers", "Workers", 1, NULL);
	add(&c, t, "time", "active", "jobs running");
	add(&c, t, "time", "allowed", "allowed");
	card(out, &c, NULL);
}

static void
learned(struct strbuf *out, const struct history_data *h)
{
	static const char *const supply[][2] = {
		{ "spawning_pool_supply", "pool" }, { "gas_supply", "gas" },
		{ "natural_expansion_supply", "natural" },
		{ "roach_warren_supply", "roach warren" },
		{ "hydralisk_den_supply", "hydra den" }, { "lair_supply", "lair" },
		{ "hive_supply", "hive" } };
	const struct table *t = &h->analysis;
	struct chart c;
	size_t i;

	chart_init(&c, "timings", "Learned build order: first buildings (real seconds)",
	    1, NULL);
	add(&c, t, "time", "spawning_pool_time", "SpawningPool");
	add(&c, t, "time", "extractor_time", "Extractor");
	add(&c, t, "time", "hatchery_time", "Hatchery");
	card(out, &c, NULL);
	chart_init(&c, "supply", "Learned build order: supply medians", 1, NULL);
	for (i = 0; i < sizeof supply / sizeof supply[0]; i++)
		add(&c, t, "time", supply[i][0], supply[i][1]);
	card(out, &c, NULL);
}

static void
when(struct strbuf *out, double t)
{
	time_t tt;
	struct tm tm;
	char buf[32];

	if (!(fabs(t) < 1e12)) {
		sb_adds(out, "-");
		return;
	}
	tt = (time_t)t;
	localtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
	sb_adds(out, buf);
}

static void
errors(struct strbuf *out, const struct history_data *h)
{
	const struct error_entry *e;
	size_t i;

	sb_printf(out, "<div class=\"card\" id=\"errors\"><h2>Last errors</h2>");
	if (history_error(h, 0) == NULL) {
		sb_adds(out, "<p>None.</p></div>\n");
		return;
	}
	sb_adds(out, "<table><tr><th>when</th><th>file</th><th>what</th></tr>");
	for (i = 0; (e = history_error(h, i)) != NULL; i++) {
		sb_adds(out, "<tr><td>");
		when(out, e->time);
		sb_adds(out, "</td><td class=\"f\">");
		html_escape(out, e->file);
		sb_adds(out, "</td><td>");
		html_escape(out, e->error);
		sb_adds(out, "</td></tr>");
	}
	sb_adds(out, "</table></div>\n");
}

/* The last finite value of a column, or NaN. */
static double
last(const struct table *t, const char *name, double *at)
{
	const double *v = col(t, name), *time = col(t, "time");
	size_t i;

	for (i = t->rows; v && i-- > 0;)
		if (isfinite(v[i])) {
			if (at)
				*at = time ? time[i] : NAN;
			return v[i];
		}
	return NAN;
}

static void
fact(struct strbuf *out, const char *label, double v, const char *fmt)
{
	char buf[64];

	if (isfinite(v))
		snprintf(buf, sizeof buf, fmt, v);
	else
		snprintf(buf, sizeof buf, "-");
	sb_adds(out, "<div><b>");
	sb_adds(out, buf);
	sb_adds(out, "</b>");
	html_escape(out, label);
	sb_adds(out, "</div>");
}

static void
facts(struct strbuf *out, const struct history_data *h)
{
	double at = NAN, verdict = last(&h->system, "verdict", NULL);

	sb_adds(out, "<div class=\"facts\">");
	fact(out, "training jobs", (double)h->train.rows, "%.0f");
	fact(out, "analysis jobs", (double)h->analysis.rows, "%.0f");
	fact(out, "games trained (episode_count)", last(&h->train, "episode_count",
	    NULL), "%.0f");
	fact(out, "last mean return", last(&h->train, "mean_return", &at), "%.4g");
	fact(out, "last win rate", last(&h->train, "win_rate", NULL), "%.3g");
	fact(out, "builds counted", last(&h->analysis, "builds", NULL), "%.0f");
	sb_adds(out, "<div><b>");
	sb_adds(out, !isfinite(verdict) ? "-" : verdict == 0 ? "open" :
	    verdict == 1 ? "shut" : "far over");
	sb_adds(out, "</b>the gate, last seen</div><div><b>");
	when(out, at);
	sb_adds(out, "</b>last training</div></div>\n");
}

void
dashboard_render(const struct history_data *h, const struct dashboard_options *o,
		 struct strbuf *out)
{
	sb_adds(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
	if (o->refresh > 0)
		sb_printf(out, "<meta http-equiv=\"refresh\" content=\"%d\">", o->refresh);
	sb_adds(out, "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<title>bgtrain: ");
	html_escape(out, o->state ? o->state : "");
	sb_printf(out, "</title><style>%s</style></head>\n<body><h1>bgtrain</h1>"
	    "<div class=\"sub\">", style);
	html_escape(out, o->state ? o->state : "");
	sb_adds(out, " &middot; generated ");
	when(out, o->now);
	if (o->refresh > 0)
		sb_printf(out, " &middot; reloads every %d s", o->refresh);
	if (h->damaged)
		sb_printf(out, " &middot; %zu damaged lines skipped", h->damaged);
	sb_adds(out, "</div>\n");
	facts(out, h);
	sb_adds(out, "<div class=\"grid\">\n");
	training(out, h);
	throughput(out, h);
	machine(out, h);
	learned(out, h);
	sb_adds(out, "</div>\n<div style=\"margin-top:16px\">");
	errors(out, h);
	sb_adds(out, "</div></body></html>\n");
}
