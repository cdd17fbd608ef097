/*
 * versioned.c - the schema-less decoder of Blizzard's "versioned" format
 *
 * Every value carries its type byte and every struct field its numeric tag,
 * so one decoder reads the header, details and tracker events of every build
 * without per-build protocol tables. Values are decoded into a tree whose
 * nodes come from an arena. Every value takes at least two bytes (its type
 * and one more), so an array's nodes are allocated only when its count fits
 * in the bytes left that no node allocated earlier has claimed: nested
 * arrays cannot each claim the whole rest of the input. Nodes in use then
 * never outnumber half the input; the arena is also capped at VD_BYTES_PER
 * times the input plus VD_FIXED bytes, whatever the chunking.
 */
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "versioned.h"

#define MAX_DEPTH	64
#define CHUNK_NODES	4096
#define MIN_VALUE	2	/* bytes: a type byte and one more */
#define MIN_FIELD	3	/* a struct field adds its tag */

struct vchunk {
	struct vchunk *next;
	size_t used, cap;
	struct vvalue nodes[];
};

struct varena {
	struct vchunk *head;	/* chunk being filled */
	struct vchunk *spare;	/* emptied chunks kept for reuse */
	size_t held, limit;	/* nodes in all chunks, and their cap */
};

void
vd_init(struct vdecoder *d, const uint8_t *data, size_t size)
{
	d->p = data;
	d->end = data + size;
	d->arena = xcalloc(1, sizeof *d->arena);
	d->arena->limit = (VD_FIXED + (size > SIZE_MAX / VD_BYTES_PER ?
	    SIZE_MAX - VD_FIXED : size * VD_BYTES_PER)) / sizeof(struct vvalue);
	d->promised = 0;
	d->error = NULL;
}

static void
free_chunks(struct vchunk *c)
{
	struct vchunk *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
}

void
vd_reset(struct vdecoder *d)
{
	struct vchunk *c = d->arena->head, *next;

	/* Keep the ordinary chunks for the next value; drop outsized ones. */
	for (; c; c = next) {
		next = c->next;
		if (c->cap == CHUNK_NODES) {
			c->used = 0;
			c->next = d->arena->spare;
			d->arena->spare = c;
		} else {
			d->arena->held -= c->cap;
			free(c);
		}
	}
	d->arena->head = NULL;
}

void
vd_free(struct vdecoder *d)
{
	if (d->arena) {
		free_chunks(d->arena->head);
		free_chunks(d->arena->spare);
		free(d->arena);
		d->arena = NULL;
	}
}

static struct vvalue *
alloc_nodes(struct vdecoder *d, size_t n)
{
	struct varena *a = d->arena;
	struct vchunk *c = a->head;

	if (c == NULL || c->cap - c->used < n) {
		if (n <= CHUNK_NODES && a->spare) {
			c = a->spare;
			a->spare = c->next;
		} else {
			size_t cap = n > CHUNK_NODES ? n : CHUNK_NODES;

			if (cap > a->limit - a->held) {
				d->error = "versioned data needs more memory "
				    "than its size allows";
				return NULL;
			}
			a->held += cap;
			c = xmalloc(sizeof *c + cap * sizeof c->nodes[0]);
			c->cap = cap;
			c->used = 0;
		}
		c->next = a->head;
		a->head = c;
	}
	c->used += n;
	return memset(c->nodes + c->used - n, 0, n * sizeof c->nodes[0]);
}

static int
get_byte(struct vdecoder *d, uint8_t *b)
{
	if (d->p >= d->end) {
		d->error = "truncated versioned data";
		return -1;
	}
	*b = *d->p++;
	return 0;
}

static int
get_varint(struct vdecoder *d, int64_t *out)
{
	uint64_t value;
	unsigned shift = 6;
	uint8_t b;

	if (get_byte(d, &b) < 0)
		return -1;
	int negative = b & 1;
	value = (b >> 1) & 0x3f;
	while (b & 0x80) {
		if (get_byte(d, &b) < 0)
			return -1;
		if (shift > 62) {
			d->error = "varint too long";
			return -1;
		}
		value |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	}
	if (value > INT64_MAX) {
		d->error = "varint out of range";
		return -1;
	}
	*out = negative ? -(int64_t)value : (int64_t)value;
	return 0;
}

/*
 * A count of things still to come in the input, each at least bytes_each
 * bytes, and none of them bytes already claimed by nodes allocated but not
 * yet decoded.
 */
static int
get_count(struct vdecoder *d, uint32_t *n, size_t bytes_each)
{
	size_t left;
	int64_t v;

	if (get_varint(d, &v) < 0)
		return -1;
	left = (size_t)(d->end - d->p);
	left = left > d->promised ? left - d->promised : 0;
	if (v < 0 || (uint64_t)v > left / bytes_each || v > UINT32_MAX) {
		d->error = "count larger than the data left";
		return -1;
	}
	*n = (uint32_t)v;
	return 0;
}

static int
take(struct vdecoder *d, size_t n, const uint8_t **where)
{
	if ((size_t)(d->end - d->p) < n) {
		d->error = "truncated versioned data";
		return -1;
	}
	*where = d->p;
	d->p += n;
	return 0;
}

static int decode(struct vdecoder *d, struct vvalue *v, int depth);

/* The kids' bytes were counted by get_count; each gives its claim back as
 * its own decoding starts, where it takes those bytes itself. */
static int
decode_kids(struct vdecoder *d, struct vvalue *v, int depth, int tagged)
{
	size_t each = tagged ? MIN_FIELD : MIN_VALUE;
	uint32_t i;

	if (v->n == 0)
		return 0;
	if ((v->kids = alloc_nodes(d, v->n)) == NULL)
		return -1;
	d->promised += (size_t)v->n * each;
	for (i = 0; i < v->n; i++) {
		d->promised -= each;
		if (tagged && get_varint(d, &v->kids[i].tag) < 0)
			return -1;
		if (decode(d, &v->kids[i], depth + 1) < 0)
			return -1;
	}
	return 0;
}

static int
decode(struct vdecoder *d, struct vvalue *v, int depth)
{
	uint8_t type, b;
	int64_t bits;
	const uint8_t *raw;

	if (depth > MAX_DEPTH) {
		d->error = "versioned data nested too deeply";
		return -1;
	}
	if (get_byte(d, &type) < 0)
		return -1;
	v->type = type;
	switch (type) {
	case V_ARRAY:
		return get_count(d, &v->n, MIN_VALUE) < 0 ? -1 :
		    decode_kids(d, v, depth, 0);
	case V_STRUCT:
		return get_count(d, &v->n, MIN_FIELD) < 0 ? -1 :
		    decode_kids(d, v, depth, 1);
	case V_BITARRAY:
		if (get_varint(d, &bits) < 0)
			return -1;
		if (bits < 0 || (uint64_t)bits > (uint64_t)(d->end - d->p) * 8) {
			d->error = "bit array larger than the data left";
			return -1;
		}
		v->i = bits;
		v->n = (uint32_t)((bits + 7) / 8);
		return take(d, v->n, &v->bytes);
	case V_BLOB:
		if (get_count(d, &v->n, 1) < 0)
			return -1;
		return take(d, v->n, &v->bytes);
	case V_CHOICE:
		if (get_varint(d, &v->i) < 0)
			return -1;
		v->n = 1;
		if ((v->kids = alloc_nodes(d, 1)) == NULL)
			return -1;
		return decode(d, v->kids, depth + 1);
	case V_OPTIONAL:
		if (get_byte(d, &b) < 0)
			return -1;
		v->i = b != 0;
		if (!b)
			return 0;
		v->n = 1;
		if ((v->kids = alloc_nodes(d, 1)) == NULL)
			return -1;
		return decode(d, v->kids, depth + 1);
	case V_U8:
		if (get_byte(d, &b) < 0)
			return -1;
		v->i = b;
		return 0;
	case V_U32:
		if (take(d, 4, &raw) < 0)
			return -1;
		v->bytes = raw;
		v->n = 4;
		v->i = (int64_t)((uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
		    (uint32_t)raw[2] << 8 | raw[3]);
		return 0;
	case V_U64:
		if (take(d, 8, &raw) < 0)
			return -1;
		v->bytes = raw;
		v->n = 8;
		for (int k = 0; k < 8; k++)
			v->i = (int64_t)((uint64_t)v->i << 8 | raw[k]);
		return 0;
	case V_INT:
		return get_varint(d, &v->i);
	default:
		d->error = "unknown versioned type byte";
		return -1;
	}
}

struct vvalue *
vd_value(struct vdecoder *d)
{
	struct vvalue *v;

	d->error = NULL;
	d->promised = 0;
	if ((v = alloc_nodes(d, 1)) == NULL)
		return NULL;
	if (decode(d, v, 0) < 0)
		return NULL;
	return v;
}

int
vd_at_end(const struct vdecoder *d)
{
	return d->p >= d->end;
}

const struct vvalue *
vv_field(const struct vvalue *v, int64_t tag)
{
	uint32_t i;

	if (v == NULL || v->type != V_STRUCT)
		return NULL;
	for (i = 0; i < v->n; i++) {
		if (v->kids[i].tag != tag)
			continue;
		v = &v->kids[i];
		/* Optional fields read as their value, or as absent. */
		if (v->type == V_OPTIONAL)
			return v->n ? v->kids : NULL;
		return v;
	}
	return NULL;
}

int64_t
vv_int(const struct vvalue *v, int64_t fallback)
{
	if (v && v->type == V_OPTIONAL)
		v = v->n ? v->kids : NULL;
	if (v == NULL)
		return fallback;
	switch (v->type) {
	case V_INT: case V_U8: case V_U32: case V_U64:
		return v->i;
	default:
		return fallback;
	}
}

int64_t
vv_field_int(const struct vvalue *v, int64_t tag, int64_t fallback)
{
	return vv_int(vv_field(v, tag), fallback);
}

const uint8_t *
vv_blob(const struct vvalue *v, size_t *len)
{
	if (v && v->type == V_OPTIONAL)
		v = v->n ? v->kids : NULL;
	if (v == NULL || (v->type != V_BLOB && v->type != V_U32))
		return NULL;
	*len = v->n;
	return v->bytes ? v->bytes : (const uint8_t *)"";
}
