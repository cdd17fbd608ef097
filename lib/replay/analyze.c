/* analyze.c - one replay, from bytes in memory to its build orders */
#include <string.h>

#include "analyze.h"
#include "gametype.h"

int
analyze_replay(const uint8_t *data, size_t size, struct game *g,
	       struct strbuf *why)
{
	memset(g, 0, sizeof *g);
	if (replay_load(&g->replay, data, size, why) < 0)
		return -1;
	if (buildorder_analyze(g, why) < 0) {
		game_free(g);
		return -1;
	}
	g->type = game_type_of(g);
	return 0;
}
