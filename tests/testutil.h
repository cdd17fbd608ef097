/* testutil.h - what the C tests share: assertions, finding ../shared */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "replay_writer.h"
#include "strlist.h"

extern int test_failures;

#define EXPECT(cond) expect((cond), #cond, __FILE__, __LINE__)
void expect(int ok, const char *what, const char *file, int line);
/* 0 when every EXPECT held, else 1. */
int test_exit(void);

/* The shared folder (BGTRAIN_SHARED, else ../shared from the project root). */
const char *shared_dir(void);
/* Every .SC2Replay under ../shared/replays, edge files included, sorted. */
int shared_replays(struct strlist *l);
/*
 * Write r to DIR/case.SC2Replay (then free r) and analyse it: 0 with *g
 * (release it with game_free()), or -1 with why. A failed write ends the test.
 */
int test_analyze(struct rw_replay *r, const char *dir, struct game *g,
		 struct strbuf *why);
/* Remove what test_analyze() wrote, and DIR. */
void test_analyze_done(const char *dir);

/* Exit status for a test whose data is missing: a skip, or under CI=true a failure. */
int skip_or_fail(const char *test);

#endif
