/*
 * test_fuzz - damaged replays never crash, hang or leak
 *
 * Real replays from ../shared, truncated at every KiB and with random bytes
 * changed, go through the whole analysis in this process (so ASan and UBSan
 * see every access when `make check` runs the instrumented build). Each case
 * must give either a result, rendered to a line, or a clean error message.
 * An alarm turns a hang into a failure. In the ASan pass only: without
 * the sanitizers it would only see crashes, which ASan sees too.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "clock.h"
#include "file.h"
#include "gametype.h"
#include "inputs.h"
#include "jsonl.h"
#include "learned.h"
#include "testutil.h"

#define RANDOM_CASES	10000
#define CASE_ALARM	10	/* seconds: far beyond any honest case */

static const char *current;

static void
on_alarm(int sig)
{
	(void)sig;
	printf("FAIL test_fuzz: hang on %s\n", current);
	fflush(stdout);
	_exit(1);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
	return splitmix64(&rng_state);
}

static size_t results, errors;
static double slowest;

static void
run_case(const uint8_t *data, size_t size, struct learned *l)
{
	struct strbuf why = { 0 }, line = { 0 };
	struct game g;
	double t = monotonic_seconds();

	alarm(CASE_ALARM);
	if (analyze_replay(data, size, &g, &why) == 0) {
		jsonl_game(&line, "case", "00000000000000000000000000000000", &g);
		learned_add_game(l, &g, "00000000000000000000000000000000");
		EXPECT(line.len > 0 && line.data[line.len - 1] == '\n');
		game_free(&g);
		results++;
	} else {
		EXPECT(why.len > 0 && strchr(why.data, '\n') == NULL);
		errors++;
	}
	alarm(0);
	t = monotonic_seconds() - t;
	if (t > slowest)
		slowest = t;
	sb_free(&why);
	sb_free(&line);
}

int
main(int argc, char **argv)
{
	struct strlist replays = { 0 };
	struct learned_filter f;
	struct learned *l;
	size_t i, cut, cases = 0;
	long random_cases = argc > 1 ? atol(argv[1]) : RANDOM_CASES;

	if (getenv("BGTRAIN_BUILD") && strcmp(getenv("BGTRAIN_BUILD"), "release") == 0) {
		printf("damaged replays run once, in the ASan pass\n");
		return 77;
	}
	if (shared_replays(&replays) < 0)
		return skip_or_fail("test_fuzz");
	signal(SIGALRM, on_alarm);
	learned_filter_defaults(&f);
	f.race = RACE_ANY;
	f.game_types = GAME_TYPES_ANY;
	l = learned_new(&f);

	for (i = 0; i < replays.n; i++) {
		size_t size;
		uint8_t *data = (uint8_t *)file_read(replays.v[i],
		    INPUT_SIZE_LIMIT, &size);

		current = replays.v[i];
		EXPECT(data != NULL);
		if (data == NULL)
			continue;
		for (cut = 0; cut < size; cut += 1024) {
			/* A copy of exactly the cut length, so ASan sees any overread. */
			uint8_t *part = malloc(cut ? cut : 1);

			memcpy(part, data, cut);
			run_case(part, cut, l);
			free(part);
			cases++;
		}
		free(data);
	}
	printf("test_fuzz: %zu truncations\n", cases);

	for (long k = 0; k < random_cases; k++) {
		size_t size, n, j;
		const char *path = replays.v[rng() % replays.n];
		uint8_t *data = (uint8_t *)file_read(path, INPUT_SIZE_LIMIT,
		    &size);

		current = path;
		if (data == NULL || size == 0) {
			free(data);
			continue;
		}
		/* 1 to 8 bytes; half the cases aim at the first KiB of the archive,
		 * where the tables and headers that steer the reader live. */
		n = 1 + rng() % 8;
		for (j = 0; j < n; j++) {
			size_t at = rng() % size;

			if (rng() % 2 && size > 2048)
				at = 1024 + rng() % 1024;
			data[at] = (uint8_t)rng();
		}
		run_case(data, size, l);
		free(data);
		cases++;
	}
	learned_free(l);
	strlist_free(&replays);
	printf("test_fuzz: %zu cases, %zu results, %zu clean errors, slowest %.3f s\n",
	    cases, results, errors, slowest);
	EXPECT(results > 0 && errors > 0);
	return test_exit();
}
