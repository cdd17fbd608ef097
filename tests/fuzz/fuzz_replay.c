/*
 * fuzz_replay - a replay file from memory: MPQ, members, decoding, build
 * orders and the kind of game (analyze_replay, as replay-analyze calls it),
 * then the JSON line and the summary that a result turns into, counting
 * every kind.
 * Seeds: ../shared/replays, the .SC2Replay files of ../shared/hostile.
 */
#include <string.h>

#include "analyze.h"
#include "fuzz.h"
#include "gametype.h"
#include "jsonl.h"
#include "learned.h"
#include "replay.h"

#define MD5 "00000000000000000000000000000000"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf why = { 0 }, out = { 0 };
	struct replay r;
	struct game g;

	memset(&r, 0, sizeof r);
	if (replay_load(&r, data, size, &why) == 0)
		replay_free(&r);
	sb_reset(&why);
	if (analyze_replay(data, size, &g, &why) == 0) {
		struct learned_filter f;
		struct learned *l;

		jsonl_game(&out, "fuzz.SC2Replay", MD5, &g);
		learned_filter_defaults(&f);
		f.race = RACE_ANY;
		f.winners_only = 0;
		f.min_seconds = 0;
		f.game_types = GAME_TYPES_ANY;
		l = learned_new(&f);
		learned_add_game(l, &g, MD5);
		learned_render(l, &out, "2026-01-01T00:00:00Z");
		learned_free(l);
		game_free(&g);
	}
	sb_free(&why);
	sb_free(&out);
	return 0;
}
