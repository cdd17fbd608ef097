/* analyze.h - one replay, from bytes in memory to its build orders */
#ifndef ANALYZE_H
#define ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "buildorder.h"
#include "digest.h"
#include "strbuf.h"

/*
 * Load the replay in data[0..size) and apply the build-order rules. Returns
 * 0 with *g filled (release it with game_free()), or -1 with a one-line
 * reason appended to why and nothing to release.
 */
int analyze_replay(const uint8_t *data, size_t size, struct game *g,
		   struct strbuf *why);

#endif
