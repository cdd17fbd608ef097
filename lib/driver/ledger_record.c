/*
 * ledger_record.c - the ledger's lines: the shape of each record and its
 * checksum, and the repair that keeps the lines that hold
 *
 * Apart from ledger.c's file and state so that a ledger's text can be
 * checked (and repaired) from memory: ledger_parse() and the fuzzer read
 * the same lines the driver reads.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "digest.h"
#include "ledger.h"
#include "ledger_record.h"

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

static int
is_job_id(const char *s)
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
	if (n >= 2 && strlen(f[0]) == 1 && strchr("MLBNP", f[0][0]))
		switch (f[0][0]) {
		case 'M':
		case 'L':
			ok = tabs == 1 && is_job_id(f[1]);
			break;
		case 'B':
		case 'N':
			ok = tabs == 3 && is_md5(f[1]);
			break;
		case 'P':
			if (n < 6 || !is_job_id(f[1]) ||
			    (strcmp(f[2], "analysis") != 0 &&
			    strcmp(f[2], "training") != 0) || !is_md5(f[4]))
				break;
			ok = 1;
			for (rest = f[5]; ok && (h = strsep(&rest, ",")) != NULL; k++)
				ok = is_md5(h);
			/* One path for each hash, after the six fields. */
			ok = ok && tabs == 5 + k;
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
		record_sum(line, strlen(line), sum);
		sb_printf(out, "%s\t%s\n", line, sum);
		(*kept)++;
	}
}
