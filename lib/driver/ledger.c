/*
 * ledger.c - the driver's record of every input, keyed by content hash
 *
 * An append-only text file, one record a line:
 *   P <job> <analysis|training> <output> <md5> <hash,hash,...> <path>...
 *   M <job>
 *   L <job>                (its output was lost: its inputs run again)
 *   B <hash> <path> <reason>
 *   N <hash> <path> <reason>  (not an input at all: a model among the games)
 *   R <backup>             (--relearn: every analysis before it is void)
 *   S <job> <kind> <hash,hash,...> <path>...   (submitted to a scheduler)
 *   X <job> <the scheduler's id>   E <job>  (ledger_jobs.c)
 * (fields separated by tabs), each ending in a checksum field, '#' and the
 * first 8 hex digits of the MD5 of the record before that tab. A job's
 * inputs are done once its output is merged (P then M). After a crash, a
 * P without its M is merged again on restart: both merges are idempotent
 * (replays by content, candidates by their MD5), so nothing is counted
 * twice and nothing is redone. After an R, the analysis jobs before it are
 * void (inputs unknown again, outputs never merged); B and training stay.
 *
 * A crash can only cut the last record short (one write(2) a record):
 * that one is dropped. Damage anywhere else (a record whose checksum
 * fails, that is not shaped as written, or that lacks its checksum after
 * one that has it) would silently forget games and train them again, so
 * it stops the driver until `bgtrain status --repair` keeps what holds.
 * Ledgers written before checksums (none on any line) are read as they
 * are, and new records get checksums.
 *
 * This file, STATE/ledger.tsv, is the tail: every so often its records
 * are folded into STATE/ledger.snap and it starts again with a G record
 * naming its generation (ledger_snap.c), so that a start after a million
 * records reads a table and a few thousand lines, not a million.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "die.h"
#include "file.h"
#include "ledger.h"
#include "ledger_record.h"
#include "ledger_snap.h"
#include "path.h"
#include "strbuf.h"


/*
 * The changes since the snapshot are kept in a hash table (some 100 bytes
 * an input) until this many, then folded into the sorted table (17).
 */
#define FOLD_AT 65536
/* The tail is read this much at a time. */
#define TAIL_PIECE (1u << 20)

unsigned char
ledger_kind_bit(enum job_kind kind)
{
	return kind == JOB_TRAINING ? KIND_TRAINING : KIND_ANALYSIS;
}

void
ledger_raise(struct ledger *l, const char *hash, int state, unsigned char kind)
{
	unsigned char md5[16], old, now;

	if (md5_hex_bytes(hash, md5) < 0)
		return;		/* not an MD5: nothing any input could match */
	old = table_get(l, md5);
	now = (unsigned char)((old & KIND_BITS) | kind |
	    ((old & STATE_MASK) > state ? (old & STATE_MASK) : state));
	if (now == old)
		return;
	table_put(l, md5, now);
	if ((now & STATE_MASK) != (old & STATE_MASK))
		l->changes++;
	if (l->recent.n >= FOLD_AT)
		ledger_fold(l);
}

void
ledger_lower(struct ledger *l, const char *hash, int state)
{
	unsigned char md5[16], st;

	if (md5_hex_bytes(hash, md5) < 0)
		return;
	st = table_get(l, md5);
	if ((st & STATE_MASK) == state) {
		table_put(l, md5, (unsigned char)(st & KIND_BITS));
		l->changes++;
	}
}

int
ledger_state(const struct ledger *l, const char *hash)
{
	unsigned char md5[16];

	if (md5_hex_bytes(hash, md5) < 0)
		return LEDGER_UNKNOWN;
	return table_get(l, md5) & STATE_MASK;
}

struct ledger_job *
ledger_job(struct ledger *l, int64_t id)
{
	size_t i;

	for (i = l->n_jobs; i-- > 0;)
		if (l->jobs[i].id == id && l->jobs[i].merged != 2)
			return &l->jobs[i];
	return NULL;
}

static void
add_job(struct ledger *l, int64_t id, enum job_kind kind, const char *output,
	const char *md5, size_t n, char (*hashes)[MD5_HEX_SIZE], char *const *paths)
{
	struct ledger_job *j;

	/* What a submitted job produced: it no longer holds its inputs. */
	ledger_submission_close(l, id);
	if (l->n_jobs == l->cap_jobs) {
		l->cap_jobs = l->cap_jobs ? l->cap_jobs * 2 : 64;
		l->jobs = xreallocarray(l->jobs, l->cap_jobs, sizeof l->jobs[0]);
	}
	j = &l->jobs[l->n_jobs++];
	memset(j, 0, sizeof *j);
	j->id = id;
	j->kind = kind;
	j->output = xstrdup(output);
	snprintf(j->md5, sizeof j->md5, "%s", md5);
	j->n_inputs = n;
	j->replays = -1;
	ledger_keep_inputs(l, id, kind, n, hashes, paths, LEDGER_PRODUCED,
	    &j->hashes, &j->paths);
}

static void
mark_lost(struct ledger *l, struct ledger_job *j)
{
	size_t i;

	j->merged = -1;
	for (i = 0; i < j->n_inputs; i++)
		ledger_lower(l, j->hashes[i], LEDGER_PRODUCED);
}

static void
mark_merged(struct ledger *l, struct ledger_job *j)
{
	size_t i;

	j->merged = 1;
	l->done[j->kind] += j->n_inputs;
	for (i = 0; i < j->n_inputs; i++)
		ledger_raise(l, j->hashes[i], LEDGER_DONE, ledger_kind_bit(j->kind));
}

/*
 * While the records are replayed, a job merged or lost is needed no more
 * (its inputs' states are in the table): freed as it goes, so that a long
 * tail never holds every job in memory at once.
 */
static void
replayed_finished(struct ledger *l, struct ledger_job *j)
{
	ledger_free_job(j);
	j->merged = 2;		/* a hole, until the holes are dropped */
	if (++l->gone >= 1024 && l->gone * 2 >= l->n_jobs)
		ledger_drop_finished(l);
}

/*
 * R: the analysis jobs so far are void, their inputs unknown again (but
 * those found bad, and those a job on a cluster holds: its output is void
 * when it ends); backup is the old learned file.
 */
static void
forget_analysis(struct ledger *l, const char *backup)
{
	size_t i;

	for (i = 0; i < l->n_jobs; i++)
		if (l->jobs[i].kind == JOB_ANALYSIS && l->jobs[i].merged == 0)
			l->jobs[i].merged = -1;
	table_forget(l, KIND_ANALYSIS);
	ledger_submit_void_analysis(l);
	l->done[JOB_ANALYSIS] = 0;
	free(l->relearn_backup);
	l->relearn_backup = xstrdup(backup);
}

/* Split line at tabs in place; returns the number of fields (at most max). */
static size_t
split(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		f[n++] = line;
		/* The last field is the rest, tabs and all (a job's paths). */
		if (n == max || (line = strchr(line, '\t')) == NULL)
			break;
		*line++ = '\0';
	}
	return n;
}

/* What a B (bad) or N (no input at all) record says of a file. */
static void
note_file(struct ledger *l, char tag, const char *hash)
{
	if (tag == 'B') {
		ledger_raise(l, hash, LEDGER_BAD, 0);
		l->bad++;
	} else {
		ledger_raise(l, hash, LEDGER_NOT_INPUT, 0);
		l->not_inputs++;
	}
}

/*
 * One record's effect. counted: a P record that is new to the ledger (the
 * snapshot's open jobs were counted when their records first came).
 */
void
ledger_replay_line(struct ledger *l, char *line, int counted)
{
	char *f[8];
	size_t n;

	/* S's paths begin at its fifth field: the rest, tabs and all. */
	if (line[0] && strchr("SXE", line[0]) && line[1] == '\t') {
		ledger_submit_replay(l, f, split(line, f, 5));
		return;
	}
	n = split(line, f, 7);
	if (n >= 6 && strcmp(f[0], "P") == 0) {
		char **paths, (*hashes)[MD5_HEX_SIZE];
		size_t k = ledger_parse_inputs(f[5], n > 6 ? f[6] : NULL, &hashes,
		    &paths);

		add_job(l, strtoll(f[1], NULL, 10),
		    strcmp(f[2], job_kind_name(JOB_TRAINING)) == 0 ?
		    JOB_TRAINING : JOB_ANALYSIS,
		    f[3], f[4], k, hashes, paths);
		l->jobs_recorded += counted;
		free(hashes);
		free(paths);
	} else if (n >= 2 && strcmp(f[0], "M") == 0) {
		struct ledger_job *j = ledger_job(l, strtoll(f[1], NULL, 10));

		if (j && j->merged == 0) {
			mark_merged(l, j);
			replayed_finished(l, j);
		}
	} else if (n >= 2 && strcmp(f[0], "L") == 0) {
		struct ledger_job *j = ledger_job(l, strtoll(f[1], NULL, 10));

		if (j && !j->merged) {
			mark_lost(l, j);
			replayed_finished(l, j);
		}
	} else if (n >= 2 && (strcmp(f[0], "B") == 0 || strcmp(f[0], "N") == 0)) {
		note_file(l, f[0][0], f[1]);
	} else if (n >= 2 && strcmp(f[0], "R") == 0) {
		forget_analysis(l, f[1]);
	}
}

/* Where a replay of the tail stands, between the pieces it is read in. */
struct tail_replay {
	size_t lineno;
	int sums;		/* a line with a checksum was seen */
	int covered;		/* the snapshot holds this tail: stop */
	size_t whole;		/* bytes of whole lines so far */
};

/*
 * Replay the whole lines of text[0..len) (changed in place), the tail's
 * next piece, over what l holds (a snapshot, or nothing). A tail the
 * snapshot already holds (a compaction cut short, or a tail from before
 * the first one) sets r->covered: its records are not replayed again.
 * Returns how many bytes of whole lines it took, or -1 with errno
 * EBADMSG and *damaged.
 */
static long
replay_piece(struct ledger *l, struct tail_replay *r, char *text, size_t len,
	     size_t *damaged)
{
	char *line, *nl;

	for (line = text; !r->covered && (nl = memchr(line, '\n', len -
	    (size_t)(line - text))) != NULL; line = nl + 1) {
		*nl = '\0';
		r->lineno++;
		if (record_check(line, &r->sums) < 0 || (line[0] == 'G' && r->lineno > 1))
			goto damaged;
		if (line[0] == 'G' || (r->lineno == 1 && l->generation > 0)) {
			uint64_t g = line[0] == 'G' ? strtoull(line + 2, NULL, 10) : 0;

			/* Newer than the snapshot: the snapshot it follows is missing. */
			if (g > l->generation)
				goto damaged;
			r->covered = g < l->generation;
		} else {
			ledger_replay_line(l, line, 1);
		}
		r->whole += (size_t)(nl + 1 - line);
	}
	return (long)(line - text);
damaged:
	*damaged = r->lineno;
	errno = EBADMSG;
	return -1;
}

/* The replay is over: *whole is the length of the tail's whole lines. */
static void
replay_done(struct ledger *l, struct tail_replay *r, size_t *whole, int *covered)
{
	if (r->lineno == 0 && l->generation > 0)
		r->covered = 1;
	if (l->gone)
		ledger_drop_finished(l);
	l->tail_bytes = r->whole;
	*whole = r->whole;
	*covered = r->covered;
}

/*
 * The tail from fd, a piece at a time: a tail from before compaction can
 * be a hundred MB, and is never in memory whole. *len: its size.
 */
static int
replay_fd(struct ledger *l, int fd, size_t *len, size_t *whole, size_t *damaged,
	  int *covered)
{
	struct tail_replay r = { 0, 0, 0, 0 };
	size_t cap = TAIL_PIECE, have = 0;
	char *buf = xmalloc(cap + 1);
	ssize_t got;
	long took;

	*len = 0;
	for (;;) {
		if (have == cap) {	/* one line longer than a piece */
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		got = read(fd, buf + have, cap - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		have += (size_t)got;
		*len += (size_t)got;
		if ((took = replay_piece(l, &r, buf, have, damaged)) < 0) {
			free(buf);
			return -1;
		}
		memmove(buf, buf + took, have - (size_t)took);
		have -= (size_t)took;
	}
	free(buf);
	if (got < 0)
		return -1;
	replay_done(l, &r, whole, covered);
	return 0;
}

int
ledger_parse(struct ledger *l, char *text, size_t len, size_t *whole,
	     size_t *damaged)
{
	struct tail_replay r = { 0, 0, 0, 0 };
	int covered;

	memset(l, 0, sizeof *l);
	l->fd = -1;
	if (replay_piece(l, &r, text, len, damaged) < 0) {
		ledger_close(l);
		return -1;
	}
	replay_done(l, &r, whole, &covered);
	return 0;
}

int
ledger_open(struct ledger *l, const char *state_dir, int writable,
	    size_t *damaged)
{
	size_t len, keep;
	int fd, saved, covered;

	memset(l, 0, sizeof *l);
	l->fd = -1;
	l->path = path_join(state_dir, "ledger.tsv");
	l->snap_path = path_join(state_dir, SNAP_NAME);
	/* What a compaction killed mid-write left (under the driver's lock). */
	if (writable) {
		atomic_remove_stale(l->snap_path);
		atomic_remove_stale(l->path);
	}
	/*
	 * Our own file: a symbolic link there is refused (ELOOP), never
	 * followed. It is opened before the snapshot is read: a driver
	 * compacting meanwhile writes a snapshot that covers the tail this
	 * descriptor holds, never a tail past the snapshot read.
	 */
	fd = writable ? open(l->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0644) : open(l->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || ledger_load_snapshot(l, damaged) < 0 ||
	    replay_fd(l, fd, &len, &keep, damaged, &covered) < 0)
		goto fail;
	if (!writable) {
		close(fd);
		return 0;
	}
	l->fd = fd;
	fd = -1;
	if (covered ? ledger_cut(l) < 0 :
	    ((keep != len && (ftruncate(l->fd, (off_t)keep) < 0 ||
	    fsync(l->fd) < 0)) || lseek(l->fd, 0, SEEK_END) < 0))
		goto fail;
	if (ledger_maybe_compact(l) < 0)
		goto fail;
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	ledger_close(l);
	errno = saved;
	return -1;
}

void
ledger_close(struct ledger *l)
{
	size_t i;

	if (l->fd >= 0)
		close(l->fd);
	for (i = 0; i < l->n_jobs; i++)
		ledger_free_job(&l->jobs[i]);
	free(l->jobs);
	ledger_submit_free(l);
	hashmap_free(&l->recent);
	snap_free(l);
	free(l->relearn_backup);
	free(l->path);
	free(l->snap_path);
	memset(l, 0, sizeof *l);
	l->fd = -1;
}

/*
 * Write record (no newline yet) with its checksum, and fsync: whole or not
 * at all, so that a full disk leaves the ledger as it was.
 */
int
ledger_append(struct ledger *l, struct strbuf *record)
{
	char sum[RECORD_SUM_SIZE];

	record_sum(record->data, record->len, sum);
	sb_addc(record, '\t');
	sb_adds(record, sum);
	sb_addc(record, '\n');
	if (append_whole(l->fd, record->data, record->len, 1) < 0)
		return -1;
	l->tail_bytes += record->len;
	return 0;
}

int
ledger_produced(struct ledger *l, int64_t id, enum job_kind kind,
		const char *output, const char *md5, size_t n,
		char (*hashes)[MD5_HEX_SIZE], char *const *paths)
{
	struct strbuf sb = { 0 };
	int rc;

	ledger_p_record(&sb, id, kind, output, md5, n, hashes, paths);
	rc = ledger_append(l, &sb);
	sb_free(&sb);
	if (rc == 0) {
		add_job(l, id, kind, output, md5, n, hashes, paths);
		l->jobs_recorded++;
	}
	return rc;
}

/* Append a record of one field: M (merged) or L (lost) and a job, R and a path. */
static int
append_one(struct ledger *l, char tag, int64_t id, const char *field)
{
	struct strbuf sb = { 0 };
	int rc;

	sb_printf(&sb, "%c", tag);
	if (field)
		record_field(&sb, field);
	else
		sb_printf(&sb, "\t%lld", (long long)id);
	rc = ledger_append(l, &sb);
	sb_free(&sb);
	return rc;
}

int
ledger_merged(struct ledger *l, int64_t id)
{
	struct ledger_job *j;
	int rc = append_one(l, 'M', id, NULL);

	if (rc == 0 && (j = ledger_job(l, id)) != NULL)
		mark_merged(l, j);
	return rc;
}

int
ledger_lost(struct ledger *l, int64_t id)
{
	struct ledger_job *j;
	int rc = append_one(l, 'L', id, NULL);

	if (rc == 0 && (j = ledger_job(l, id)) != NULL && !j->merged)
		mark_lost(l, j);
	return rc;
}

int
ledger_relearn(struct ledger *l, const char *backup)
{
	int rc = append_one(l, 'R', 0, backup);

	if (rc == 0)
		forget_analysis(l, backup);
	return rc;
}

/* B or N: a file, by its hash and path, and why; then counted. */
static int
append_file_record(struct ledger *l, char tag, const char *hash,
		   const char *path, const char *reason)
{
	struct strbuf sb = { 0 };
	int rc;

	sb_printf(&sb, "%c\t%s", tag, hash);
	record_field(&sb, path);
	record_field(&sb, reason);
	rc = ledger_append(l, &sb);
	sb_free(&sb);
	if (rc == 0)
		note_file(l, tag, hash);
	return rc;
}

int
ledger_bad(struct ledger *l, const char *hash, const char *path,
	   const char *reason)
{
	return append_file_record(l, 'B', hash, path, reason);
}

int
ledger_not_input(struct ledger *l, const char *hash, const char *path,
		 const char *reason)
{
	return append_file_record(l, 'N', hash, path, reason);
}
