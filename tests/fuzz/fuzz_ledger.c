/*
 * fuzz_ledger - the driver's ledger, from memory: ledger_parse (which
 * ledger_open reads STATE/ledger.tsv through) replays it, its jobs, open
 * submissions and inputs are looked up, and a damaged one is repaired as
 * `bgtrain status --repair` does (ledger_repair_text); what the repair
 * keeps must then parse whole, or the harness aborts. The same bytes are
 * then read as a snapshot (STATE/ledger.snap): one that checks out is
 * written again by the snapshot's writer, and that must read back with the
 * same counts.
 * Seeds: ledgers made by mkseeds with the ledger's own writers
 * (build/fuzz/seeds/ledger), tests/fuzz/seeds/ledger, the .tsv files of ../shared/hostile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "ledger.h"
#include "ledger_record.h"
#include "ledger_snap.h"

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

/* The bytes as a snapshot; one that checks out, written and read again. */
static void
as_snapshot(const uint8_t *data, size_t size)
{
	struct ledger l, again;
	unsigned char *buf = (unsigned char *)copy(data, size), *back;
	size_t len;

	memset(&l, 0, sizeof l);
	l.fd = -1;
	if (ledger_snapshot_parse(&l, buf, size) == 0) {
		l.snap_path = strdup(fuzz_path("ledger.snap"));
		if (ledger_snapshot(&l) == 0) {
			FILE *f = fopen(l.snap_path, "rb");

			back = malloc(l.n_table * LEDGER_ENTRY_SIZE + (1 << 20) + size);
			len = f ? fread(back, 1, l.n_table * LEDGER_ENTRY_SIZE +
			    (1 << 20) + size, f) : 0;
			if (f)
				fclose(f);
			memset(&again, 0, sizeof again);
			again.fd = -1;
			if (ledger_snapshot_parse(&again, back, len) < 0 ||
			    again.n_table != l.n_table || again.bad != l.bad ||
			    again.done[0] != l.done[0] || again.done[1] != l.done[1] ||
			    again.generation != l.generation) {
				fprintf(stderr, "fuzz_ledger: a snapshot written again "
				    "does not read back the same\n");
				abort();
			}
			ledger_close(&again);
		}
		unlink(fuzz_path("ledger.snap"));
	}
	ledger_close(&l);
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
		sink += l.relearn_backup != NULL;
		/* The jobs on a cluster a restarted driver would look for. */
		for (i = 0; i < l.n_submitted; i++) {
			sink += ledger_submission(&l, l.submitted[i].id) != NULL;
			if (l.submitted[i].n_inputs > 0)
				sink += ledger_state(&l, l.submitted[i].hashes[0]);
			sink += l.submitted[i].ext_id != NULL;
		}
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
	as_snapshot(data, size);
	(void)sink;
	return 0;
}
