/* testutil.c - what the C tests share: assertions, finding ../shared */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "inputs.h"
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

/* Where test_analyze() writes its replay. */
static void
case_path(char *path, size_t size, const char *dir)
{
	snprintf(path, size, "%s/case.SC2Replay", dir);
}

int
test_analyze(struct rw_replay *r, const char *dir, struct game *g,
	     struct strbuf *why)
{
	char path[4096];
	uint8_t *data;
	size_t size = 0;
	int rc;

	case_path(path, sizeof path, dir);
	if (rw_write(r, path) < 0) {
		printf("FAIL: rw_write\n");
		exit(1);
	}
	rw_free(r);
	data = (uint8_t *)file_read(path, INPUT_SIZE_LIMIT, &size);
	rc = analyze_replay(data, size, g, why);
	free(data);
	return rc;
}

void
test_analyze_done(const char *dir)
{
	char path[4096];

	case_path(path, sizeof path, dir);
	unlink(path);
	rmdir(dir);
}
