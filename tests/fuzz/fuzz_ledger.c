/*
 * fuzz_ledger - the driver's ledger: the input is STATE/ledger.tsv of a
 * state folder; ledger_open reads it as `bgtrain status` does (read-only),
 * then as the driver does (writable: a torn last line is cut off), looks
 * up its jobs and inputs, and ledger_repair rewrites it.
 * Seeds: ledgers made by mkseeds with the ledger's own writers
 * (build/fuzz/seeds/ledger), tests/fuzz/seeds/ledger, the .tsv files of ../shared/hostile.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "ledger.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_dir();
	struct ledger l;
	size_t damaged = 0, kept, dropped, i;
	volatile int64_t sink = 0;

	fuzz_file("ledger.tsv", data, size);
	if (ledger_open(&l, dir, 0, &damaged) == 0) {
		for (i = 0; i < l.n_jobs; i++) {
			sink += ledger_job(&l, l.jobs[i].id) != NULL;
			if (l.jobs[i].n_inputs > 0)
				sink += ledger_state(&l, l.jobs[i].hashes[0]);
		}
		sink += ledger_job(&l, l.next_job) != NULL;
		sink += l.relearn_backup != NULL;
		ledger_close(&l);
	}
	if (ledger_open(&l, dir, 1, &damaged) == 0)
		ledger_close(&l);
	else if (errno == EBADMSG)
		sink += ledger_repair(dir, &kept, &dropped);
	unlink(fuzz_path("ledger.tsv"));
	unlink(fuzz_path("ledger.tsv.damaged"));
	(void)sink;
	return 0;
}
