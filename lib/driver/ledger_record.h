/* ledger_record.h - the ledger's lines: the shape of each record and its checksum */
#ifndef LEDGER_RECORD_H
#define LEDGER_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "job.h"
#include "strbuf.h"

/* A record's checksum field: '#', 8 hex digits of its MD5, and a NUL. */
#define RECORD_SUM_SIZE 10

/* A tab and s, its tabs and newlines (which would break the record) as spaces. */
void record_field(struct strbuf *sb, const char *s);
/* "\t<hash>,<hash>...\t<path>\t<path>...": a job's inputs in a record. */
void record_inputs(struct strbuf *sb, size_t n, char (*hashes)[MD5_HEX_SIZE],
		   char *const *paths);
/* The S record of a job submitted to a scheduler, without its checksum. */
void ledger_s_record(struct strbuf *sb, int64_t id, enum job_kind kind, size_t n,
		     char (*hashes)[MD5_HEX_SIZE], char *const *paths);
/* The P record of a produced job, without its checksum. */
void ledger_p_record(struct strbuf *sb, int64_t id, enum job_kind kind,
		     const char *output, const char *md5, size_t n,
		     char (*hashes)[MD5_HEX_SIZE], char *const *paths);

/* The checksum field of line[0..len). */
void record_sum(const char *line, size_t len, char sum[RECORD_SUM_SIZE]);

/*
 * Check one whole line (no newline) and cut its checksum off: 0, or -1
 * when it is damaged. *sums says a line with a checksum was seen: from
 * then on, every line must have one.
 */
int record_check(char *line, int *sums);
/* A job number as the driver writes them (at most 18 digits). */
int record_is_job_id(const char *s);
/* The hashes of a comma-separated list, or 0 when one is no MD5. */
int record_hash_count(char *list);

/*
 * What ledger_repair() writes, from a ledger's text[0..len) (changed in
 * place): each line that holds, with its checksum, into out; but the tail's
 * generation (G), which ledger_repair() writes itself.
 */
void ledger_repair_text(char *text, size_t len, struct strbuf *out,
			size_t *kept, size_t *dropped);

#endif
