/* jsonl.c - the JSON Lines replay-analyze writes, one object per replay */
#include <stdio.h>

#include "gametype.h"
#include "jsonl.h"
#include "jsonw.h"
#include "protocol.h"

static const char *const kinds[] = { "unit", "building", "upgrade" };
static const char *const events[] = { "init", "born", "morph", "upgrade" };
static const char *const results[] = {
	[RESULT_WIN] = "Win", [RESULT_LOSS] = "Loss", [RESULT_TIE] = "Tie"
};

uint32_t
loop_seconds(uint32_t loop)
{
	return (uint32_t)((uint64_t)loop * FASTER_SECONDS / FASTER_LOOPS);
}

void
format_clock(char *buf, size_t size, uint32_t loop)
{
	uint32_t sec = loop_seconds(loop);

	snprintf(buf, size, "%u:%02u", sec / 60, sec % 60);
}

static void
item_json(struct strbuf *sb, const struct bo_item *it)
{
	uint32_t sec = loop_seconds(it->loop);

	/* By hand rather than printf: this is most of the output. */
	sb_adds(sb, "{\"loop\": ");
	sb_addu(sb, it->loop);
	sb_adds(sb, ", \"sec\": ");
	sb_addu(sb, sec);
	sb_adds(sb, ", \"time\": \"");
	sb_addu(sb, sec / 60);
	sb_addc(sb, ':');
	sb_addc(sb, (char)('0' + sec % 60 / 10));
	sb_addc(sb, (char)('0' + sec % 10));
	sb_adds(sb, "\", \"name\": ");
	json_string(sb, it->name, it->name_len);
	sb_adds(sb, ", \"kind\": \"");
	sb_adds(sb, kinds[it->kind]);
	sb_adds(sb, "\", \"event\": \"");
	sb_adds(sb, events[it->event]);
	sb_addc(sb, '"');
	if (it->has_supply) {
		sb_adds(sb, ", \"supply\": ");
		json_number(sb, it->supply);
		sb_adds(sb, ", \"supply_cap\": ");
		json_number(sb, it->supply_cap);
	}
	if (it->has_done) {
		sb_adds(sb, ", \"done_loop\": ");
		sb_addu(sb, it->done_loop);
	}
	sb_addc(sb, '}');
}

static void
player_json(struct strbuf *sb, const struct game *g, size_t i)
{
	const struct player *p = &g->replay.players[i];
	const struct build_order *bo = &g->orders[i];
	size_t k;

	sb_printf(sb, "{\"pid\": %d, \"name\": ", p->pid);
	json_cstring(sb, p->name);
	sb_adds(sb, ", \"race\": ");
	json_cstring(sb, g->race[i]);
	sb_adds(sb, ", \"result\": ");
	if (p->result >= RESULT_WIN && p->result <= RESULT_TIE)
		sb_printf(sb, "\"%s\"", results[p->result]);
	else
		sb_adds(sb, "null");
	sb_adds(sb, ", \"toon\": ");
	json_cstring(sb, p->toon);
	sb_printf(sb, ", \"team\": %d, \"human\": %s", p->team,
	    p->human ? "true" : "false");
	if (p->has_apm) {
		sb_adds(sb, ", \"apm\": ");
		json_number(sb, p->apm);
	}
	sb_adds(sb, ", \"build_order\": [");
	for (k = 0; k < bo->n; k++) {
		if (k)
			sb_adds(sb, ", ");
		item_json(sb, &bo->items[k]);
	}
	sb_adds(sb, "]}");
}

void
jsonl_game(struct strbuf *sb, const char *file, const char *md5,
	   const struct game *g)
{
	const struct replay *r = &g->replay;
	char clock[16];
	size_t i;
	int first = 1;

	format_clock(clock, sizeof clock, r->loops);
	sb_adds(sb, "{\"file\": ");
	json_cstring(sb, file);
	sb_printf(sb, ", \"md5\": \"%s\", \"version\": \"%s\", \"build\": %lld, "
	    "\"base_build\": %lld, \"map\": ", md5, r->version,
	    (long long)r->build, (long long)r->base_build);
	json_cstring(sb, r->map);
	sb_printf(sb, ", \"loops\": %u, \"seconds\": %u, \"length\": \"%s\", "
	    "\"game_type\": ", r->loops, loop_seconds(r->loops), clock);
	if (game_type_name(g->type))
		json_cstring(sb, game_type_name(g->type));
	else
		sb_adds(sb, "null");
	sb_adds(sb, ", \"players\": [");
	for (i = 0; i < r->n_players; i++) {
		if (r->players[i].observe)
			continue;
		if (!first)
			sb_adds(sb, ", ");
		first = 0;
		player_json(sb, g, i);
	}
	sb_adds(sb, "]}\n");
}

void
jsonl_skipped(struct strbuf *sb, const char *file, const char *md5,
	      const char *reason)
{
	sb_adds(sb, "{\"file\": ");
	json_cstring(sb, file);
	sb_printf(sb, ", \"md5\": \"%s\", \"skipped\": ", md5);
	json_cstring(sb, reason);
	sb_adds(sb, "}\n");
}
