/* ledger_record.h - the ledger's lines: the shape of each record and its checksum */
#ifndef LEDGER_RECORD_H
#define LEDGER_RECORD_H

#include <stddef.h>

#include "strbuf.h"

/* A record's checksum field: '#', 8 hex digits of its MD5, and a NUL. */
#define RECORD_SUM_SIZE 10

/* The checksum field of line[0..len). */
void record_sum(const char *line, size_t len, char sum[RECORD_SUM_SIZE]);

/*
 * Check one whole line (no newline) and cut its checksum off: 0, or -1
 * when it is damaged. *sums says a line with a checksum was seen: from
 * then on, every line must have one.
 */
int record_check(char *line, int *sums);

/*
 * What ledger_repair() writes, from a ledger's text[0..len) (changed in
 * place): each line that holds, with its checksum, into out.
 */
void ledger_repair_text(char *text, size_t len, struct strbuf *out,
			size_t *kept, size_t *dropped);

#endif
