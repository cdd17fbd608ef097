/*
 * replay_writer.h - write small StarCraft II replay files, for tests
 *
 * A builder collects a replay description and rw_write() turns it into a
 * .SC2Replay file: the 1024-byte MPQ user-data block holding the replay
 * header, then an MPQ archive made by StormLib with the members
 * replay.details (or replay.details.backup), replay.tracker.events,
 * replay.gamemetadata.json and replay.attributes.events (each player's
 * controller and commander, the game speed).  The values use the layouts of base build 93333
 * (5.0.14) down to fields nobody reads, whatever version is set, except
 * that UnitBorn follows the base build (see rw_unit_born).  As in real
 * files: the details playerList is an optional holding the array; a toon's
 * programId is a fourcc with the NULs in front (00 00 'S' '2'); the delta
 * before each tracker event is the smallest of the choices 0-3 (6, 14, 22,
 * 32 bits) that holds it.
 *
 * Errors while building (out of memory) are remembered by the builder and
 * reported by rw_write(), so the event calls return nothing.
 *
 * Link with -lstorm -lcjson (StormLib pulls in libbz2 and libz itself).
 */
#ifndef REPLAY_WRITER_H
#define REPLAY_WRITER_H

#include <stddef.h>
#include <stdint.h>

/* A details player list entry.  NULL strings are written as "". */
struct rw_player {
	const char *name;	/* raw: "&lt;TAG&gt;<sp/>Serral" */
	const char *race;	/* raw, may be localised: "테란" */
	int result;		/* 0 none, 1 win, 2 loss, 3 tie */
	int team_id;		/* 0-based */
	int control;		/* 2 human, 3 computer */
	int observe;		/* 0 player, else observer */
	int region;
	int realm;
	uint32_t toon_id;
	const char *program_id;	/* "S2"; NULL or "" (AI): four NULs */
	double apm;		/* < 0: not in gamemetadata */
	const char *commander;	/* co-op's, up to 4 bytes ("Kerr"); NULL none */
};

/*
 * Flags for rw_set_flags().  Members are single units, never encrypted,
 * bzip2 by default.  As in real files, a member that does not shrink
 * (small details, a short tracker) is stored as it is, with the compress
 * flag still set and compressed size = size; RW_STORED clears the flag.
 */
enum {
	RW_OMIT_TRACKER = 1,		/* no replay.tracker.events */
	RW_DETAILS_BACKUP_ONLY = 2,	/* replay.details.backup instead */
	RW_OMIT_GAMEMETADATA = 4,	/* no replay.gamemetadata.json */
	RW_ZLIB = 8,			/* zlib instead of bzip2 */
	RW_STORED = 16,			/* no compression at all */
	RW_MPQ_V1 = 32,			/* MPQ format v1, header 0x20 */
	RW_MPQ_V2 = 64,			/* v2, 0x2c (to 1.4); else v4 */
	RW_OMIT_ATTRIBUTES = 128	/* no replay.attributes.events */
};

struct rw_replay;

/* A new builder: version 5.0.14.93333 base 93333, empty map title, no
 * players, no events, flags 0.  NULL when out of memory. */
struct rw_replay *rw_new(void);
void rw_free(struct rw_replay *r);

void rw_set_version(struct rw_replay *r, int major, int minor, int revision,
    int build, int base_build);
void rw_set_map(struct rw_replay *r, const char *title);
/* Header elapsedGameLoops.  Unset, it is the loop of the last tracker event. */
void rw_set_loops(struct rw_replay *r, uint32_t elapsed_game_loops);
void rw_set_flags(struct rw_replay *r, unsigned flags);

/* Appends to the details player list; the strings are copied.
 * Returns the 1-based player id (the tracker's playerId), or -1. */
int rw_add_player(struct rw_replay *r, const struct rw_player *p);

/*
 * Tracker events, appended in file order.  loop is the absolute game loop;
 * the file stores the delta (loop - previous loop) mod 2^32, the first one
 * counted from 0, so a loop smaller than the previous one is written as a
 * wrap-around of the uint32 (e.g. 0xFFFFFFF0 then 0x10 is a delta of 0x20).
 * Nothing is added on its own: real files begin with a PlayerSetup per
 * player, call rw_player_setup() for that.  Positions (x, y) are made up
 * from the unit index.
 */

/* PlayerStats (0): food in fixed point, 4096 = one supply.  The other 37
 * stats fields get made-up values (resources, workers): real ones are not
 * all zero, which matters to compression. */
void rw_player_stats(struct rw_replay *r, uint32_t loop, int player,
    int64_t food_used_fixed, int64_t food_made_fixed);
/* UnitBorn (1).  creator_ability NULL writes an absent optional, "" an empty
 * one (as larvae have).  Base builds below 55505 have no creator fields at
 * all and ignore it. */
void rw_unit_born(struct rw_replay *r, uint32_t loop, int index, int recycle,
    const char *type, int control_player, int upkeep_player,
    const char *creator_ability);
/* UnitDied (2), with no killer. */
void rw_unit_died(struct rw_replay *r, uint32_t loop, int index, int recycle);
/* UnitOwnerChange (3). */
void rw_owner_change(struct rw_replay *r, uint32_t loop, int index,
    int recycle, int control_player, int upkeep_player);
/* UnitTypeChange (4). */
void rw_type_change(struct rw_replay *r, uint32_t loop, int index, int recycle,
    const char *new_type);
/* Upgrade (5). */
void rw_upgrade(struct rw_replay *r, uint32_t loop, int player,
    const char *upgrade, int count);
/* UnitInit (6); the upkeep player is the control player. */
void rw_unit_init(struct rw_replay *r, uint32_t loop, int index, int recycle,
    const char *type, int control_player);
/* UnitDone (7). */
void rw_unit_done(struct rw_replay *r, uint32_t loop, int index, int recycle);
/* UnitPositions (8), filler: n_units units, three varints each (index
 * delta, x, y) as real files have, starting at first_index. */
void rw_unit_positions(struct rw_replay *r, uint32_t loop, int first_index,
    int n_units);
/* PlayerSetup (9): type 1 user, 2 computer; user_id or slot_id < 0 writes
 * an absent optional.  Real files start with one per player at loop 0. */
void rw_player_setup(struct rw_replay *r, uint32_t loop, int player, int type,
    int user_id, int slot_id);

/* Appends bytes to the tracker member as they are, to make broken streams.
 * The next event's delta still counts from the last event's loop. */
void rw_tracker_raw(struct rw_replay *r, const void *data, size_t size);
/* Bytes of tracker events so far (the uncompressed member size). */
size_t rw_tracker_size(const struct rw_replay *r);

/* An extra member with the given content, copied, written after the
 * generated ones with the same compression.  A name equal to a generated
 * member replaces it (e.g. to give replay.details a damaged body). */
void rw_add_member(struct rw_replay *r, const char *name, const void *data,
    size_t size);

/* Writes the replay to path, replacing it.  A temporary archive is made in
 * $TMPDIR (or /tmp) and removed.  Returns 0, or -1 after a message on
 * stderr; no partial file is left at path. */
int rw_write(const struct rw_replay *r, const char *path);

#endif
