/*
 * ledger_snap.h - the compacted ledger, shared by ledger.c and ledger_snap.c
 *
 * Nothing else includes this: the rest of the driver sees struct ledger
 * and ledger.h's calls.
 */
#ifndef LEDGER_SNAP_H
#define LEDGER_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "ledger.h"
#include "strbuf.h"

/* An input's state byte: LEDGER_* below, and the kinds of job that took it. */
#define STATE_MASK 0x0f
#define KIND_ANALYSIS 0x10
#define KIND_TRAINING 0x20
#define KIND_BITS (KIND_ANALYSIS | KIND_TRAINING)

/* Our own files, read whole at each start; the bound only keeps sizes sane. */
#define LEDGER_LIMIT (SIZE_MAX < (1ull << 40) ? SIZE_MAX : (size_t)(1ull << 40))

/* The snapshot's name in the state folder. */
#define SNAP_NAME "ledger.snap"

/* The state byte of md5: the changes since the snapshot, else its table; 0 unknown. */
unsigned char table_get(const struct ledger *l, const unsigned char md5[16]);
/* md5's state byte is now state (a change since the snapshot). */
void table_put(struct ledger *l, const unsigned char md5[16], unsigned char state);
/* Every input a job of kind (KIND_*) took, produced or done, is unknown again. */
void table_forget(struct ledger *l, unsigned char kind);

/*
 * Take buf[0..size) (from malloc; l owns it from now on, whatever the
 * result) as l's snapshot: its counts and table into l, and where its
 * open jobs' P records are (*pending, *pending_len, lines each with a
 * checksum, for the caller to replay). Returns 0, or -1 when it is
 * damaged (l as it was).
 */
int snap_take(struct ledger *l, unsigned char *buf, size_t size,
	      char **pending, size_t *pending_len);
/*
 * A snapshot's bytes buf[0..size) (from malloc: l owns them, whatever the
 * result) into l, its open jobs replayed: 0, or -1 when it does not check
 * out (l may then hold part of it: close it).
 */
int ledger_snapshot_parse(struct ledger *l, unsigned char *buf, size_t size);
/*
 * The snapshot l->snap_path, if there is one, into l, and its open jobs
 * replayed. Returns 0 (none is no error), or -1 with errno set: EBADMSG
 * (*damaged 0) when it does not check out.
 */
int ledger_load_snapshot(struct ledger *l, size_t *damaged);
/*
 * One record's effect on l (its checksum cut off). counted: a P record new
 * to the ledger (the snapshot's open jobs were counted when they came).
 */
void ledger_replay_line(struct ledger *l, char *line, int counted);
/*
 * Fold the changes since the snapshot into its table, in memory: the hash
 * table of changes never grows past a bound while a long tail is replayed.
 */
void ledger_fold(struct ledger *l);
/* A recorded job's memory, freed (the struct zeroed). */
void ledger_free_job(struct ledger_job *j);
/* Free the jobs that are merged or lost, keeping the order of the rest. */
void ledger_drop_finished(struct ledger *l);
void snap_free(struct ledger *l);

#endif
