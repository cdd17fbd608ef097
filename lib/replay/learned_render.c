/*
 * learned_render.c - learned_build_orders.json as the bot reads it
 *
 * The keys the bot reads (build_order_timings, unit_priorities,
 * expansion_timings, stats) in real seconds, the older reader's
 * learned_parameters, one section per matchup, the filter, and under
 * merge_state the integer state itself. Rendering is the only place that
 * rounds, and it orders everything it prints (by value, then by name), so
 * the bytes never depend on the order replays or merges came in.
 *
 * It implements learned_render() of learned.h, over learned_state.h: one
 * concern of the learned file, its own unit, no header of its own.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "gametype.h"
#include "jsonw.h"
#include "learned_state.h"
#include "protocol.h"

static double
round_to(double x, double scale)
{
	return round(x * scale) / scale;
}

static double
mean_seconds(int64_t loops, int64_t count)
{
	return count ? round_to((double)loops / (double)count /
	    LOOPS_PER_REAL_SECOND, 100) : 0.0;
}

static int
compare_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The values in ascending order, in a new array (the multiset keeps arrival order). */
static int64_t *
sorted_copy(const struct multiset *m)
{
	int64_t *v = xmalloc((m->n + 1) * sizeof v[0]);

	if (m->n) {
		memcpy(v, m->v, m->n * sizeof v[0]);
		qsort(v, m->n, sizeof v[0], compare_int64);
	}
	return v;
}

static void
render_median(struct strbuf *out, const struct multiset *m)
{
	int64_t *v;
	double median;

	v = sorted_copy(m);
	if (m->n % 2)
		median = (double)v[m->n / 2] / SUPPLY_ONE;
	else
		median = ((double)v[m->n / 2 - 1] + (double)v[m->n / 2]) /
		    (2 * SUPPLY_ONE);
	free(v);
	json_number(out, median);
}

/*
 * The seven supply medians as "key": value pairs, each after sep and then
 * ", ". A key no build qualifies for is left out: the bot then uses its
 * own default, where a null made the older reader fail.
 */
static void
render_supply_keys(struct strbuf *out, const struct section *sec, const char *sep)
{
	size_t i;

	for (i = 0; i < N_SUPPLY_KEYS; i++) {
		if (sec->supply[i].n == 0)
			continue;
		sb_printf(out, "%s\"%s\": ", sep, supply_keys[i].key);
		render_median(out, &sec->supply[i]);
		sep = ", ";
	}
}

struct ranked {
	const char *name;
	const struct name_stat *st;
	double value;
};

static int
compare_ranked_up(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
compare_ranked_down(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* An object of name -> mean first time (timings) or share of the items. */
static void
render_ranked(struct strbuf *out, const struct section *sec, int timings)
{
	struct ranked *r = xcalloc(sec->names.n + 1, sizeof r[0]);
	size_t i, n = 0;

	for (i = 0; i < sec->names.n; i++) {
		const struct name_stat *st = &sec->stats[i];

		if ((timings ? st->builds : st->items) == 0)
			continue;
		r[n].name = hashmap_key(&sec->names, i);
		r[n].st = st;
		r[n++].value = timings ? mean_seconds(st->first_loops, st->builds) :
		    round_to((double)st->items / (double)sec->items, 10000);
	}
	qsort(r, n, sizeof r[0], timings ? compare_ranked_up : compare_ranked_down);
	sb_addc(out, '{');
	for (i = 0; i < n; i++) {
		if (i)
			sb_adds(out, ", ");
		json_cstring(out, r[i].name);
		sb_adds(out, ": ");
		json_float(out, r[i].value);
	}
	sb_addc(out, '}');
	free(r);
}

/* A section's object, left open so that the top level can go on. */
static void
render_section(struct strbuf *out, const struct section *sec,
	       int64_t total_replays)
{
	size_t i;

	sb_adds(out, "{\"build_order_timings\": ");
	render_ranked(out, sec, 1);
	sb_adds(out, ", \"unit_priorities\": ");
	render_ranked(out, sec, 0);
	sb_adds(out, ", \"expansion_timings\": {");
	for (i = 0; i < N_EXPANSIONS; i++) {
		sb_printf(out, "%s\"%s\": ", i ? ", " : "", expansion_keys[i]);
		json_float(out, mean_seconds(sec->expansion_loops[i],
		    sec->expansions[i]));
	}
	sb_printf(out, "}, \"stats\": {\"total_replays\": %lld, \"zerg_wins\": %lld, "
	    "\"avg_game_length\": ", (long long)total_replays,
	    (long long)sec->builds);
	json_float(out, mean_seconds(sec->replay_loops, sec->replays));
	sb_adds(out, ", \"common_openers\": {}}, \"learned_parameters\": {");
	render_supply_keys(out, sec, "");
	sb_addc(out, '}');
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
render_replays(struct strbuf *out, const struct hashmap *replays)
{
	const char **md5 = xcalloc(replays->n + 1, sizeof md5[0]);
	size_t i;

	for (i = 0; i < replays->n; i++)
		md5[i] = hashmap_key(replays, i);
	qsort(md5, replays->n, sizeof md5[0], compare_strings);
	/* Through the one escaping writer, like every string we write. */
	for (i = 0; i < replays->n; i++) {
		if (i)
			sb_adds(out, ", ");
		json_cstring(out, md5[i]);
	}
	free(md5);
}

static void
render_section_state(struct strbuf *out, const struct section *sec)
{
	struct ranked *names = xcalloc(sec->names.n + 1, sizeof names[0]);
	size_t i, k;

	sb_printf(out, "{\"builds\": %lld, \"replays\": %lld, "
	    "\"replay_loops\": %lld, \"items\": %lld, \"expansions\": [",
	    (long long)sec->builds, (long long)sec->replays,
	    (long long)sec->replay_loops, (long long)sec->items);
	for (i = 0; i < N_EXPANSIONS; i++)
		sb_printf(out, "%s[%lld, %lld]", i ? ", " : "",
		    (long long)sec->expansions[i],
		    (long long)sec->expansion_loops[i]);
	sb_adds(out, "], \"supply_4096\": {");
	for (k = 0; k < N_SUPPLY_KEYS; k++) {
		int64_t *v = sorted_copy(&sec->supply[k]);

		sb_printf(out, "%s\"%s\": [", k ? ", " : "", supply_keys[k].key);
		for (i = 0; i < sec->supply[k].n; i++)
			sb_printf(out, "%s%lld", i ? ", " : "", (long long)v[i]);
		sb_addc(out, ']');
		free(v);
	}
	sb_adds(out, "}, \"names\": {");
	for (i = 0; i < sec->names.n; i++) {
		names[i].name = hashmap_key(&sec->names, i);
		names[i].st = &sec->stats[i];
	}
	qsort(names, sec->names.n, sizeof names[0], compare_ranked_up);
	for (i = 0; i < sec->names.n; i++) {
		sb_adds(out, i ? ", " : "");
		json_cstring(out, names[i].name);
		sb_printf(out, ": [%lld, %lld, %lld]",
		    (long long)names[i].st->builds,
		    (long long)names[i].st->first_loops,
		    (long long)names[i].st->items);
	}
	sb_adds(out, "}}");
	free(names);
}

static void
render_state(struct strbuf *out, const struct learned *l)
{
	size_t s;

	sb_printf(out, "{\"format\": %d, \"replays\": [", STATE_FORMAT);
	render_replays(out, &l->replays);
	sb_printf(out, "], \"total_replays\": %lld", (long long)l->total_replays);
	for (s = 0; s < N_SECTIONS; s++) {
		sb_printf(out, ", \"%s\": ", section_keys[s]);
		render_section_state(out, &l->sections[s]);
	}
	sb_addc(out, '}');
}

void
learned_render_main(const struct learned *l, struct strbuf *out)
{
	render_section(out, &l->sections[SECTION_ALL], l->total_replays);
	sb_adds(out, "}\n");
}

void
learned_render(const struct learned *l, struct strbuf *out,
	       const char *generated_at)
{
	size_t s;

	render_section(out, &l->sections[SECTION_ALL], l->total_replays);
	/* The same seven keys at the top level: one of the bot's tools reads them there. */
	render_supply_keys(out, &l->sections[SECTION_ALL], ", ");
	for (s = SECTION_VS_TERRAN; s < N_SECTIONS; s++) {
		sb_printf(out, ", \"%s\": ", section_keys[s]);
		render_section(out, &l->sections[s], l->sections[s].replays);
		sb_addc(out, '}');
	}
	sb_printf(out, ", \"time_unit\": \"real_seconds\", \"filter\": {\"race\": "
	    "\"%s\", \"winners_only\": %s, \"min_seconds\": ",
	    race_filter_name(l->filter.race),
	    l->filter.winners_only ? "true" : "false");
	json_number(out, l->filter.min_seconds);
	sb_adds(out, ", \"max_seconds\": ");
	if (isinf(l->filter.max_seconds))
		sb_adds(out, "null");
	else
		json_number(out, l->filter.max_seconds);
	sb_adds(out, ", \"game_type\": \"");
	game_types_text(l->filter.game_types, out);
	sb_adds(out, "\"}, \"generated_at\": ");
	json_cstring(out, generated_at);
	sb_adds(out, ", \"merge_state\": ");
	render_state(out, l);
	sb_adds(out, "}\n");
}
