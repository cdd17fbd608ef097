/*
 * fuzz_learned - learned_build_orders.json as merge-results reads it:
 * learned_parse, learned_render, and a merge. The input is one file, or two
 * separated by a NUL byte (JSON has none): the second is merged into the
 * first when they do not overlap, as `merge-results learned` does, and
 * blended into it as `merge-results learned --alpha` does (any JSON: the
 * old tool's files have no merge_state).
 * Whatever parses renders to a file that parses and renders to the same
 * bytes again (render-parse-render is byte-identical): else it aborts.
 * Seeds: summaries replay-analyze --summary makes of ../shared/replays
 * (build/fuzz/seeds/learned), the .json files of ../shared/hostile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "learned.h"
#include "learned_merge.h"

#define STAMP "2026-01-01T00:00:00Z"

/* l rendered into out must read back and render to the same bytes. */
static void
round_trip(const struct learned *l, struct strbuf *out)
{
	struct strbuf why = { 0 }, again = { 0 };
	struct learned *back;

	sb_reset(out);
	learned_render(l, out, STAMP);
	if ((back = learned_parse(out->data, out->len, &why)) == NULL) {
		fprintf(stderr, "fuzz_learned: a rendered file does not read "
		    "back: %s\n%.*s\n", why.data, (int)out->len, out->data);
		abort();
	}
	learned_render(back, &again, STAMP);
	if (again.len != out->len || memcmp(again.data, out->data, out->len) != 0) {
		fprintf(stderr, "fuzz_learned: render-parse-render differs:\n"
		    "%.*s\n----\n%.*s\n", (int)out->len, out->data,
		    (int)again.len, again.data);
		abort();
	}
	learned_free(back);
	sb_free(&again);
	sb_free(&why);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nul;
	size_t first = size;
	struct strbuf why = { 0 }, out = { 0 };
	struct learned *a, *b = NULL;

	if ((nul = memchr(text, '\0', size)) != NULL) {
		char *part[1];

		first = (size_t)(nul - text);
		part[0] = (char *)fuzz_file("part.json", (const uint8_t *)nul + 1,
		    size - first - 1);
		merge_learned(fuzz_file("target.json", data, first), part, 1, 0.3, 1, 0);
	}
	if ((a = learned_parse(text, first, &why)) == NULL)
		goto done;
	round_trip(a, &out);
	if (nul != NULL) {
		sb_reset(&why);
		b = learned_parse(nul + 1, size - first - 1, &why);
	}
	if (b != NULL) {
		sb_reset(&why);
		if (learned_overlap(a, b) == OVERLAP_NONE &&
		    learned_merge(a, b, &why) == 0)
			round_trip(a, &out);
		learned_free(b);
	}
	learned_free(a);
done:
	sb_free(&why);
	sb_free(&out);
	return 0;
}
