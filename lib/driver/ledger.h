/* ledger.h - the driver's record of every input, keyed by content hash */
#ifndef LEDGER_H
#define LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "hashmap.h"
#include "job.h"

/* A job whose output exists and is recorded, with the inputs it consumed. */
struct ledger_job {
	int64_t id;
	enum job_kind kind;
	char *output;			/* the summary or candidate file */
	char md5[MD5_HEX_SIZE];		/* of the output, when it was produced */
	size_t n_inputs;
	char (*hashes)[MD5_HEX_SIZE];
	char **paths;
	int merged;			/* 1 merged, -1 its output was lost or
					   --relearn left it behind */
	long long replays;		/* replays this run saw it read (a pack holds
					   many), for the statistics; not in the
					   file: -1, as many as its inputs */
};

/* One input in the snapshot's table: its MD5 and state (LEDGER_* | KIND_*). */
#define LEDGER_ENTRY_SIZE 17

/*
 * A job handed to a scheduler (--executor slurm) and not yet ended: what a
 * restarted driver looks for, so that it never submits an input twice
 * while a job for it may still run.
 */
struct ledger_submission {
	int64_t id;
	enum job_kind kind;
	size_t n_inputs;
	char (*hashes)[MD5_HEX_SIZE];
	char **paths;
	char *ext_id;			/* the scheduler's job id; NULL: the driver
					   died before the submission answered */
	int void_output;		/* an analysis --relearn left behind: when it
					   ends, its inputs run again */
};

struct ledger {
	int fd;				/* ledger.tsv, opened for appending */
	char *path;
	char *snap_path;		/* ledger.snap, the compacted rest */
	/*
	 * The produced jobs not yet merged or lost, and those the tail
	 * recorded since the last compaction (merged or not).
	 */
	struct ledger_job *jobs;
	size_t n_jobs, cap_jobs;
	/* Every input's state: the snapshot's sorted table, and over it... */
	unsigned char *snap;		/* the snapshot file as read or written */
	const unsigned char *table;	/* its entries, n_table of them, by MD5 */
	size_t n_table;
	uint32_t *buckets;		/* first entry of each top-16-bit prefix, 65537 */
	struct hashmap recent;		/* ...the changes since: 16-byte MD5 -> state */
	int table_holes;		/* the table has entries at state 0 (--relearn's), to fold away */
	int64_t next_job;
	size_t bad;			/* inputs recorded bad */
	size_t not_inputs;		/* files recorded as no input at all */
	size_t done[2];			/* inputs merged, by enum job_kind */
	size_t jobs_recorded;		/* produced jobs, all time */
	unsigned long changes;		/* counts the changes of any input's state */
	uint64_t generation;		/* of the tail; a snapshot covers the ones before its own */
	size_t tail_bytes;		/* of the tail, for compaction */
	size_t gone;			/* jobs merged or lost while replaying, to drop */
	char *relearn_backup;		/* the last R record's old learned file, or NULL */
	struct ledger_submission *submitted;	/* open submissions (S, not E or P) */
	size_t n_submitted;
};

/*
 * In rising order: an input's state only rises, but for a lost job's
 * inputs, --relearn and a submission that ended.
 */
enum { LEDGER_UNKNOWN = 0, LEDGER_SUBMITTED, LEDGER_PRODUCED, LEDGER_DONE,
	LEDGER_BAD, LEDGER_NOT_INPUT };

/*
 * Open the ledger of state_dir: its snapshot (ledger.snap, when there is
 * one) and the tail after it (ledger.tsv), replayed. Writable (the driver,
 * under its lock): created if missing, a last line that a crash cut short
 * is cut off, a compaction that a crash interrupted is finished, and a long
 * tail compacted. Read-only (status, beside a running driver): nothing is
 * changed. Returns 0, or -1 with errno set: EBADMSG for a damaged record,
 * whose line number is then in *damaged (0: the snapshot is damaged, or
 * missing while the tail says there is one).
 */
int ledger_open(struct ledger *l, const char *state_dir, int writable,
		size_t *damaged);
/*
 * What ledger_open() does with the file's bytes, from memory: replay
 * text[0..len) (changed in place) into l, not backed by a file (nothing
 * can be appended). *whole is the length of its whole lines, the rest a
 * torn last record. Returns 0, or -1 with errno EBADMSG and *damaged.
 */
int ledger_parse(struct ledger *l, char *text, size_t len, size_t *whole,
		 size_t *damaged);
/*
 * Rewrite state_dir/ledger.tsv with every record that holds (its checksum,
 * or an old record without one, well formed), each with its checksum; the
 * old file is kept as ledger.tsv.damaged when any was dropped. A snapshot
 * that does not check out is moved aside (ledger.snap.damaged,
 * *snapshot_damaged set): the tail then stands alone, and the inputs the
 * snapshot held are unknown again. Under the driver's lock. Returns 0, or
 * -1 with errno set.
 */
int ledger_repair(const char *state_dir, size_t *kept, size_t *dropped,
		  int *snapshot_damaged);
void ledger_close(struct ledger *l);

/* The recorded job id, or NULL (the newest first: they are looked up young). */
struct ledger_job *ledger_job(struct ledger *l, int64_t id);

/* What the ledger knows of an input. */
int ledger_state(const struct ledger *l, const char *hash);

/*
 * Compact when the tail has grown past a few MiB: the snapshot of every
 * state and of the jobs still open is written whole (temporary file, fsync,
 * rename), and only then the tail cut to a new one; a crash in between
 * leaves a tail the new snapshot covers, which the next open cuts. Call it
 * only where no struct ledger_job pointer is held: the merged jobs are
 * dropped from memory. Returns 0, or -1 with errno set (the ledger as it
 * was: nothing lost).
 */
int ledger_maybe_compact(struct ledger *l);
/* The two steps of a compaction, for the tests: 0, or -1 with errno set. */
int ledger_snapshot(struct ledger *l);
int ledger_cut(struct ledger *l);

/*
 * Each record is one line, written with one write(2) and fsync'ed before
 * the call returns, so that a crash loses at most the record being written;
 * a write that fails (a full disk) is cut off again: -1 with errno set,
 * and the ledger, in memory and on disk, as it was.
 */
int ledger_produced(struct ledger *l, int64_t id, enum job_kind kind,
		    const char *output, const char *md5, size_t n,
		    char (*hashes)[MD5_HEX_SIZE], char *const *paths);
int ledger_merged(struct ledger *l, int64_t id);
/*
 * --relearn (R): every analysis job recorded so far is void, and its
 * inputs unknown again; backup names where the old learned file is kept
 * ("" for none).
 */
int ledger_relearn(struct ledger *l, const char *backup);
/* A produced job whose output is gone: its inputs are unknown again. */
int ledger_lost(struct ledger *l, int64_t id);
int ledger_bad(struct ledger *l, const char *hash, const char *path,
	       const char *reason);
/* A file that is no input at all (N): never tried again, never counted bad. */
int ledger_not_input(struct ledger *l, const char *hash, const char *path,
		     const char *reason);

/*
 * Jobs run by a scheduler (ledger_jobs.c): S before the job is submitted
 * (its inputs are held until P or E), X with the scheduler's id once it
 * answered, and E when the job ended without producing anything (a P
 * with its number closes it as well: what it produced is landed).
 */
int ledger_submitted(struct ledger *l, int64_t id, enum job_kind kind, size_t n,
		     char (*hashes)[MD5_HEX_SIZE], char *const *paths);
int ledger_ext_id(struct ledger *l, int64_t id, const char *ext_id);
int ledger_ended(struct ledger *l, int64_t id);
/* The open submission id, or NULL. */
struct ledger_submission *ledger_submission(struct ledger *l, int64_t id);

/*
 * The record format's pieces that ledger.c and ledger_jobs.c share.
 */
struct strbuf;
int ledger_append(struct ledger *l, struct strbuf *record);
/* Raise hash's state (never lower it: done stays done), marked with kind_bits. */
void ledger_raise(struct ledger *l, const char *hash, int state,
		  unsigned char kind_bits);
/* hash is unknown again if its state is state (the kinds that took it kept). */
void ledger_lower(struct ledger *l, const char *hash, int state);
/* The mark of an input a job of kind took. */
unsigned char ledger_kind_bit(enum job_kind kind);
/*
 * Copies of a job's n inputs into *kept_hashes and *kept_paths, each raised
 * to state and marked as taken by a job of kind; next_job passes id.
 */
void ledger_keep_inputs(struct ledger *l, int64_t id, enum job_kind kind,
			size_t n, char (*hashes)[MD5_HEX_SIZE],
			char *const *paths, int state,
			char (**kept_hashes)[MD5_HEX_SIZE], char ***kept_paths);
void ledger_free_inputs(size_t n, char (*hashes)[MD5_HEX_SIZE], char **paths);
/* The inputs back from a record's hash field and the paths after it. */
size_t ledger_parse_inputs(char *hash_field, char *paths,
			   char (**hashes)[MD5_HEX_SIZE], char ***path_list);
/* S, X and E records: whether one is shaped as written; what it says. */
int ledger_submit_well_formed(char **f, size_t n, size_t tabs);
void ledger_submit_replay(struct ledger *l, char **f, size_t n);
/* A submission ended (E) or produced (P): its inputs are no longer held. */
void ledger_submission_close(struct ledger *l, int64_t id);
/* R: the open analysis submissions' outputs are void (they keep their inputs). */
void ledger_submit_void_analysis(struct ledger *l);
void ledger_submit_free(struct ledger *l);

#endif
