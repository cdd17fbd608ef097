/* jsonl.h - the JSON Lines replay-analyze writes, one object per replay */
#ifndef JSONL_H
#define JSONL_H

#include "buildorder.h"
#include "strbuf.h"

/* Append a replay's line (with its newline); md5 is its hex content hash. */
void jsonl_game(struct strbuf *sb, const char *file, const char *md5,
		const struct game *g);

/*
 * The line of a replay left out without being decoded: {"file", "md5",
 * "skipped": reason} ("known": a summary already counts it).
 */
void jsonl_skipped(struct strbuf *sb, const char *file, const char *md5,
		   const char *reason);

/* "m:ss" of a game loop in real seconds at "Faster" (protocol.h). */
void format_clock(char *buf, size_t size, uint32_t loop);
uint32_t loop_seconds(uint32_t loop);

#endif
