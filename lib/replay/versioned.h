/* versioned.h - the schema-less decoder of Blizzard's "versioned" format */
#ifndef VERSIONED_H
#define VERSIONED_H

#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

/*
 * One decoded value. Arrays and structs hold n children in kids; a struct
 * child carries its field tag in tag. A choice or a present optional holds
 * its value in kids[0] (n = 1). Blobs, bit arrays and fourccs point into the
 * input, which must outlive the value.
 */
struct vvalue {
	enum vtype type;
	uint32_t n;
	int64_t tag;
	int64_t i;		/* integers, choice tags */
	const uint8_t *bytes;	/* blob, bitarray, u32 contents */
	struct vvalue *kids;
};

/*
 * Nodes come from an arena that a decode fills and vd_reset() empties. Its
 * memory is at most VD_BYTES_PER times the input's size plus VD_FIXED bytes;
 * a value that would need more is an error ("needs more memory").
 */
#define VD_BYTES_PER	8
#define VD_FIXED	((size_t)4 << 20)

struct varena;

struct vdecoder {
	const uint8_t *p, *end;
	struct varena *arena;
	size_t promised;	/* bytes claimed by nodes not yet decoded */
	const char *error;	/* set when vd_value() returns NULL */
};

void vd_init(struct vdecoder *d, const uint8_t *data, size_t size);
void vd_reset(struct vdecoder *d);	/* forget all values decoded so far */
void vd_free(struct vdecoder *d);

/* Decode the next value; NULL on damaged or truncated input. */
struct vvalue *vd_value(struct vdecoder *d);
int vd_at_end(const struct vdecoder *d);

/* Lookups that tolerate any shape: NULL or the fallback when absent.
 * A present optional field reads as its value. */
const struct vvalue *vv_field(const struct vvalue *v, int64_t tag);
int64_t vv_int(const struct vvalue *v, int64_t fallback);
int64_t vv_field_int(const struct vvalue *v, int64_t tag, int64_t fallback);
/* A blob's bytes and length (or a fourcc's 4 bytes); NULL when not one. */
const uint8_t *vv_blob(const struct vvalue *v, size_t *len);

#endif
