/*
 * merge_summaries - a test tool: add up replay-analyze --summary files
 *
 * merge_summaries A.json B.json ... prints the summary of the union. The
 * tests use it to prove the merge law on real data; merge-results(1) is the
 * tool for users (locks, atomic writes, overlap checks).
 */
#include <stdio.h>
#include <stdlib.h>

#include "die.h"
#include "file.h"
#include "learned.h"

int
main(int argc, char **argv)
{
	struct learned *total = NULL;
	struct strbuf why = { 0 }, out = { 0 };
	int i;

	progname = "merge_summaries";
	if (argc < 2)
		die(EX_USAGE, "usage: merge_summaries SUMMARY...");
	for (i = 1; i < argc; i++) {
		size_t size;
		char *text = file_read(argv[i], LEARNED_SIZE_LIMIT, &size);
		struct learned *l;

		if (text == NULL)
			die(EX_NOINPUT, "%s: cannot read", argv[i]);
		if ((l = learned_parse(text, size, &why)) == NULL)
			die(EX_DATAERR, "%s: %s", argv[i], why.data);
		free(text);
		if (total == NULL) {
			total = l;
			continue;
		}
		if (learned_merge(total, l, &why) < 0)
			die(EX_DATAERR, "%s: %s", argv[i], why.data);
		learned_free(l);
	}
	learned_render(total, &out, "merged");
	fwrite(out.data, 1, out.len, stdout);
	learned_free(total);
	sb_free(&out);
	sb_free(&why);
	return 0;
}
