/*
 * protocol.h - the facts of the replay format: tags, ids and constants
 *
 * Everything the suite knows about how StarCraft II writes a replay is
 * here and nowhere else, as s2protocol keeps its protocol tables apart from
 * its decoder: the MPQ container's magic numbers and flags, the member
 * names, the type bytes of the "versioned" encoding, the event ids and
 * field tags of the header, details and tracker events, and the game's
 * fixed points and speed. The logic (mpq.c, versioned.c, replay.c,
 * tracker.c, buildorder.c, learned*.c) only names them. Field tags are
 * stable across builds (later builds only add tags), so one table serves
 * every build from 2.0.8 on: see specs/build-orders.md.
 */
#ifndef PROTOCOL_H
#define PROTOCOL_H

/* ---- the MPQ container ---- */

#define MPQ_USER_DATA_MAGIC	0x1b51504dU	/* "MPQ\x1b", little-endian */
#define MPQ_ARCHIVE_MAGIC	0x1a51504dU	/* "MPQ\x1a" */

/* Block table flags. */
#define MPQ_BLOCK_IMPLODE	0x00000100U
#define MPQ_BLOCK_COMPRESS	0x00000200U
#define MPQ_BLOCK_ENCRYPTED	0x00010000U
#define MPQ_BLOCK_SINGLE_UNIT	0x01000000U
#define MPQ_BLOCK_SECTOR_CRC	0x04000000U
#define MPQ_BLOCK_EXISTS	0x80000000U

/* Hash table entries that hold no member. */
/* The largest team id a replay's details may hold (real ones: 0 to 15). */
#define REPLAY_MAX_TEAM		255

/* deflate's largest ratio of output to input bytes (zlib's technical notes). */
#define DEFLATE_MAX_RATIO	1032

/* Hash and block table entries: four 32-bit words. */
#define MPQ_TABLE_ENTRY_SIZE	16

#define MPQ_HASH_EMPTY		0xffffffffU
#define MPQ_HASH_DELETED	0xfffffffeU

/* The first byte of a compressed unit names its method. */
#define MPQ_UNIT_ZLIB		0x02
#define MPQ_UNIT_BZIP2		0x10

/* The members read. */
#define MEMBER_DETAILS		"replay.details"
#define MEMBER_DETAILS_BACKUP	"replay.details.backup"
#define MEMBER_TRACKER		"replay.tracker.events"
#define MEMBER_GAMEMETADATA	"replay.gamemetadata.json"
#define MEMBER_ATTRIBUTES	"replay.attributes.events"
/* A member not read here (bit-packed), which the MPQ reader still opens. */
#define MEMBER_INITDATA		"replay.initData"

/* ---- the "versioned" encoding: the type byte before each value ---- */

enum vtype {
	V_ARRAY = 0, V_BITARRAY = 1, V_BLOB = 2, V_CHOICE = 3, V_OPTIONAL = 4,
	V_STRUCT = 5, V_U8 = 6, V_U32 = 7, V_U64 = 8, V_INT = 9
};

/* ---- field tags of the header and replay.details ---- */

enum header_tag { HEADER_VERSION = 1, HEADER_LOOPS = 3 };
enum version_tag {
	VERSION_MAJOR = 1, VERSION_MINOR = 2, VERSION_REVISION = 3,
	VERSION_BUILD = 4, VERSION_BASE_BUILD = 5
};
enum details_tag { DETAILS_PLAYERS = 0, DETAILS_TITLE = 1 };
enum player_tag {
	PLAYER_NAME = 0, PLAYER_TOON = 1, PLAYER_RACE = 2, PLAYER_CONTROL = 4,
	PLAYER_TEAM = 5, PLAYER_OBSERVE = 7, PLAYER_RESULT = 8
};
enum toon_tag { TOON_REGION = 0, TOON_PROGRAM = 1, TOON_REALM = 2, TOON_ID = 4 };

/* A player's control field, and result field. */
enum player_control { CONTROL_HUMAN = 2, CONTROL_COMPUTER = 3 };
enum player_result { RESULT_NONE = 0, RESULT_WIN = 1, RESULT_LOSS = 2,
	RESULT_TIE = 3 };

/*
 * ---- replay.attributes.events: the lobby's settings ----
 *
 * No versioned encoding but a fixed little-endian layout (s2protocol's
 * decode_replay_attributes_events): a header of a u8 source, a u32 map
 * namespace and a u32 record count, then the records, each a u32 namespace,
 * a u32 attribute id, a u8 scope and four value bytes, which hold text
 * backwards, padded with NULs ("Kerr" is stored as "rreK"). Scopes 1 to 15
 * are the lobby's slots, 16 the whole game.
 */
#define ATTR_HEADER_SIZE	9
#define ATTR_COUNT_OFFSET	5
#define ATTR_RECORD_SIZE	13
#define ATTR_ID_OFFSET		4
#define ATTR_SCOPE_OFFSET	8
#define ATTR_VALUE_OFFSET	9
#define ATTR_VALUE_SIZE		4
#define ATTR_SCOPE_GLOBAL	16
/* The slot's commander in Co-op Missions (e.g. "Kerr", "Rayn"); empty otherwise. */
#define ATTR_COMMANDER		3013

/* ---- replay.tracker.events ---- */

enum tracker_event_id {
	EV_PLAYER_STATS = 0, EV_UNIT_BORN = 1, EV_UNIT_DIED = 2,
	EV_UNIT_OWNER_CHANGE = 3, EV_UNIT_TYPE_CHANGE = 4, EV_UPGRADE = 5,
	EV_UNIT_INIT = 6, EV_UNIT_DONE = 7, EV_UNIT_POSITIONS = 8,
	EV_PLAYER_SETUP = 9
};

/* PlayerStats (0): the player, and the stats struct with the food fields. */
enum stats_tag { STATS_PLAYER = 0, STATS_BODY = 1 };
enum stats_body_tag { STATS_FOOD_USED = 29, STATS_FOOD_MADE = 30 };

/* UnitBorn (1), UnitTypeChange (4), UnitInit (6), UnitDone (7) share these. */
enum unit_tag {
	UNIT_INDEX = 0, UNIT_RECYCLE = 1, UNIT_TYPE = 2, UNIT_CONTROL = 3,
	UNIT_UPKEEP = 4, BORN_CREATOR_ABILITY = 9
};

/* Upgrade (5). */
enum upgrade_tag { UPGRADE_PLAYER = 0, UPGRADE_NAME = 1, UPGRADE_COUNT = 2 };

/* UnitBorn has its creator fields (tags 7-9) from this base build on. */
#define BORN_CREATOR_BASE_BUILD	55505

/* A unit tag is index << 18 | recycle. */
#define UNIT_TAG_INDEX_SHIFT	18
#define UNIT_TAG_RECYCLE_MASK	0x3ffffU

/* ---- the game's numbers ---- */

/*
 * Upgrade events a melee player can have: a few dozen researches and
 * cosmetic ones (at most 52 a player in the shared replays). Arcade mods
 * hand out hundreds to thousands (561 to 2,730 there), Co-op's commanders
 * about 280.
 */
#define MELEE_UPGRADES_MAX	500

/* Food (supply) in PlayerStats is fixed point: this much is one supply. */
#define SUPPLY_ONE		4096

/*
 * 16 game loops a game second, 1.4 game seconds a real one at "Faster":
 * 112 loops are 5 real seconds, 22.4 loops a real second. Whole seconds
 * are floor(loop * FASTER_SECONDS / FASTER_LOOPS), in integers.
 */
#define FASTER_LOOPS		112
#define FASTER_SECONDS		5
#define LOOPS_PER_REAL_SECOND	((double)FASTER_LOOPS / FASTER_SECONDS)
/* The old tool's times were game seconds (loops / 16): divide by 1.4. */
#define GAME_LOOPS_PER_SECOND	16
#define GAME_SECONDS_PER_REAL	(LOOPS_PER_REAL_SECOND / GAME_LOOPS_PER_SECOND)

#endif
