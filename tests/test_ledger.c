/*
 * test_ledger - the compacted ledger: a snapshot and a tail read back as
 * the records were, across every crash a compaction can meet
 *
 * A ledger is written through its own writers (jobs produced and merged,
 * lost, open; bad inputs and files that are no input), its states and
 * counts noted, and then, after each step of a compaction, the folder is
 * opened again as the driver opens it after a crash there, and read-only
 * as status reads it: every input's state, every count and every open job
 * must be what it was, nothing counted twice, nothing lost. Then the
 * damage a snapshot can suffer: a changed byte, a missing snapshot, a
 * temporary file a killed writer left; and status --repair.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "ledger.h"
#include "testutil.h"

#define INPUTS 3000

static char dir[] = "/tmp/bgtrain-test-ledger.XXXXXX";
static char hashes[INPUTS][MD5_HEX_SIZE];
static char *paths[INPUTS];

struct picture {
	int state[INPUTS];
	size_t bad, not_inputs, done[2], jobs_recorded, open_jobs;
	int64_t next_job;
};

static void
look(struct ledger *l, struct picture *p)
{
	size_t i;

	memset(p, 0, sizeof *p);
	for (i = 0; i < INPUTS; i++)
		p->state[i] = ledger_state(l, hashes[i]);
	p->bad = l->bad;
	p->not_inputs = l->not_inputs;
	p->done[0] = l->done[0];
	p->done[1] = l->done[1];
	p->jobs_recorded = l->jobs_recorded;
	p->next_job = l->next_job;
	for (i = 0; i < l->n_jobs; i++)
		p->open_jobs += l->jobs[i].merged == 0;
}

/* The folder opened again (writable: as the driver after a crash), and read-only. */
static void
same_after_open(const struct picture *want, const char *when)
{
	struct ledger l;
	struct picture got;
	size_t damaged = 0;
	int writable;

	for (writable = 0; writable <= 1; writable++) {
		if (ledger_open(&l, dir, writable, &damaged) < 0) {
			fprintf(stderr, "%s: cannot open (%s, line %zu)\n", when,
			    strerror(errno), damaged);
			EXPECT(0);
			continue;
		}
		look(&l, &got);
		if (memcmp(&got, want, sizeof got) != 0) {
			fprintf(stderr, "%s (%s): the ledger differs: bad %zu/%zu, done "
			    "%zu+%zu / %zu+%zu, jobs %zu/%zu, open %zu/%zu\n", when,
			    writable ? "writable" : "read-only", got.bad, want->bad,
			    got.done[0], got.done[1], want->done[0], want->done[1],
			    got.jobs_recorded, want->jobs_recorded, got.open_jobs,
			    want->open_jobs);
			EXPECT(0);
		}
		ledger_close(&l);
	}
}

static char *
file_in(const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	sprintf(p, "%s/%s", dir, name);
	return p;
}

static void
flip_byte(const char *name, long at)
{
	char *p = file_in(name);
	int fd = open(p, O_RDWR);
	unsigned char c;

	EXPECT(fd >= 0 && pread(fd, &c, 1, at) == 1);
	c ^= 0x20;
	EXPECT(pwrite(fd, &c, 1, at) == 1);
	close(fd);
	free(p);
}

/* Jobs of 3 inputs each: merged (of both kinds), lost, left open, by turns. */
static void
write_records(struct ledger *l, size_t from, size_t to)
{
	size_t i;

	for (i = from; i + 3 <= to; i += 3) {
		int64_t id = l->next_job;
		enum job_kind kind = (i / 3) % 2 ? JOB_TRAINING : JOB_ANALYSIS;

		EXPECT(ledger_produced(l, id, kind, "/state/work/out", hashes[i], 3,
		    &hashes[i], &paths[i]) == 0);
		switch ((i / 3) % 4) {
		case 0:
		case 1:
			EXPECT(ledger_merged(l, id) == 0);
			break;
		case 2:
			EXPECT(ledger_lost(l, id) == 0);
			break;
		}
		if ((i / 3) % 9 == 0)
			EXPECT(ledger_bad(l, hashes[i + 1], paths[i + 1], "bad\tdata") == 0);
		if ((i / 3) % 27 == 0)
			EXPECT(ledger_not_input(l, hashes[i + 2], paths[i + 2], "a model") == 0);
	}
}

int
main(void)
{
	struct ledger l;
	struct picture want, mid;
	size_t damaged = 0, i, kept, dropped;
	int snap_damaged;
	char *tmp, *snap;
	unsigned char buf[16];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	for (i = 0; i < INPUTS; i++) {
		char name[64];

		snprintf(name, sizeof name, "input %zu", i);
		md5_raw(name, strlen(name), buf);
		md5_bytes_hex(buf, hashes[i]);
		snprintf(name, sizeof name, "/in/g%05zu.npz", i);
		paths[i] = strdup(name);
	}

	/* A ledger of the first half, as it stands before any compaction. */
	EXPECT(ledger_open(&l, dir, 1, &damaged) == 0);
	write_records(&l, 0, INPUTS / 2);
	look(&l, &want);
	EXPECT(want.open_jobs > 0 && want.bad > 0 && want.done[0] > 0 &&
	    want.done[1] > 0);

	/* The snapshot written, the tail not yet cut: a crash here. */
	EXPECT(ledger_snapshot(&l) == 0);
	look(&l, &mid);
	EXPECT(memcmp(&mid, &want, sizeof mid) == 0);
	close(l.fd);	/* the crash: the tail stays as it was */
	l.fd = -1;
	ledger_close(&l);
	same_after_open(&want, "a crash between the snapshot and the cut");

	/* The open after that crash cut the tail: it holds only its generation. */
	tmp = file_in("ledger.tsv");
	{
		struct stat st;

		EXPECT(stat(tmp, &st) == 0 && st.st_size < 64);
	}

	/* More records on the new tail, a whole compaction, more again. */
	EXPECT(ledger_open(&l, dir, 1, &damaged) == 0);
	write_records(&l, INPUTS / 2, 3 * INPUTS / 4);
	EXPECT(ledger_snapshot(&l) == 0 && ledger_cut(&l) == 0);
	write_records(&l, 3 * INPUTS / 4, INPUTS);
	look(&l, &want);
	ledger_close(&l);
	same_after_open(&want, "a snapshot and a tail");

	/* A snapshot a killed writer left half-written is removed, never read. */
	snap = file_in("ledger.snap");
	free(tmp);
	tmp = file_in("ledger.snap.tmp.AbCdEf");
	{
		FILE *f = fopen(tmp, "w");

		EXPECT(f != NULL);
		fputs("BGTLEDG", f);
		fclose(f);
	}
	same_after_open(&want, "a temporary snapshot left");
	EXPECT(access(tmp, F_OK) < 0);

	/* One changed byte in the snapshot: refused, said as the snapshot's. */
	flip_byte("ledger.snap", 200);
	damaged = 99;
	EXPECT(ledger_open(&l, dir, 0, &damaged) < 0 && errno == EBADMSG &&
	    damaged == 0);
	/* --repair keeps it aside; the tail stands alone, and opens. */
	EXPECT(ledger_repair(dir, &kept, &dropped, &snap_damaged) == 0);
	EXPECT(snap_damaged == 1 && dropped == 0 && kept > 0);
	free(tmp);
	tmp = file_in("ledger.snap.damaged");
	EXPECT(access(tmp, F_OK) == 0);
	EXPECT(ledger_open(&l, dir, 1, &damaged) == 0);
	/* What the tail recorded since the snapshot still holds. */
	EXPECT(ledger_state(&l, hashes[INPUTS - 3]) != LEDGER_UNKNOWN);
	ledger_close(&l);

	/* A tail newer than its snapshot (the snapshot lost): refused at line 1. */
	EXPECT(ledger_open(&l, dir, 1, &damaged) == 0);
	EXPECT(ledger_snapshot(&l) == 0 && ledger_cut(&l) == 0);
	write_records(&l, 0, 30);
	ledger_close(&l);
	EXPECT(unlink(snap) == 0);
	EXPECT(ledger_open(&l, dir, 1, &damaged) < 0 && errno == EBADMSG &&
	    damaged == 1);
	EXPECT(ledger_repair(dir, &kept, &dropped, &snap_damaged) == 0);
	EXPECT(snap_damaged == 0 && kept > 0);
	EXPECT(ledger_open(&l, dir, 1, &damaged) == 0);
	EXPECT(ledger_state(&l, hashes[0]) != LEDGER_UNKNOWN);
	ledger_close(&l);

	/*
	 * --relearn (R) across a compaction: the analysis before it stays
	 * forgotten, the analysis after it done, training untouched, and the
	 * backup's name kept.
	 */
	EXPECT(ledger_open(&l, dir, 1, &damaged) == 0);
	EXPECT(ledger_state(&l, hashes[0]) == LEDGER_DONE);	/* analysis, merged */
	EXPECT(ledger_state(&l, hashes[3]) == LEDGER_DONE);	/* training, merged */
	EXPECT(ledger_relearn(&l, "/state/learned.json.bak") == 0);
	EXPECT(ledger_state(&l, hashes[0]) == LEDGER_UNKNOWN);
	EXPECT(ledger_state(&l, hashes[3]) == LEDGER_DONE);
	EXPECT(l.done[JOB_ANALYSIS] == 0);
	EXPECT(ledger_produced(&l, l.next_job, JOB_ANALYSIS, "/state/work/out",
	    hashes[0], 1, &hashes[0], &paths[0]) == 0);
	EXPECT(ledger_merged(&l, l.next_job - 1) == 0);
	look(&l, &want);
	EXPECT(ledger_snapshot(&l) == 0 && ledger_cut(&l) == 0);
	ledger_close(&l);
	same_after_open(&want, "--relearn, then a compaction");
	EXPECT(ledger_open(&l, dir, 0, &damaged) == 0);
	EXPECT(l.relearn_backup && strcmp(l.relearn_backup, "/state/learned.json.bak") == 0);
	EXPECT(ledger_state(&l, hashes[0]) == LEDGER_DONE && l.done[JOB_ANALYSIS] == 1);
	EXPECT(ledger_state(&l, hashes[12]) == LEDGER_UNKNOWN);	/* analysis before R */
	ledger_close(&l);

	/*
	 * A --relearn straight after a start, with no other change since the
	 * snapshot: the entries it forgets are folded away, and its snapshot
	 * reads back.
	 */
	EXPECT(ledger_open(&l, dir, 1, &damaged) == 0);
	EXPECT(ledger_snapshot(&l) == 0 && ledger_cut(&l) == 0);
	ledger_close(&l);
	EXPECT(ledger_open(&l, dir, 1, &damaged) == 0);
	EXPECT(ledger_state(&l, hashes[0]) == LEDGER_DONE);
	EXPECT(ledger_relearn(&l, "") == 0);
	EXPECT(ledger_state(&l, hashes[0]) == LEDGER_UNKNOWN);
	look(&l, &want);
	EXPECT(ledger_snapshot(&l) == 0 && ledger_cut(&l) == 0);
	ledger_close(&l);
	same_after_open(&want, "a --relearn alone, then a compaction");

	/*
	 * Jobs on a cluster (S, X) across a compaction: an analysis submitted
	 * before a --relearn (its output void when it ends), one after it, and
	 * a training job whose sbatch never answered; their inputs stay held,
	 * their ids and flags come back, and an E after the compaction frees
	 * the inputs again.
	 */
	EXPECT(ledger_open(&l, dir, 1, &damaged) == 0);
	{
		int64_t first = l.next_job;
		struct ledger_submission *s;

		/* Unknown inputs, as the driver submits: the analysis before the last R, a lost job's. */
		EXPECT(ledger_state(&l, hashes[12]) == LEDGER_UNKNOWN &&
		    ledger_state(&l, hashes[13]) == LEDGER_UNKNOWN &&
		    ledger_state(&l, hashes[14]) == LEDGER_UNKNOWN &&
		    ledger_state(&l, hashes[19]) == LEDGER_UNKNOWN);

		EXPECT(ledger_submitted(&l, first, JOB_ANALYSIS, 2, &hashes[12],
		    &paths[12]) == 0);
		EXPECT(ledger_ext_id(&l, first, "4242") == 0);
		EXPECT(ledger_relearn(&l, "/state/learned.json.bak2") == 0);
		EXPECT(ledger_state(&l, hashes[12]) == LEDGER_SUBMITTED);
		EXPECT(ledger_submitted(&l, first + 1, JOB_ANALYSIS, 1, &hashes[14],
		    &paths[14]) == 0);
		EXPECT(ledger_ext_id(&l, first + 1, "4243_7") == 0);
		EXPECT(ledger_submitted(&l, first + 2, JOB_TRAINING, 1, &hashes[19],
		    &paths[19]) == 0);
		look(&l, &want);
		EXPECT(ledger_snapshot(&l) == 0 && ledger_cut(&l) == 0);
		ledger_close(&l);
		same_after_open(&want, "open submissions, then a compaction");
		EXPECT(ledger_open(&l, dir, 1, &damaged) == 0);
		EXPECT(l.n_submitted == 3 && l.next_job == first + 3);
		s = ledger_submission(&l, first);
		EXPECT(s && s->void_output && s->ext_id &&
		    strcmp(s->ext_id, "4242") == 0 && s->n_inputs == 2 &&
		    strcmp(s->paths[1], paths[13]) == 0);
		s = ledger_submission(&l, first + 1);
		EXPECT(s && !s->void_output && s->ext_id &&
		    strcmp(s->ext_id, "4243_7") == 0);
		s = ledger_submission(&l, first + 2);
		EXPECT(s && s->ext_id == NULL && s->kind == JOB_TRAINING);
		EXPECT(ledger_state(&l, hashes[13]) == LEDGER_SUBMITTED);
		EXPECT(ledger_state(&l, hashes[19]) == LEDGER_SUBMITTED);
		EXPECT(ledger_ended(&l, first) == 0 && ledger_ended(&l, first + 2) == 0);
		EXPECT(ledger_state(&l, hashes[13]) == LEDGER_UNKNOWN);
		EXPECT(ledger_state(&l, hashes[19]) == LEDGER_UNKNOWN);
		look(&l, &want);
		ledger_close(&l);
		same_after_open(&want, "submissions ended after a compaction");
	}

	free(tmp);
	free(snap);
	for (i = 0; i < INPUTS; i++)
		free(paths[i]);
	{
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return test_exit();
}
