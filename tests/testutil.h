/* testutil.h - what the C tests share: assertions, finding ../shared */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

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
/* Exit status for a test whose data is missing: a skip, or under CI=true a failure. */
int skip_or_fail(const char *test);

#endif
