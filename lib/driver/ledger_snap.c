/*
 * ledger_snap.c - the compacted ledger: every input's state in one sorted
 * table, written whole, and the tail of records after it
 *
 * An append-only ledger grows with every job for as long as the driver
 * runs, and was read whole at every start into a hash table of every input
 * ever seen: after a million records, seconds and hundreds of MB. So the
 * records are folded now and then into a snapshot, STATE/ledger.snap: the
 * counts, one 17-byte entry per input (its MD5, its state and the kinds of
 * job that took it) sorted by MD5, the P records of the jobs not yet merged,
 * and an MD5 of the whole. It is read into memory as it is (the table is
 * searched where it lies, through an index of the MD5s' first 16 bits),
 * and the tail's changes sit over it in a small hash table until the next
 * compaction folds them in.
 *
 * Exactly once across a crash: the tail's first record names its
 * generation (G), and a snapshot covers the tails before its own. A
 * compaction writes the snapshot of generation g+1 whole (temporary file,
 * fsync, rename, fsync of the folder) before it replaces the tail with an
 * empty one of generation g+1 (the same way). A crash between the two
 * leaves the old tail beside a snapshot that covers it: the next open
 * skips its records (nothing counted twice) and cuts it (nothing lost:
 * the snapshot has them all).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "die.h"
#include "file.h"
#include "ledger.h"
#include "ledger_record.h"
#include "ledger_snap.h"

static const char snap_magic[8] = "BGTLEDG\1";
/* The snapshot is in host order: one from another kind of machine fails here. */
#define SNAP_ORDER 0x01020304u
#define SNAP_HEAD 88
#define SNAP_SUM 16
#define BUCKETS 65536
/* A tail this long is folded into the snapshot: its replay stays a few ms. */
#define COMPACT_BYTES (4u << 20)

static unsigned
prefix(const unsigned char *md5)
{
	return (unsigned)md5[0] << 8 | md5[1];
}

/* The table's entry for md5, or NULL. */
static const unsigned char *
table_find(const struct ledger *l, const unsigned char md5[16])
{
	size_t lo, hi;

	if (l->n_table == 0)
		return NULL;
	lo = l->buckets[prefix(md5)];
	hi = l->buckets[prefix(md5) + 1];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const unsigned char *e = l->table + mid * LEDGER_ENTRY_SIZE;
		int c = memcmp(e, md5, 16);

		if (c == 0)
			return e;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

unsigned char
table_get(const struct ledger *l, const unsigned char md5[16])
{
	const unsigned char *e;
	size_t *v = hashmap_get(&l->recent, md5, 16);

	if (v)
		return (unsigned char)*v;
	e = table_find(l, md5);
	return e ? e[16] : 0;
}

void
table_put(struct ledger *l, const unsigned char md5[16], unsigned char state)
{
	*hashmap_put(&l->recent, md5, 16, NULL) = state;
}

/*
 * Whether --relearn forgets an input in state st: one a job of kind took,
 * produced or done; not one found bad, nor one a job on a cluster still
 * holds (its output is void when it ends).
 */
static int
forgotten(unsigned char st, unsigned char kind)
{
	unsigned state = st & STATE_MASK;

	return (st & kind) && state <= LEDGER_DONE && state != LEDGER_UNKNOWN &&
	    state != LEDGER_SUBMITTED;
}

void
table_forget(struct ledger *l, unsigned char kind)
{
	unsigned char *table = (unsigned char *)l->table;
	size_t i;

	/* Left in the table at state 0 until the next fold drops them. */
	for (i = 0; i < l->n_table; i++) {
		unsigned char *st = table + i * LEDGER_ENTRY_SIZE + 16;

		if (forgotten(*st, kind)) {
			*st &= KIND_BITS;
			l->changes++;
			l->table_holes = 1;
		}
	}
	for (i = 0; i < l->recent.n; i++) {
		size_t *v = &l->recent.entries[i].value;

		if (forgotten((unsigned char)*v, kind)) {
			*v &= KIND_BITS;
			l->changes++;
		}
	}
}

static void
build_buckets(struct ledger *l)
{
	size_t i = 0;
	unsigned p;

	free(l->buckets);
	l->buckets = xcalloc(BUCKETS + 1, sizeof l->buckets[0]);
	for (p = 0; p <= BUCKETS; p++) {
		while (i < l->n_table && prefix(l->table + i * LEDGER_ENTRY_SIZE) < p)
			i++;
		l->buckets[p] = (uint32_t)i;
	}
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

static void
put64(unsigned char *p, uint64_t x)
{
	memcpy(p, &x, 8);
}

void
snap_free(struct ledger *l)
{
	free(l->snap);
	free(l->buckets);
	l->snap = NULL;
	l->buckets = NULL;
	l->table = NULL;
	l->n_table = 0;
}

int
snap_take(struct ledger *l, unsigned char *buf, size_t size, char **pending,
	  size_t *pending_len)
{
	unsigned char sum[16];
	uint32_t order, entry;
	uint64_t n, plen, i;

	if (size < SNAP_HEAD + SNAP_SUM || memcmp(buf, snap_magic, 8) != 0)
		goto damaged;
	memcpy(&order, buf + 8, 4);
	memcpy(&entry, buf + 12, 4);
	n = get64(buf + 72);
	plen = get64(buf + 80);
	if (order != SNAP_ORDER || entry != LEDGER_ENTRY_SIZE ||
	    n > (size - SNAP_HEAD - SNAP_SUM) / LEDGER_ENTRY_SIZE ||
	    plen != size - SNAP_HEAD - SNAP_SUM - n * LEDGER_ENTRY_SIZE ||
	    n > UINT32_MAX)
		goto damaged;
	md5_raw(buf, size - SNAP_SUM, sum);
	if (memcmp(sum, buf + size - SNAP_SUM, SNAP_SUM) != 0)
		goto damaged;
	/* Sorted, each once, each state one the writer writes. */
	for (i = 0; i < n; i++) {
		const unsigned char *e = buf + SNAP_HEAD + i * LEDGER_ENTRY_SIZE;
		unsigned st = e[16] & STATE_MASK;

		if (st < LEDGER_SUBMITTED || st > LEDGER_NOT_INPUT ||
		    (e[16] & ~(STATE_MASK | KIND_BITS)) ||
		    (i > 0 && memcmp(e - LEDGER_ENTRY_SIZE, e, 16) >= 0))
			goto damaged;
	}
	snap_free(l);
	l->snap = buf;
	l->generation = get64(buf + 16);
	l->next_job = (int64_t)get64(buf + 24);
	l->bad = (size_t)get64(buf + 32);
	l->not_inputs = (size_t)get64(buf + 40);
	l->done[JOB_ANALYSIS] = (size_t)get64(buf + 48);
	l->done[JOB_TRAINING] = (size_t)get64(buf + 56);
	l->jobs_recorded = (size_t)get64(buf + 64);
	l->table = buf + SNAP_HEAD;
	l->n_table = (size_t)n;
	build_buckets(l);
	*pending = (char *)buf + SNAP_HEAD + n * LEDGER_ENTRY_SIZE;
	*pending_len = (size_t)plen;
	return 0;
damaged:
	free(buf);
	return -1;
}

/*
 * The snapshot, if there is one, into l, and its open jobs replayed.
 * Returns 0 (none is no error), or -1 with errno set: EBADMSG (*damaged
 * 0) when it does not check out.
 */
int
ledger_snapshot_parse(struct ledger *l, unsigned char *buf, size_t size)
{
	char *in, *pending, *line, *nl;
	size_t len;
	int sums = 1, rc = -1;

	if (snap_take(l, buf, size, &in, &len) < 0)
		return -1;
	/* A copy: replaying may fold the table, and free what holds it. */
	pending = xmalloc(len + 1);
	memcpy(pending, in, len);
	for (line = pending; (nl = memchr(line, '\n', len - (size_t)(line - pending))) !=
	    NULL; line = nl + 1) {
		*nl = '\0';
		if (!strchr("PRSX", line[0]) || record_check(line, &sums) < 0)
			goto done;
		if (line[0] == 'R') {
			/* Its effect on the table is in the table; on the submissions before it, not. */
			free(l->relearn_backup);
			l->relearn_backup = xstrdup(line + 2);
			ledger_submit_void_analysis(l);
		} else {
			ledger_replay_line(l, line, 0);
		}
	}
	rc = line == pending + len ? 0 : -1;
done:
	free(pending);
	return rc;
}

int
ledger_load_snapshot(struct ledger *l, size_t *damaged)
{
	unsigned char *buf;
	size_t size;
	int fd;

	if ((fd = open(l->snap_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno == ENOENT ? 0 : -1;
	buf = (unsigned char *)file_read_fd(fd, LEDGER_LIMIT, &size);
	close(fd);
	if (buf == NULL)
		return -1;
	if (ledger_snapshot_parse(l, buf, size) < 0) {
		*damaged = 0;
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

static int
compare_entry(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* The changes since the snapshot, as sorted entries; how many. */
static unsigned char *
recent_entries(const struct ledger *l, size_t *n)
{
	unsigned char *v = xcalloc(l->recent.n ? l->recent.n : 1, LEDGER_ENTRY_SIZE);
	size_t i;

	for (i = 0; i < l->recent.n; i++) {
		memcpy(v + i * LEDGER_ENTRY_SIZE, hashmap_key(&l->recent, i), 16);
		v[i * LEDGER_ENTRY_SIZE + 16] = (unsigned char)l->recent.entries[i].value;
	}
	qsort(v, l->recent.n, LEDGER_ENTRY_SIZE, compare_entry);
	*n = l->recent.n;
	return v;
}

/*
 * The table and the changes, merged into out (the changes win); inputs
 * whose state fell back to unknown (a lost job's) are left out. Returns
 * how many entries.
 */
static size_t
merge_tables(const struct ledger *l, const unsigned char *recent, size_t n_recent,
	     unsigned char *out)
{
	size_t i = 0, j = 0, n = 0;

	while (i < l->n_table || j < n_recent) {
		const unsigned char *a = i < l->n_table ? l->table + i * LEDGER_ENTRY_SIZE : NULL;
		const unsigned char *b = j < n_recent ? recent + j * LEDGER_ENTRY_SIZE : NULL;
		const unsigned char *e;
		int c = a == NULL ? 1 : b == NULL ? -1 : memcmp(a, b, 16);

		if (c < 0) {
			e = a;
			i++;
		} else {
			e = b;
			j++;
			i += c == 0;
		}
		if ((e[16] & STATE_MASK) == 0)
			continue;
		memcpy(out + n++ * LEDGER_ENTRY_SIZE, e, LEDGER_ENTRY_SIZE);
	}
	return n;
}

void
ledger_free_job(struct ledger_job *j)
{
	size_t k;

	for (k = 0; k < j->n_inputs; k++)
		free(j->paths[k]);
	free(j->paths);
	free(j->hashes);
	free(j->output);
	memset(j, 0, sizeof *j);
}

void
ledger_drop_finished(struct ledger *l)
{
	size_t i, k;

	for (i = k = 0; i < l->n_jobs; i++)
		if (l->jobs[i].merged)
			ledger_free_job(&l->jobs[i]);
		else
			l->jobs[k++] = l->jobs[i];
	l->n_jobs = k;
	l->gone = 0;
}

void
ledger_fold(struct ledger *l)
{
	unsigned char *recent, *out;
	size_t n_recent, n;

	/* Entries a --relearn left at state 0 must go too: a snapshot never holds one. */
	if (l->recent.n == 0 && !l->table_holes)
		return;
	l->table_holes = 0;
	recent = recent_entries(l, &n_recent);
	out = xmalloc((l->n_table + n_recent) * LEDGER_ENTRY_SIZE + 1);
	n = merge_tables(l, recent, n_recent, out);
	free(recent);
	snap_free(l);
	l->snap = out;		/* the table alone now: the file is not kept */
	l->table = out;
	l->n_table = n;
	build_buckets(l);
	hashmap_free(&l->recent);
}

/* rec and its checksum, a line of out; rec is emptied. */
static void
add_record(struct strbuf *out, struct strbuf *rec)
{
	char sum[RECORD_SUM_SIZE];

	record_sum(rec->data, rec->len, sum);
	sb_printf(out, "%s\t%s\n", rec->data, sum);
	sb_reset(rec);
}

/* The S records (and X, once the scheduler answered) of the submissions whose output is void or not. */
static void
open_submissions(const struct ledger *l, int void_output, struct strbuf *out)
{
	struct strbuf rec = { 0 };
	size_t i;

	for (i = 0; i < l->n_submitted; i++) {
		const struct ledger_submission *s = &l->submitted[i];

		if (!s->void_output != !void_output)
			continue;
		ledger_s_record(&rec, s->id, s->kind, s->n_inputs, s->hashes,
		    s->paths);
		add_record(out, &rec);
		if (s->ext_id) {
			sb_printf(&rec, "X\t%lld\t%s", (long long)s->id, s->ext_id);
			add_record(out, &rec);
		}
	}
	sb_free(&rec);
}

/*
 * The records the table cannot hold, each with its checksum: the jobs on
 * a cluster whose output the last --relearn made void, its R (only what
 * it names: its effect is in the table), the other jobs on a cluster, and
 * the P records of the jobs produced and still open.
 */
static void
open_jobs(const struct ledger *l, struct strbuf *out)
{
	struct strbuf rec = { 0 };
	size_t i;

	open_submissions(l, 1, out);
	if (l->relearn_backup) {
		sb_adds(&rec, "R");
		record_field(&rec, l->relearn_backup);
		add_record(out, &rec);
	}
	open_submissions(l, 0, out);

	for (i = 0; i < l->n_jobs; i++) {
		const struct ledger_job *j = &l->jobs[i];

		if (j->merged)
			continue;
		ledger_p_record(&rec, j->id, j->kind, j->output, j->md5, j->n_inputs,
		    j->hashes, j->paths);
		add_record(out, &rec);
	}
	sb_free(&rec);
}

int
ledger_snapshot(struct ledger *l)
{
	struct strbuf pending = { 0 };
	struct atomic_file af;
	struct md5_part parts[3];
	unsigned char head[SNAP_HEAD], sum[SNAP_SUM];
	uint32_t order = SNAP_ORDER, entry = LEDGER_ENTRY_SIZE;
	char hex[MD5_HEX_SIZE];
	int saved;

	/* Written from the table as it lies: no second copy of a large one. */
	ledger_fold(l);
	open_jobs(l, &pending);
	memcpy(head, snap_magic, 8);
	memcpy(head + 8, &order, 4);
	memcpy(head + 12, &entry, 4);
	put64(head + 16, l->generation + 1);
	put64(head + 24, (uint64_t)l->next_job);
	put64(head + 32, l->bad);
	put64(head + 40, l->not_inputs);
	put64(head + 48, l->done[JOB_ANALYSIS]);
	put64(head + 56, l->done[JOB_TRAINING]);
	put64(head + 64, l->jobs_recorded);
	put64(head + 72, l->n_table);
	put64(head + 80, pending.len);
	parts[0].data = head;
	parts[0].size = SNAP_HEAD;
	parts[1].data = l->n_table ? l->table : head;
	parts[1].size = l->n_table * LEDGER_ENTRY_SIZE;
	parts[2].data = pending.len ? pending.data : "";
	parts[2].size = pending.len;
	md5_parts_hex(parts, 3, hex);
	md5_hex_bytes(hex, sum);
	if (atomic_open(&af, l->snap_path) < 0)
		goto fail;
	if (fwrite(head, 1, SNAP_HEAD, af.f) != SNAP_HEAD ||
	    fwrite(parts[1].data, 1, parts[1].size, af.f) != parts[1].size ||
	    fwrite(parts[2].data, 1, parts[2].size, af.f) != parts[2].size ||
	    fwrite(sum, 1, SNAP_SUM, af.f) != SNAP_SUM) {
		saved = errno;
		atomic_abort(&af);
		errno = saved;
		goto fail;
	}
	if (atomic_commit(&af) < 0)
		goto fail;
	sb_free(&pending);
	/* From now on the tail on disk is covered: ledger_cut() must follow. */
	l->generation++;
	ledger_drop_finished(l);
	return 0;
fail:
	saved = errno;
	sb_free(&pending);
	errno = saved;
	return -1;
}

int
ledger_cut(struct ledger *l)
{
	struct strbuf sb = { 0 };
	char sum[RECORD_SUM_SIZE];
	int fd = -1, saved;

	sb_printf(&sb, "G\t%llu", (unsigned long long)l->generation);
	record_sum(sb.data, sb.len, sum);
	sb_printf(&sb, "\t%s\n", sum);
	if (atomic_write(l->path, sb.data, sb.len) == 0 &&
	    (fd = open(l->path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) >= 0 &&
	    lseek(fd, 0, SEEK_END) >= 0) {
		if (l->fd >= 0)
			close(l->fd);
		l->fd = fd;
		l->tail_bytes = sb.len;
		sb_free(&sb);
		return 0;
	}
	/*
	 * The tail on disk is covered by the snapshot: a record appended to
	 * it would be skipped at the next start. None will be: the driver
	 * stops on the failed write, and the next open cuts the tail.
	 */
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	sb_free(&sb);
	errno = saved;
	return -1;
}

int
ledger_maybe_compact(struct ledger *l)
{
	if (l->fd < 0 || l->tail_bytes < COMPACT_BYTES)
		return 0;
	if (ledger_snapshot(l) < 0)
		return -1;
	return ledger_cut(l);
}
