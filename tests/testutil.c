/* testutil.c - what the C tests share: assertions, finding ../shared */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "walk.h"

int test_failures;

void
expect(int ok, const char *what, const char *file, int line)
{
	if (!ok) {
		printf("FAIL %s:%d: %s\n", file, line, what);
		test_failures++;
	}
}

int
test_exit(void)
{
	return test_failures ? 1 : 0;
}

const char *
shared_dir(void)
{
	const char *d = getenv("BGTRAIN_SHARED");

	return d ? d : "../shared";
}

static int
is_replay(const char *path)
{
	return has_suffix(path, ".SC2Replay");
}

int
shared_replays(struct strlist *l)
{
	char dir[4096];

	snprintf(dir, sizeof dir, "%s/replays", shared_dir());
	walk_files(dir, is_replay, l);
	return l->n ? 0 : -1;
}

int
skip_or_fail(const char *test)
{
	const char *ci = getenv("CI");

	if (ci && strcmp(ci, "true") == 0) {
		printf("FAIL %s: %s/replays is missing (CI always has it)\n", test,
		    shared_dir());
		return 1;
	}
	printf("SKIP %s: %s/replays is missing\n", test, shared_dir());
	return 77;
}
