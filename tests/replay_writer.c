/*
 * replay_writer.c - write small StarCraft II replay files, for tests
 *
 * Field layouts were copied from real replays of base build 93333 (see
 * replay_writer.h), down to fields nobody reads, so that a decoder that
 * skips unknown tags is exercised the way real files exercise it.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <StormLib.h>
#include <cjson/cJSON.h>

#include "protocol.h"
#include "replay_writer.h"

/* The MPQ user-data block: 16 bytes of its own header, then the replay
 * header; the archive starts right after it. */
#define USER_DATA_SIZE		512
#define ARCHIVE_OFFSET		1024

struct buf {
	unsigned char *p;
	size_t len;
	size_t cap;
	int failed;
};

struct member {
	char *name;
	struct buf data;
};

/* A player with its own copies of the strings. */
struct player {
	struct rw_player p;	/* strings point to the copies below */
	char *name;
	char *race;
	char *program_id;
	char *commander;
};

struct rw_replay {
	int major, minor, revision, build, base_build;
	char *map;
	uint32_t loops;
	int loops_set;
	unsigned flags;
	struct player *players;
	int nplayers;
	struct buf tracker;
	uint32_t last_loop;
	struct member *members;
	int nmembers;
	int failed;			/* an allocation failed */
};

/* Byte buffers.  A failed allocation marks the buffer; later writes are
 * dropped, and rw_write() refuses to write the replay. */

static void
put(struct buf *b, const void *data, size_t n)
{
	unsigned char *p;
	size_t cap;

	if (b->failed || n == 0)
		return;
	if (n > b->cap - b->len) {
		cap = b->cap ? b->cap : 256;
		while (cap - b->len < n) {
			if (cap > (size_t)-1 / 2) {
				b->failed = 1;
				return;
			}
			cap *= 2;
		}
		if ((p = realloc(b->p, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void
put_byte(struct buf *b, int c)
{
	unsigned char u = c;

	put(b, &u, 1);
}

/* The versioned varint: bit 0 of the first byte is the sign, then 6 bits of
 * magnitude, then 7 bits a byte, low bits first, bit 7 meaning "more". */
static void
put_varint(struct buf *b, int64_t v)
{
	uint64_t m;
	int c;

	m = v < 0 ? -(uint64_t)v : (uint64_t)v;
	c = (v < 0) | (int)(m & 0x3f) << 1;
	m >>= 6;
	while (m) {
		put_byte(b, c | 0x80);
		c = m & 0x7f;
		m >>= 7;
	}
	put_byte(b, c);
}

/* Versioned values: a type byte, then the value. */

static void
v_array(struct buf *b, int64_t n)
{
	put_byte(b,V_ARRAY);
	put_varint(b, n);
}

static void
v_blob(struct buf *b, const void *data, size_t n)
{
	put_byte(b,V_BLOB);
	put_varint(b, (int64_t)n);
	put(b, data, n);
}

static void
v_str(struct buf *b, const char *s)
{
	if (s == NULL)
		s = "";
	v_blob(b, s, strlen(s));
}

static void
v_choice(struct buf *b, int tag)
{
	put_byte(b,V_CHOICE);
	put_varint(b, tag);
}

static void
v_optional(struct buf *b, int present)
{
	put_byte(b,V_OPTIONAL);
	put_byte(b, present != 0);
}

static void
v_struct(struct buf *b, int nfields)
{
	put_byte(b,V_STRUCT);
	put_varint(b, nfields);
}

static void
v_field(struct buf *b, int tag)
{
	put_varint(b, tag);
}

static void
v_u8(struct buf *b, int v)
{
	put_byte(b,V_U8);
	put_byte(b, v);
}

static void
v_fourcc(struct buf *b, const unsigned char bytes[4])
{
	put_byte(b,V_U32);
	put(b, bytes, 4);
}

static void
v_int(struct buf *b, int64_t v)
{
	put_byte(b,V_INT);
	put_varint(b, v);
}

static void
field_int(struct buf *b, int tag, int64_t v)
{
	v_field(b, tag);
	v_int(b, v);
}

static void
field_str(struct buf *b, int tag, const char *s)
{
	v_field(b, tag);
	v_str(b, s);
}

static char *
copy_str(struct rw_replay *r, const char *s)
{
	char *t;

	if ((t = strdup(s ? s : "")) == NULL)
		r->failed = 1;
	return t;
}

struct rw_replay *
rw_new(void)
{
	struct rw_replay *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	rw_set_version(r, 5, 0, 14, 93333, 93333);
	if ((r->map = strdup("")) == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

void
rw_free(struct rw_replay *r)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nplayers; i++) {
		free(r->players[i].name);
		free(r->players[i].race);
		free(r->players[i].program_id);
		free(r->players[i].commander);
	}
	free(r->players);
	for (i = 0; i < r->nmembers; i++) {
		free(r->members[i].name);
		free(r->members[i].data.p);
	}
	free(r->members);
	free(r->tracker.p);
	free(r->map);
	free(r);
}

void
rw_set_version(struct rw_replay *r, int major, int minor, int revision,
    int build, int base_build)
{
	r->major = major;
	r->minor = minor;
	r->revision = revision;
	r->build = build;
	r->base_build = base_build;
}

void
rw_set_map(struct rw_replay *r, const char *title)
{
	char *t;

	if ((t = copy_str(r, title)) == NULL)
		return;
	free(r->map);
	r->map = t;
}

void
rw_set_loops(struct rw_replay *r, uint32_t elapsed_game_loops)
{
	r->loops = elapsed_game_loops;
	r->loops_set = 1;
}

void
rw_set_flags(struct rw_replay *r, unsigned flags)
{
	r->flags = flags;
}

int
rw_add_player(struct rw_replay *r, const struct rw_player *p)
{
	struct player *np, *q;

	np = realloc(r->players, (r->nplayers + 1) * sizeof(*np));
	if (np == NULL) {
		r->failed = 1;
		return -1;
	}
	r->players = np;
	q = &np[r->nplayers];
	q->name = copy_str(r, p->name);
	q->race = copy_str(r, p->race);
	q->program_id = copy_str(r, p->program_id);
	q->commander = copy_str(r, p->commander);
	if (q->name == NULL || q->race == NULL || q->program_id == NULL ||
	    q->commander == NULL) {
		free(q->name);
		free(q->race);
		free(q->program_id);
		free(q->commander);
		return -1;
	}
	q->p = *p;
	q->p.name = q->name;
	q->p.race = q->race;
	q->p.program_id = q->program_id;
	q->p.commander = q->commander;
	return ++r->nplayers;
}

/* Tracker events: [loop delta][event id][struct]. */

static void
event_start(struct rw_replay *r, uint32_t loop, int id, int nfields)
{
	struct buf *b = &r->tracker;
	uint32_t d;
	int tag;

	/* The delta is a choice of 6/14/22/32-bit fields; the game picks
	 * the smallest that holds it. */
	d = loop - r->last_loop;
	if (d < 1u << 6)
		tag = 0;
	else if (d < 1u << 14)
		tag = 1;
	else if (d < 1u << 22)
		tag = 2;
	else
		tag = 3;
	v_choice(b, tag);
	v_int(b, d);
	v_int(b, id);
	v_struct(b, nfields);
	r->last_loop = loop;
}

/* A hash for made-up values that real files have and tests do not care
 * about: varied enough that the members compress like real ones. */
static uint32_t
mix(uint32_t a, uint32_t b)
{
	uint32_t h = a * 0x9e3779b1u ^ b;

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* Map coordinates of a unit. */
static int
unit_x(int index)
{
	return 16 + mix(index, 1) % 224;
}

static int
unit_y(int index)
{
	return 16 + mix(index, 2) % 224;
}

void
rw_player_stats(struct rw_replay *r, uint32_t loop, int player,
    int64_t food_used_fixed, int64_t food_made_fixed)
{
	struct buf *b = &r->tracker;
	int tag;

	uint32_t h = mix(loop, player);
	int64_t workers, v;

	/* Real stats structs have 39 fields.  Besides food, a few get
	 * plausible made-up values (resources, workers, values of units):
	 * real ones are never all zero, and that shows in compression. */
	workers = food_used_fixed > 0 ? food_used_fixed / SUPPLY_ONE * 3 / 5 : 0;
	event_start(r, loop, EV_PLAYER_STATS, 2);
	field_int(b, STATS_PLAYER, player);
	v_field(b, STATS_BODY);
	v_struct(b, 39);
	for (tag = 0; tag < 39; tag++) {
		switch (tag) {
		case 0:			/* mineralsCurrent */
			v = h % 700;
			break;
		case 1:			/* vespeneCurrent */
			v = (h >> 10) % 400;
			break;
		case 2:			/* mineralsCollectionRate */
			v = workers ? workers * 57 + (h >> 4) % 60 : 0;
			break;
		case 3:			/* vespeneCollectionRate */
			v = workers ? workers * 14 + (h >> 6) % 40 : 0;
			break;
		case 4:			/* workersActiveCount */
			v = workers;
			break;
		case 13:		/* mineralsUsedCurrentArmy */
		case 16:		/* mineralsUsedCurrentEconomy */
			v = (food_used_fixed / SUPPLY_ONE - workers) * 40 +
			    (h >> (tag & 7)) % 100;
			break;
		case STATS_FOOD_USED:
			v = food_used_fixed;
			break;
		case STATS_FOOD_MADE:
			v = food_made_fixed;
			break;
		default:
			v = 0;
			break;
		}
		field_int(b, tag, v);
	}
}

void
rw_unit_born(struct rw_replay *r, uint32_t loop, int index, int recycle,
    const char *type, int control_player, int upkeep_player,
    const char *creator_ability)
{
	struct buf *b = &r->tracker;
	int creator = r->base_build >= BORN_CREATOR_BASE_BUILD;

	event_start(r, loop, EV_UNIT_BORN, creator ? 10 : 7);
	field_int(b, UNIT_INDEX, index);
	field_int(b, UNIT_RECYCLE, recycle);
	field_str(b, UNIT_TYPE, type);
	field_int(b, UNIT_CONTROL, control_player);
	field_int(b, UNIT_UPKEEP, upkeep_player);
	field_int(b, 5, unit_x(index));
	field_int(b, 6, unit_y(index));
	if (!creator)
		return;
	/* creatorUnitTagIndex and creatorUnitTagRecycle: not tracked. */
	v_field(b, 7);
	v_optional(b, 0);
	v_field(b, 8);
	v_optional(b, 0);
	v_field(b, BORN_CREATOR_ABILITY);
	v_optional(b, creator_ability != NULL);
	if (creator_ability != NULL)
		v_str(b, creator_ability);
}

void
rw_unit_died(struct rw_replay *r, uint32_t loop, int index, int recycle)
{
	struct buf *b = &r->tracker;

	event_start(r, loop, EV_UNIT_DIED, 7);
	field_int(b, UNIT_INDEX, index);
	field_int(b, UNIT_RECYCLE, recycle);
	v_field(b, 2);			/* killerPlayerId */
	v_optional(b, 0);
	field_int(b, 3, unit_x(index));
	field_int(b, 4, unit_y(index));
	v_field(b, 5);			/* killerUnitTagIndex */
	v_optional(b, 0);
	v_field(b, 6);			/* killerUnitTagRecycle */
	v_optional(b, 0);
}

void
rw_owner_change(struct rw_replay *r, uint32_t loop, int index, int recycle,
    int control_player, int upkeep_player)
{
	struct buf *b = &r->tracker;

	event_start(r, loop, EV_UNIT_OWNER_CHANGE, 4);
	field_int(b, UNIT_INDEX, index);
	field_int(b, UNIT_RECYCLE, recycle);
	field_int(b, 2, control_player);	/* controlPlayerId */
	field_int(b, 3, upkeep_player);		/* upkeepPlayerId */
}

void
rw_type_change(struct rw_replay *r, uint32_t loop, int index, int recycle,
    const char *new_type)
{
	struct buf *b = &r->tracker;

	event_start(r, loop, EV_UNIT_TYPE_CHANGE, 3);
	field_int(b, UNIT_INDEX, index);
	field_int(b, UNIT_RECYCLE, recycle);
	field_str(b, UNIT_TYPE, new_type);
}

void
rw_upgrade(struct rw_replay *r, uint32_t loop, int player,
    const char *upgrade, int count)
{
	struct buf *b = &r->tracker;

	event_start(r, loop, EV_UPGRADE, 3);
	field_int(b, UPGRADE_PLAYER, player);
	field_str(b, UPGRADE_NAME, upgrade);
	field_int(b, UPGRADE_COUNT, count);
}

void
rw_unit_init(struct rw_replay *r, uint32_t loop, int index, int recycle,
    const char *type, int control_player)
{
	struct buf *b = &r->tracker;

	event_start(r, loop, EV_UNIT_INIT, 7);
	field_int(b, UNIT_INDEX, index);
	field_int(b, UNIT_RECYCLE, recycle);
	field_str(b, UNIT_TYPE, type);
	field_int(b, UNIT_CONTROL, control_player);
	field_int(b, UNIT_UPKEEP, control_player);
	field_int(b, 5, unit_x(index));
	field_int(b, 6, unit_y(index));
}

void
rw_unit_done(struct rw_replay *r, uint32_t loop, int index, int recycle)
{
	struct buf *b = &r->tracker;

	event_start(r, loop, EV_UNIT_DONE, 2);
	field_int(b, UNIT_INDEX, index);
	field_int(b, UNIT_RECYCLE, recycle);
}

void
rw_unit_positions(struct rw_replay *r, uint32_t loop, int first_index,
    int n_units)
{
	struct buf *b = &r->tracker;
	int i;

	if (n_units < 0)
		n_units = 0;
	event_start(r, loop, EV_UNIT_POSITIONS, 2);
	field_int(b, 0, first_index);
	v_field(b, 1);
	v_array(b, 3 * (int64_t)n_units);
	for (i = 0; i < n_units; i++) {
		uint32_t h = mix(loop, first_index + i);

		v_int(b, i == 0 ? 0 : 1 + h % 8);
		v_int(b, (h >> 8) % 256);
		v_int(b, (h >> 16) % 256);
	}
}

void
rw_player_setup(struct rw_replay *r, uint32_t loop, int player, int type,
    int user_id, int slot_id)
{
	struct buf *b = &r->tracker;

	event_start(r, loop, EV_PLAYER_SETUP, 4);
	field_int(b, 0, player);
	field_int(b, 1, type);
	v_field(b, 2);
	v_optional(b, user_id >= 0);
	if (user_id >= 0)
		v_int(b, user_id);
	v_field(b, 3);
	v_optional(b, slot_id >= 0);
	if (slot_id >= 0)
		v_int(b, slot_id);
}

void
rw_tracker_raw(struct rw_replay *r, const void *data, size_t size)
{
	put(&r->tracker, data, size);
}

size_t
rw_tracker_size(const struct rw_replay *r)
{
	return r->tracker.len;
}

void
rw_add_member(struct rw_replay *r, const char *name, const void *data,
    size_t size)
{
	struct member *nm, *m;

	nm = realloc(r->members, (r->nmembers + 1) * sizeof(*nm));
	if (nm == NULL) {
		r->failed = 1;
		return;
	}
	r->members = nm;
	m = &nm[r->nmembers];
	memset(m, 0, sizeof(*m));
	if ((m->name = copy_str(r, name)) == NULL)
		return;
	put(&m->data, data, size);
	if (m->data.failed) {
		r->failed = 1;
		free(m->name);
		free(m->data.p);
		return;
	}
	r->nmembers++;
}

/* Members made from the description. */

/* A made-up 16-byte key, the same for the same build; the header holds it
 * and gamemetadata's DataVersion is its hex spelling, as in real files. */
static void
data_key(const struct rw_replay *r, unsigned char key[16])
{
	uint64_t x = (uint64_t)r->build * 0x9e3779b97f4a7c15ull + 1;
	int i;

	for (i = 0; i < 16; i++) {
		x ^= x >> 29;
		x *= 0xbf58476d1ce4e5b9ull;
		x ^= x >> 32;
		key[i] = x >> 56;
	}
}

static void
make_header(const struct rw_replay *r, uint32_t loops, struct buf *b)
{
	static const char magic[] = "StarCraft II replay\x1b" "11";
	static const unsigned char zero[16];
	unsigned char key[16];

	data_key(r, key);
	v_struct(b, 9);
	v_field(b, 0);
	v_blob(b, magic, sizeof(magic) - 1);
	v_field(b, HEADER_VERSION);
	v_struct(b, 6);
	field_int(b, 0, 1);			/* flags */
	field_int(b, VERSION_MAJOR, r->major);
	field_int(b, VERSION_MINOR, r->minor);
	field_int(b, VERSION_REVISION, r->revision);
	field_int(b, VERSION_BUILD, r->build);
	field_int(b, VERSION_BASE_BUILD, r->base_build);
	field_int(b, 2, 2);			/* type */
	field_int(b, HEADER_LOOPS, loops);
	v_field(b, 4);				/* useScaledTime */
	v_u8(b, 1);
	v_field(b, 5);				/* ngdpRootKey */
	v_struct(b, 1);
	v_field(b, 1);
	v_blob(b, key, sizeof(key));
	field_int(b, 6, r->build);		/* dataBuildNum */
	v_field(b, 7);			/* replayCompatibilityHash */
	v_struct(b, 1);
	v_field(b, 1);
	v_blob(b, zero, sizeof(zero));
	v_field(b, 8);				/* ngdpRootKeyIsDevData */
	v_u8(b, 0);
}

static void
make_player(const struct rw_player *p, int slot, struct buf *b)
{
	/* Team colours (a, r, g, b) of the first slots, as the game uses. */
	static const int color[4][4] = {
		{ 255, 180, 20, 30 }, { 255, 0, 66, 255 },
		{ 255, 28, 167, 234 }, { 255, 84, 0, 129 },
	};
	unsigned char fourcc[4] = { 0, 0, 0, 0 };
	size_t n;
	int i;

	/* Real files hold "S2" as the bytes 00 00 'S' '2': the fourcc is
	 * right-aligned, with NULs in front. */
	n = strlen(p->program_id);
	if (n > 4)
		n = 4;
	memcpy(fourcc + 4 - n, p->program_id, n);

	v_struct(b, 11);
	field_str(b, PLAYER_NAME, p->name);
	v_field(b, PLAYER_TOON);
	v_struct(b, 4);
	field_int(b, TOON_REGION, p->region);
	v_field(b, TOON_PROGRAM);
	v_fourcc(b, fourcc);
	field_int(b, TOON_REALM, p->realm);
	field_int(b, TOON_ID, p->toon_id);
	field_str(b, PLAYER_RACE, p->race);
	v_field(b, 3);
	v_struct(b, 4);
	for (i = 0; i < 4; i++)
		field_int(b, i, color[slot % 4][i]);
	field_int(b, PLAYER_CONTROL, p->control);
	field_int(b, PLAYER_TEAM, p->team_id);
	field_int(b, 6, 100);			/* handicap */
	field_int(b, PLAYER_OBSERVE, p->observe);
	field_int(b, PLAYER_RESULT, p->result);
	v_field(b, 9);				/* workingSetSlotId */
	v_optional(b, 1);
	v_int(b, slot);
	field_str(b, 10, "");			/* hero */
}

static void
make_details(const struct rw_replay *r, struct buf *b)
{
	unsigned char handle[40];
	const char *s;
	int i;

	v_struct(b, 18);
	v_field(b, DETAILS_PLAYERS);
	v_optional(b, 1);
	v_array(b, r->nplayers);
	for (i = 0; i < r->nplayers; i++)
		make_player(&r->players[i].p, i, b);
	field_str(b, DETAILS_TITLE, r->map);
	field_str(b, 2, "");			/* difficulty */
	v_field(b, 3);				/* thumbnail */
	v_struct(b, 1);
	field_str(b, 0, "Minimap.tga");
	v_field(b, 4);				/* isBlizzardMap */
	v_u8(b, 1);
	field_int(b, 5, 133926810830405229ll);	/* timeUTC, 2025 */
	field_int(b, 6, 0);			/* timeLocalOffset */
	field_str(b, 7, "");			/* description */
	field_str(b, 8, "");			/* imageFilePath */
	field_str(b, 9, "");			/* mapFileName */
	/* cacheHandles: one made-up map handle, "s2ma", 00 00, "US",
	 * then a 32-byte hash. */
	v_field(b, 10);
	v_optional(b, 1);
	v_array(b, 1);
	memcpy(handle, "s2ma\0\0US", 8);
	s = r->map ? r->map : "";
	for (i = 8; i < 40; i++) {
		unsigned char c = (unsigned char)*s;

		handle[i] = (unsigned char)(i * 31 + c);
		if (c)
			s++;
	}
	v_blob(b, handle, sizeof(handle));
	v_field(b, 11);				/* miniSave */
	v_u8(b, 0);
	field_int(b, 12, 4);			/* gameSpeed: faster */
	field_int(b, 13, 3);			/* defaultDifficulty */
	v_field(b, 14);				/* modPaths */
	v_optional(b, 0);
	field_int(b, 15, 0);			/* campaignIndex */
	v_field(b, 16);			/* restartAsTransitionMap */
	v_optional(b, 1);
	v_u8(b, 0);
	v_field(b, 17);				/* disableRecoverGame */
	v_u8(b, 0);
}

/* gamemetadata's four-letter race; localised names are not known here. */
static const char *
short_race(const char *race)
{
	if (strcmp(race, "Terran") == 0)
		return "Terr";
	if (strcmp(race, "Protoss") == 0)
		return "Prot";
	if (strcmp(race, "Zerg") == 0)
		return "Zerg";
	return "Rand";
}

static const char *
result_name(int result)
{
	switch (result) {
	case RESULT_WIN:
		return "Win";
	case RESULT_LOSS:
		return "Loss";
	case RESULT_TIE:
		return "Tie";
	default:
		return "Undecided";
	}
}

/* Returns a malloc'd JSON text, or NULL. */
static char *
make_metadata(const struct rw_replay *r, uint32_t loops)
{
	cJSON *root, *players, *pl;
	unsigned char key[16];
	char s[64], hex[33];
	const struct rw_player *p;
	char *text = NULL;
	int i, ok = 1;

	if ((root = cJSON_CreateObject()) == NULL)
		return NULL;
	data_key(r, key);
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02X", key[i]);
	ok &= cJSON_AddStringToObject(root, "Title", r->map) != NULL;
	snprintf(s, sizeof(s), "%d.%d.%d.%d", r->major, r->minor, r->revision,
	    r->build);
	ok &= cJSON_AddStringToObject(root, "GameVersion", s) != NULL;
	snprintf(s, sizeof(s), "%d", r->build);
	ok &= cJSON_AddStringToObject(root, "DataBuild", s) != NULL;
	ok &= cJSON_AddStringToObject(root, "DataVersion", hex) != NULL;
	snprintf(s, sizeof(s), "Base%d", r->base_build);
	ok &= cJSON_AddStringToObject(root, "BaseBuild", s) != NULL;
	/* Game seconds, rounded: loops at 16 a second. */
	ok &= cJSON_AddNumberToObject(root, "Duration",
	    (double)(((uint64_t)loops + 8) / 16)) != NULL;
	players = cJSON_AddArrayToObject(root, "Players");
	ok &= players != NULL;
	for (i = 0; ok && i < r->nplayers; i++) {
		p = &r->players[i].p;
		if (p->apm < 0 || !isfinite(p->apm))
			continue;
		if ((pl = cJSON_CreateObject()) == NULL) {
			ok = 0;
			break;
		}
		cJSON_AddItemToArray(players, pl);
		ok &= cJSON_AddNumberToObject(pl, "PlayerID", i + 1) != NULL;
		/* The game writes "384.000000"; cJSON alone would write 384. */
		snprintf(s, sizeof(s), "%.6f", p->apm);
		ok &= cJSON_AddRawToObject(pl, "APM", s) != NULL;
		ok &= cJSON_AddStringToObject(pl, "Result",
		    result_name(p->result)) != NULL;
		ok &= cJSON_AddStringToObject(pl, "SelectedRace",
		    short_race(p->race)) != NULL;
		ok &= cJSON_AddStringToObject(pl, "AssignedRace",
		    short_race(p->race)) != NULL;
	}
	if (ok)
		text = cJSON_Print(root);
	cJSON_Delete(root);
	return text;
}

/* Writing the file. */

static void
storm_error(const char *path, const char *what)
{
	DWORD e = GetLastError();

	fprintf(stderr, "rw_write: %s: %s: StormLib error %u (%s)\n", path,
	    what, (unsigned)e, strerror((int)e));
}

static int
add_member(HANDLE mpq, const char *path, const char *name, const void *data,
    size_t size, unsigned flags)
{
	HANDLE f;
	DWORD fflags, comp = 0;
	int ok;

	if (size > 0xffffffffu) {
		fprintf(stderr, "rw_write: %s: %s: too large\n", path, name);
		return -1;
	}
	fflags = MPQ_FILE_SINGLE_UNIT | MPQ_FILE_REPLACEEXISTING;
	if (!(flags & RW_STORED)) {
		fflags |= MPQ_FILE_COMPRESS;
		comp = flags & RW_ZLIB ? MPQ_COMPRESSION_ZLIB :
		    MPQ_COMPRESSION_BZIP2;
	}
	if (!SFileCreateFile(mpq, name, 0, (DWORD)size, LANG_NEUTRAL, fflags,
	    &f)) {
		storm_error(path, name);
		return -1;
	}
	ok = size == 0 || SFileWriteFile(f, data, (DWORD)size, comp);
	if (!ok)
		storm_error(path, name);
	/* SFileFinishFile also releases the handle after a failed write. */
	if (!SFileFinishFile(f) && ok) {
		storm_error(path, name);
		ok = 0;
	}
	return ok ? 0 : -1;
}

/* Makes the archive at tmp. */
static int
make_archive(const struct rw_replay *r, const char *tmp, const char *path,
    const struct buf *details, const char *metadata,
    const struct buf *attributes)
{
	SFILE_CREATE_MPQ ci;
	HANDLE mpq;
	unsigned fl = r->flags;
	int i, err = 0;

	memset(&ci, 0, sizeof(ci));
	ci.cbSize = sizeof(ci);
	/* Replays: v4 with 16 KiB sectors since 1.5, v2 with 4 KiB before. */
	if (fl & RW_MPQ_V1)
		ci.dwMpqVersion = MPQ_FORMAT_VERSION_1;
	else if (fl & RW_MPQ_V2)
		ci.dwMpqVersion = MPQ_FORMAT_VERSION_2;
	else
		ci.dwMpqVersion = MPQ_FORMAT_VERSION_4;
	ci.dwSectorSize = ci.dwMpqVersion == MPQ_FORMAT_VERSION_4 ?
	    0x4000 : 0x1000;
	if (ci.dwMpqVersion == MPQ_FORMAT_VERSION_4)
		ci.dwRawChunkSize = 0x4000;
	ci.dwStreamFlags = STREAM_PROVIDER_FLAT | BASE_PROVIDER_FILE;
	/* Real replays hold (listfile) and (attributes) as single
	 * compressed units, unencrypted, with CRC32 and MD5 attributes. */
	ci.dwFileFlags1 = MPQ_FILE_SINGLE_UNIT | MPQ_FILE_COMPRESS;
	ci.dwFileFlags2 = MPQ_FILE_SINGLE_UNIT | MPQ_FILE_COMPRESS;
	ci.dwFileFlags3 = 0;
	ci.dwAttrFlags = MPQ_ATTRIBUTE_CRC32 | MPQ_ATTRIBUTE_MD5;
	ci.dwMaxFileCount = 16 + r->nmembers;
	if (!SFileCreateArchive2(tmp, &ci, &mpq)) {
		storm_error(path, "SFileCreateArchive2");
		return -1;
	}
	err |= add_member(mpq, path, fl & RW_DETAILS_BACKUP_ONLY ?
	    MEMBER_DETAILS_BACKUP : MEMBER_DETAILS, details->p,
	    details->len, fl);
	if (!(fl & RW_OMIT_TRACKER) && !err)
		err |= add_member(mpq, path, MEMBER_TRACKER,
		    r->tracker.p, r->tracker.len, fl);
	if (metadata != NULL && !err)
		err |= add_member(mpq, path, MEMBER_GAMEMETADATA,
		    metadata, strlen(metadata), fl);
	if (!(fl & RW_OMIT_ATTRIBUTES) && !err)
		err |= add_member(mpq, path, MEMBER_ATTRIBUTES,
		    attributes->p, attributes->len, fl);
	for (i = 0; i < r->nmembers && !err; i++)
		err |= add_member(mpq, path, r->members[i].name,
		    r->members[i].data.p, r->members[i].data.len, fl);
	/* Closing writes (listfile), (attributes) and the tables. */
	if (!SFileCloseArchive(mpq) && !err) {
		storm_error(path, "SFileCloseArchive");
		err = -1;
	}
	return err ? -1 : 0;
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* Attributes a real lobby has besides the commander (not read). */
#define ATTR_CONTROLLER		500	/* a slot's "Humn" or "Comp" */
#define ATTR_GAME_SPEED		3000	/* "Fasr" */

/* One attributes record: the value's text is stored backwards, NULs after. */
static void
attribute(struct buf *b, uint32_t id, int scope, const char *value)
{
	unsigned char rec[ATTR_RECORD_SIZE] = { 0 };
	size_t n = strlen(value), k;

	put_le32(rec + ATTR_ID_OFFSET, id);
	rec[ATTR_SCOPE_OFFSET] = (unsigned char)scope;
	for (k = 0; k < n && k < ATTR_VALUE_SIZE; k++)
		rec[ATTR_VALUE_OFFSET + k] = (unsigned char)value[n - 1 - k];
	put(b, rec, sizeof rec);
}

/* replay.attributes.events: slot i + 1 is player i, as in ladder lobbies. */
static void
make_attributes(const struct rw_replay *r, struct buf *b)
{
	unsigned char header[ATTR_HEADER_SIZE] = { 0 };
	int i;

	put_le32(header + ATTR_COUNT_OFFSET, 2 * (uint32_t)r->nplayers + 1);
	put(b, header, sizeof header);
	for (i = 0; i < r->nplayers; i++) {
		attribute(b, ATTR_CONTROLLER, i + 1, r->players[i].p.control == CONTROL_COMPUTER ?
		    "Comp" : "Humn");
		attribute(b, ATTR_COMMANDER, i + 1, r->players[i].commander);
	}
	attribute(b, ATTR_GAME_SPEED, ATTR_SCOPE_GLOBAL, "Fasr");
}

/* Writes block, then the archive at tmp, to path. */
static int
write_replay(const char *path, const unsigned char *block, const char *tmp)
{
	FILE *in, *out;
	char chunk[65536];
	size_t n;
	int err = 0;

	if ((in = fopen(tmp, "rb")) == NULL) {
		fprintf(stderr, "rw_write: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	if ((out = fopen(path, "wb")) == NULL) {
		fprintf(stderr, "rw_write: %s: %s\n", path, strerror(errno));
		fclose(in);
		return -1;
	}
	if (fwrite(block, 1, ARCHIVE_OFFSET, out) != ARCHIVE_OFFSET)
		err = -1;
	while (!err && (n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		if (fwrite(chunk, 1, n, out) != n)
			err = -1;
	if (ferror(in)) {
		fprintf(stderr, "rw_write: %s: read error\n", tmp);
		err = -1;
	} else if (err)
		fprintf(stderr, "rw_write: %s: %s\n", path, strerror(errno));
	fclose(in);
	if (fclose(out) != 0 && !err) {
		fprintf(stderr, "rw_write: %s: %s\n", path, strerror(errno));
		err = -1;
	}
	if (err)
		unlink(path);
	return err;
}

int
rw_write(const struct rw_replay *r, const char *path)
{
	struct buf header = { 0 }, details = { 0 }, attributes = { 0 };
	unsigned char block[ARCHIVE_OFFSET];
	char dir[4096], tmp[4200];
	const char *tmpdir;
	char *metadata = NULL;
	uint32_t loops;
	int err = -1;

	if (r->failed || r->tracker.failed) {
		fprintf(stderr, "rw_write: %s: out of memory while building\n",
		    path);
		return -1;
	}
	loops = r->loops_set ? r->loops : r->last_loop;

	make_header(r, loops, &header);
	make_details(r, &details);
	make_attributes(r, &attributes);
	if (!(r->flags & RW_OMIT_GAMEMETADATA) &&
	    (metadata = make_metadata(r, loops)) == NULL)
		goto nomem;
	if (header.failed || details.failed || attributes.failed)
		goto nomem;
	if (header.len > USER_DATA_SIZE - 16) {
		fprintf(stderr, "rw_write: %s: header too long\n", path);
		goto out;
	}
	memset(block, 0, sizeof(block));
	put_le32(block, MPQ_USER_DATA_MAGIC);
	put_le32(block + 4, USER_DATA_SIZE);
	put_le32(block + 8, ARCHIVE_OFFSET);
	put_le32(block + 12, header.len);
	memcpy(block + 16, header.p, header.len);

	/* StormLib refuses to create over an existing file, so the archive
	 * goes into a fresh private directory. */
	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	if ((size_t)snprintf(dir, sizeof(dir), "%s/rwXXXXXX", tmpdir) >=
	    sizeof(dir)) {
		fprintf(stderr, "rw_write: TMPDIR too long\n");
		goto out;
	}
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "rw_write: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s/archive.mpq", dir);
	if (make_archive(r, tmp, path, &details, metadata, &attributes) == 0)
		err = write_replay(path, block, tmp);
	unlink(tmp);
	rmdir(dir);
	goto out;
nomem:
	fprintf(stderr, "rw_write: %s: out of memory\n", path);
out:
	free(header.p);
	free(details.p);
	free(attributes.p);
	cJSON_free(metadata);
	return err;
}
