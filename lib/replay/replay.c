/*
 * replay.c - a replay's header, players and tracker events, from memory
 *
 * The header lives in the MPQ user-data block, the players in
 * replay.details (or its .backup), APM in replay.gamemetadata.json. Whether
 * tracker events exist is decided by the member, never by the build number:
 * 2.0.8 reports the same base build as 2.0.4-2.0.7, which have none.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "mpq.h"
#include "protocol.h"
#include "replay.h"
#include "units.h"
#include "versioned.h"

static char *
blob_string(const struct vvalue *v)
{
	const uint8_t *p;
	size_t n = 0;
	char *s;

	p = vv_blob(v, &n);
	if (p == NULL)
		n = 0;
	s = xmalloc(n + 1);
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Whether a string field, absent or present, is text (see name_is_text). */
static int
blob_is_text(const struct vvalue *v)
{
	struct name n = { NULL, 0 };

	n.s = (const char *)vv_blob(v, &n.n);
	return n.s == NULL || name_is_text(n);
}

/* Details store "&lt;TAG&gt;<sp/>Name": keep what follows the last <sp/>, unescaped. */
static char *
player_name(const struct vvalue *v)
{
	static const struct { const char *entity, *text; } entities[] = {
		{ "&lt;", "<" }, { "&gt;", ">" }, { "&amp;", "&" },
		{ "&quot;", "\"" }, { "&apos;", "'" }, { "&#39;", "'" },
	};
	char *raw = blob_string(v), *s = raw, *sp, *out, *o;
	size_t i;

	while ((sp = strstr(s, "<sp/>")) != NULL)
		s = sp + 5;
	out = o = xmalloc(strlen(s) + 1);
	while (*s) {
		for (i = 0; i < sizeof entities / sizeof entities[0]; i++) {
			size_t n = strlen(entities[i].entity);

			if (strncmp(s, entities[i].entity, n) == 0) {
				*o++ = entities[i].text[0];
				s += n;
				break;
			}
		}
		if (i == sizeof entities / sizeof entities[0])
			*o++ = *s++;
	}
	*o = '\0';
	free(raw);
	return out;
}

static void
player_toon(struct player *p, const struct vvalue *toon)
{
	const uint8_t *prog;
	size_t n = 0, i;
	char program[8];
	int k = 0;

	p->toon[0] = '\0';
	if (!p->human)
		return;
	prog = vv_blob(vv_field(toon, TOON_PROGRAM), &n);
	for (i = 0; prog && i < n && k < 7; i++)
		if (prog[i] != '\0')
			program[k++] = (char)prog[i];
	program[k] = '\0';
	snprintf(p->toon, sizeof p->toon, "%lld-%s-%lld-%lld",
	    (long long)vv_field_int(toon, TOON_REGION, 0), program,
	    (long long)vv_field_int(toon, TOON_REALM, 0),
	    (long long)vv_field_int(toon, TOON_ID, 0));
}

static int
read_header(struct replay *r, const struct mpq *m, struct strbuf *why)
{
	struct vdecoder d;
	const struct vvalue *h, *ver;

	if (m->user_data == NULL) {
		sb_adds(why, "no replay header (MPQ user data) in the file");
		return -1;
	}
	vd_init(&d, m->user_data, m->user_data_size);
	h = vd_value(&d);
	ver = vv_field(h, HEADER_VERSION);
	if (h == NULL || ver == NULL || vv_field(h, HEADER_LOOPS) == NULL) {
		sb_printf(why, "damaged replay header: %s",
		    d.error ? d.error : "no version or length");
		vd_free(&d);
		return -1;
	}
	r->build = vv_field_int(ver, VERSION_BUILD, 0);
	r->base_build = vv_field_int(ver, VERSION_BASE_BUILD, 0);
	r->loops = (uint32_t)vv_field_int(h, HEADER_LOOPS, 0);
	snprintf(r->version, sizeof r->version, "%lld.%lld.%lld.%lld",
	    (long long)vv_field_int(ver, VERSION_MAJOR, 0),
	    (long long)vv_field_int(ver, VERSION_MINOR, 0),
	    (long long)vv_field_int(ver, VERSION_REVISION, 0),
	    (long long)r->build);
	vd_free(&d);
	return 0;
}

static int
read_details(struct replay *r, const uint8_t *data, size_t size,
	     struct strbuf *why)
{
	struct vdecoder d;
	const struct vvalue *details, *list;
	uint32_t i;

	vd_init(&d, data, size);
	details = vd_value(&d);
	list = vv_field(details, DETAILS_PLAYERS);
	if (details == NULL || list == NULL || list->type != V_ARRAY) {
		sb_printf(why, "damaged " MEMBER_DETAILS ": %s",
		    d.error ? d.error : "no player list");
		vd_free(&d);
		return -1;
	}
	r->map = blob_string(vv_field(details, DETAILS_TITLE));
	r->n_players = list->n;
	r->players = xcalloc(list->n, sizeof r->players[0]);
	for (i = 0; i < list->n; i++) {
		const struct vvalue *pv = &list->kids[i];
		struct player *p = &r->players[i];
		int64_t team;

		if (!blob_is_text(vv_field(pv, PLAYER_NAME)) ||
		    !blob_is_text(vv_field(pv, PLAYER_RACE))) {
			sb_printf(why, "damaged " MEMBER_DETAILS ": player %u's "
			    "name or race is not UTF-8 text (or holds a NUL)",
			    i + 1);
			vd_free(&d);
			return -1;
		}
		p->pid = (int)i + 1;
		p->name = player_name(vv_field(pv, PLAYER_NAME));
		p->race = blob_string(vv_field(pv, PLAYER_RACE));
		p->result = (int)vv_field_int(pv, PLAYER_RESULT, 0);
		team = vv_field_int(pv, PLAYER_TEAM, 0);
		/* A real team id is small; any other value is a damaged file. */
		if (team < 0 || team > REPLAY_MAX_TEAM) {
			sb_printf(why, "damaged " MEMBER_DETAILS ": player %u's "
			    "team id %lld", i + 1, (long long)team);
			vd_free(&d);
			return -1;
		}
		p->team = (int)team + 1;
		p->human = vv_field_int(pv, PLAYER_CONTROL, 0) == CONTROL_HUMAN;
		p->computer = vv_field_int(pv, PLAYER_CONTROL, 0) ==
		    CONTROL_COMPUTER;
		p->observe = (int)vv_field_int(pv, PLAYER_OBSERVE, 0);
		player_toon(p, vv_field(pv, PLAYER_TOON));
	}
	vd_free(&d);
	return 0;
}

/* APM is in replay.gamemetadata.json (3.4 on); a damaged one only loses APM. */
static void
read_apm(struct replay *r, const uint8_t *data, size_t size)
{
	cJSON *root = cJSON_ParseWithLength((const char *)data, size);
	const cJSON *players = cJSON_GetObjectItemCaseSensitive(root, "Players");
	const cJSON *pl;

	cJSON_ArrayForEach(pl, players) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(pl, "PlayerID");
		const cJSON *apm = cJSON_GetObjectItemCaseSensitive(pl, "APM");
		double pid;

		if (!cJSON_IsNumber(id) || !cJSON_IsNumber(apm))
			continue;
		pid = id->valuedouble;
		if (pid >= 1 && pid <= (double)r->n_players &&
		    pid == (double)(size_t)pid) {
			r->players[(size_t)pid - 1].has_apm = 1;
			r->players[(size_t)pid - 1].apm = apm->valuedouble;
		}
	}
	cJSON_Delete(root);
}

static enum mpq_status
read_member(const struct mpq *m, const char *name, uint8_t **out, size_t *size,
	    struct strbuf *why)
{
	return mpq_read(m, name, REPLAY_MEMBER_LIMIT, out, size, why);
}

/*
 * The lobby's attributes tell co-op from melee. A damaged archive is a
 * damaged replay; a member whose layout is wrong, or none, only leaves the
 * game's kind untold, as a damaged gamemetadata only loses APM.
 */
static int
read_attributes(struct replay *r, const struct mpq *m, struct strbuf *why)
{
	struct strbuf untold = { 0 };
	uint8_t *data = NULL;
	size_t n = 0;
	enum mpq_status st;

	st = mpq_read(m, MEMBER_ATTRIBUTES, ATTRIBUTES_LIMIT, &data, &n, why);
	if (st == MPQ_BAD)
		return -1;
	if (st == MPQ_OK)
		r->has_attributes = attributes_parse(&r->attributes, data, n,
		    &untold) == 0;
	sb_free(&untold);
	free(data);
	return 0;
}

int
replay_load(struct replay *r, const uint8_t *file, size_t size,
	    struct strbuf *why)
{
	struct mpq m;
	uint8_t *data = NULL;
	size_t n = 0;
	enum mpq_status st;
	int anonymised = 0;

	memset(r, 0, sizeof *r);
	if (mpq_open(&m, file, size, why) < 0)
		return -1;
	if (read_header(r, &m, why) < 0)
		goto fail;
	st = read_member(&m, MEMBER_DETAILS, &data, &n, why);
	if (st == MPQ_MISSING) {
		/* Blizzard's anonymised packs keep only the .backup members. */
		anonymised = 1;
		st = read_member(&m, MEMBER_DETAILS_BACKUP, &data, &n, why);
	}
	if (st == MPQ_MISSING)
		sb_adds(why, "no " MEMBER_DETAILS);
	if (st != MPQ_OK || read_details(r, data, n, why) < 0)
		goto fail;
	free(data);
	data = NULL;

	st = read_member(&m, MEMBER_TRACKER, &r->tracker,
	    &r->tracker_size, why);
	if (st == MPQ_MISSING)
		sb_adds(why, anonymised ?
		    "no " MEMBER_TRACKER ": an anonymised replay "
		    "(machine-learning pack)" :
		    "no " MEMBER_TRACKER " (a replay from before 2.0.8, "
		    "or a stripped one)");
	if (st != MPQ_OK)
		goto fail;

	st = read_member(&m, MEMBER_GAMEMETADATA, &data, &n, why);
	if (st == MPQ_OK)
		read_apm(r, data, n);
	else if (st == MPQ_BAD)
		goto fail;
	free(data);
	data = NULL;
	if (read_attributes(r, &m, why) < 0)
		goto fail;
	mpq_close(&m);
	return 0;
fail:
	free(data);
	mpq_close(&m);
	replay_free(r);
	return -1;
}

void
replay_free(struct replay *r)
{
	size_t i;

	for (i = 0; i < r->n_players; i++) {
		free(r->players[i].name);
		free(r->players[i].race);
	}
	free(r->players);
	free(r->map);
	free(r->tracker);
	attributes_free(&r->attributes);
	memset(r, 0, sizeof *r);
}
