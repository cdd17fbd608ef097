/*
 * fuzz_ledger - the driver's ledger, from memory: ledger_parse (which
 * ledger_open reads STATE/ledger.tsv through) replays it, its jobs and
 * inputs are looked up, and a damaged one is repaired as `bgtrain status
 * --repair` does (ledger_repair_text); what the repair keeps must then
 * parse whole, or the harness aborts.
 * Seeds: ledgers made by mkseeds with the ledger's own writers
 * (build/fuzz/seeds/ledger), tests/fuzz/seeds/ledger, the .tsv files of ../shared/hostile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ledger.h"
#include "ledger_record.h"

/* A copy of data to parse: the parsers cut lines in place. */
static char *
copy(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = { 0 };
	struct ledger l;
	size_t damaged = 0, whole, kept, dropped, i;
	volatile int64_t sink = 0;
	char *text = copy(data, size), empty[1] = "";

	if (ledger_parse(&l, text, size, &whole, &damaged) == 0) {
		for (i = 0; i < l.n_jobs; i++) {
			sink += ledger_job(&l, l.jobs[i].id) != NULL;
			if (l.jobs[i].n_inputs > 0)
				sink += ledger_state(&l, l.jobs[i].hashes[0]);
		}
		sink += ledger_job(&l, l.next_job) != NULL;
		ledger_close(&l);
	} else if (errno == EBADMSG) {
		free(text);
		text = copy(data, size);
		ledger_repair_text(text, size, &out, &kept, &dropped);
		if (ledger_parse(&l, out.data ? out.data : empty, out.len, &whole,
		    &damaged) < 0 || whole != out.len || l.n_jobs > kept) {
			fprintf(stderr, "fuzz_ledger: a repaired ledger does not "
			    "parse whole (line %zu)\n", damaged);
			abort();
		}
		ledger_close(&l);
	}
	sb_free(&out);
	free(text);
	(void)sink;
	return 0;
}
