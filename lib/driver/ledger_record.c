/*
 * ledger_record.c - the ledger's lines: the shape of each record and its
 * checksum, and the repair that keeps the lines that hold (and sets the
 * tail after the snapshot there is)
 *
 * Apart from ledger.c's file and state so that a ledger's text can be
 * checked (and repaired) from memory: ledger_parse() and the fuzzer read
 * the same lines the driver reads.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "die.h"
#include "digest.h"
#include "file.h"
#include "ledger.h"
#include "ledger_record.h"
#include "ledger_snap.h"
#include "path.h"

/* Hex digits of a record's MD5 kept as its checksum: a torn or changed byte
 * goes unnoticed once in 4 billion. */
#define SUM_DIGITS (RECORD_SUM_SIZE - 2)

void
record_sum(const char *line, size_t len, char sum[RECORD_SUM_SIZE])
{
	char hex[MD5_HEX_SIZE];

	md5_hex((const uint8_t *)line, len, hex);
	sum[0] = '#';
	memcpy(sum + 1, hex, SUM_DIGITS);
	sum[SUM_DIGITS + 1] = '\0';
}

static int
all_of(const char *s, size_t n, const char *set)
{
	return n > 0 && strspn(s, set) == n;
}

/*
 * A job number as the driver writes them: digits, at most JOB_DIGITS of
 * them, so that the next number (and every one after it that a driver
 * could ever count to) fits in int64_t. A larger one is damage, never a
 * number to add 1 to.
 */
#define JOB_DIGITS 18

int
record_is_job_id(const char *s)
{
	size_t n = strlen(s);

	return n <= JOB_DIGITS && all_of(s, n, "0123456789");
}

static int
is_md5(const char *s)
{
	return strlen(s) == MD5_HEX_SIZE - 1 &&
	    all_of(s, MD5_HEX_SIZE - 1, "0123456789abcdef");
}

int
record_hash_count(char *list)
{
	char *h;
	size_t k = 0;

	while ((h = strsep(&list, ",")) != NULL) {
		if (!is_md5(h))
			return 0;
		k++;
	}
	return (int)k;
}

/* Whether a record (checksum removed) has the fields a writer writes. */
static int
well_formed(const char *record)
{
	char *copy = xstrdup(record), *f[8], *rest = copy, *h;
	size_t n = 0, tabs = 0, k = 0;
	int ok = 0;

	for (h = copy; *h; h++)
		tabs += *h == '\t';
	while (n < 6 && rest)
		f[n++] = strsep(&rest, "\t");
	if (n >= 2 && strlen(f[0]) == 1 && strchr("SXE", f[0][0]))
		ok = ledger_submit_well_formed(f, n, tabs);
	else if (n >= 2 && strlen(f[0]) == 1 && strchr("MLBNPRG", f[0][0]))
		switch (f[0][0]) {
		case 'M':
		case 'L':
		case 'G':	/* the tail's generation: digits, like a job's number */
			ok = tabs == 1 && record_is_job_id(f[1]);
			break;
		case 'R':
			ok = tabs == 1;	/* the old learned file's path, or "" */
			break;
		case 'B':
		case 'N':
			ok = tabs == 3 && is_md5(f[1]);
			break;
		case 'P':
			if (n < 6 || !record_is_job_id(f[1]) ||
			    (strcmp(f[2], "analysis") != 0 &&
			    strcmp(f[2], "training") != 0) || !is_md5(f[4]))
				break;
			/* One path for each hash, after the six fields. */
			k = (size_t)record_hash_count(f[5]);
			ok = k > 0 && tabs == 5 + k;
			break;
		}
	free(copy);
	return ok;
}

int
record_check(char *line, int *sums)
{
	char *tab = strrchr(line, '\t'), sum[RECORD_SUM_SIZE];

	if (tab && tab[1] == '#' && strlen(tab + 1) == SUM_DIGITS + 1) {
		record_sum(line, (size_t)(tab - line), sum);
		if (strcmp(sum, tab + 1) != 0)
			return -1;
		*tab = '\0';
		*sums = 1;
	} else if (*sums) {
		return -1;
	}
	return well_formed(line) ? 0 : -1;
}

/* Tabs and newlines in a path would break the record: spaces stand in. */
void
record_field(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '\t');
	for (; *s; s++)
		sb_addc(sb, *s == '\t' || *s == '\n' ? ' ' : *s);
}

void
record_inputs(struct strbuf *sb, size_t n, char (*hashes)[MD5_HEX_SIZE],
	      char *const *paths)
{
	size_t i;

	sb_addc(sb, '\t');
	for (i = 0; i < n; i++) {
		if (i)
			sb_addc(sb, ',');
		sb_adds(sb, hashes[i]);
	}
	for (i = 0; i < n; i++)
		record_field(sb, paths[i]);
}

void
ledger_p_record(struct strbuf *sb, int64_t id, enum job_kind kind,
		const char *output, const char *md5, size_t n,
		char (*hashes)[MD5_HEX_SIZE], char *const *paths)
{
	sb_printf(sb, "P\t%lld\t%s", (long long)id, job_kind_name(kind));
	record_field(sb, output);
	record_field(sb, md5);
	record_inputs(sb, n, hashes, paths);
}

void
ledger_s_record(struct strbuf *sb, int64_t id, enum job_kind kind, size_t n,
		char (*hashes)[MD5_HEX_SIZE], char *const *paths)
{
	sb_printf(sb, "S\t%lld\t%s", (long long)id, job_kind_name(kind));
	record_inputs(sb, n, hashes, paths);
}

void
ledger_repair_text(char *text, size_t len, struct strbuf *out, size_t *kept,
		   size_t *dropped)
{
	char *line, *nl, sum[RECORD_SUM_SIZE];
	int sums;

	*kept = *dropped = 0;
	for (line = text; line < text + len; line = nl + 1) {
		if ((nl = memchr(line, '\n', len - (size_t)(line - text))) == NULL) {
			(*dropped)++;	/* cut short by a crash */
			break;
		}
		*nl = '\0';
		/* Each line on its own: an old record without a checksum is kept. */
		sums = 0;
		if (record_check(line, &sums) < 0) {
			(*dropped)++;
			continue;
		}
		/* The generation is ledger_repair's to write, first. */
		if (line[0] == 'G')
			continue;
		record_sum(line, strlen(line), sum);
		sb_printf(out, "%s\t%s\n", line, sum);
		(*kept)++;
	}
}

/* Keep the old file beside the new one, under a name nothing else has. */
static int
keep_damaged(const char *path)
{
	char *kept_as = link_aside(path, ".damaged");

	free(kept_as);
	return kept_as ? 0 : -1;
}

/*
 * The generation the first line of text[0..len) names when it is a sound G
 * record, else -1 (a copy is checked: the text is left as it is).
 */
static long long
tail_generation(const char *text, size_t len)
{
	const char *nl = memchr(text, '\n', len);
	char *line;
	long long g = -1;
	int sums = 0;

	if (nl == NULL || len < 2 || text[0] != 'G')
		return -1;
	line = xmalloc((size_t)(nl - text) + 1);
	memcpy(line, text, (size_t)(nl - text));
	line[nl - text] = '\0';
	if (record_check(line, &sums) == 0)
		g = strtoll(line + 2, NULL, 10);
	free(line);
	return g;
}

int
ledger_repair(const char *state_dir, size_t *kept, size_t *dropped,
	      int *snapshot_damaged)
{
	char *path = path_join(state_dir, "ledger.tsv"), *text, sum[RECORD_SUM_SIZE];
	struct strbuf out = { 0 }, head = { 0 };
	struct ledger snap;
	size_t len, damaged;
	long long tail_g;
	int rc = -1;

	*kept = *dropped = 0;
	*snapshot_damaged = 0;
	memset(&snap, 0, sizeof snap);
	snap.fd = -1;
	snap.snap_path = path_join(state_dir, SNAP_NAME);
	/* A snapshot that does not check out is kept aside; the tail stands alone. */
	if (ledger_load_snapshot(&snap, &damaged) < 0) {
		if (errno != EBADMSG || keep_damaged(snap.snap_path) < 0 ||
		    unlink(snap.snap_path) < 0)
			goto done;
		*snapshot_damaged = 1;
		ledger_close(&snap);
		memset(&snap, 0, sizeof snap);
		snap.fd = -1;
	}
	if ((text = file_read(path, LEDGER_LIMIT, &len)) == NULL)
		goto done;
	tail_g = tail_generation(text, len);
	ledger_repair_text(text, len, &out, kept, dropped);
	free(text);
	/*
	 * The tail follows the snapshot there is: one it covers holds nothing
	 * the snapshot lacks; one that names none (its G record damaged) or a
	 * later one (the snapshot lost) keeps its records.
	 */
	if (snap.generation > 0) {
		sb_printf(&head, "G\t%llu", (unsigned long long)snap.generation);
		record_sum(head.data, head.len, sum);
		sb_printf(&head, "\t%s\n", sum);
		if (tail_g >= 0 && (unsigned long long)tail_g < snap.generation)
			out.len = 0;
		if (out.len)
			sb_add(&head, out.data, out.len);
	} else if (out.len) {
		sb_add(&head, out.data, out.len);
	}
	if (*dropped && keep_damaged(path) < 0)
		goto done;
	rc = atomic_write(path, head.data ? head.data : "", head.len);
done:
	ledger_close(&snap);
	sb_free(&out);
	sb_free(&head);
	free(path);
	return rc;
}
