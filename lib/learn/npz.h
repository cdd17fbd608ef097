/* npz.h - numpy's .npz: a zip of .npy members, read and written with libzip */
#ifndef NPZ_H
#define NPZ_H

#include <stddef.h>
#include <stdint.h>

#include "npy.h"
#include "strbuf.h"

struct npz_member {
	char *name;		/* without ".npy" */
	struct npy_array a;
};

struct npz {
	struct npz_member *m;
	size_t n, cap;
};

/* What the readers return: the file's content is bad, or it cannot be read. */
#define NPZ_BAD		(-1)
#define NPZ_UNREADABLE	(-2)

/* No .npz the suite reads (a model, a game) is larger than this. */
#define NPZ_FILE_LIMIT	((size_t)4 << 30)

/* A file's bytes, read once. */
struct npz_bytes {
	uint8_t *data;
	size_t size;
};

/*
 * The bytes of path, a regular file of at most limit bytes. Nothing else
 * is read: a folder, FIFO or device is refused without blocking. Returns
 * 0, NPZ_UNREADABLE (cannot be opened or read, not a regular file) or
 * NPZ_BAD (too large), with a reason in why.
 */
int npz_load(const char *path, size_t limit, struct npz_bytes *b,
	     struct strbuf *why);
void npz_bytes_free(struct npz_bytes *b);

/* Bytes held elsewhere, seen as npz_bytes to parse: never changed, never freed. */
static inline struct npz_bytes
npz_bytes_view(const uint8_t *data, size_t size)
{
	return (struct npz_bytes){ (uint8_t *)(uintptr_t)data, size };
}
/* Whether the zip in b has a member NAME.npy for any of names (NULL-ended); -1 not a zip. */
int npz_holds_any(const struct npz_bytes *b, const char *const *names);
/*
 * What a reader accepts: the largest member and the most all the members
 * kept may come to (inflated), and a filter that sees each member's name,
 * dtype and shape (no data yet) and returns 1 to keep it, 0 to skip it
 * (never inflated), -1 to refuse the file with a reason in why. NULL
 * keeps every member.
 */
struct npz_limits {
	size_t member, total;
	int (*keep)(const char *name, const struct npy_array *hdr,
		    struct strbuf *why);
};

/*
 * Every .npy member of the .npz in b (stored or deflated). Refused before
 * anything is inflated: entries that share bytes or lie outside the file,
 * a member larger than lim->member or than its compressed bytes can
 * give; before a member's data is allocated: a header whose shape does
 * not fill the member exactly, a member the filter refuses, members that
 * come to more than lim->total. Returns 0, or NPZ_BAD with a reason in
 * why (then z holds nothing).
 */
int npz_parse_with(const struct npz_bytes *b, const struct npz_limits *lim,
		   struct npz *z, struct strbuf *why);
/* npz_parse_with() keeping every member, limit the largest and the total. */
int npz_parse(const struct npz_bytes *b, size_t limit, struct npz *z,
	      struct strbuf *why);
/* npz_load() and npz_parse(): 0, NPZ_UNREADABLE or NPZ_BAD. */
int npz_read(const char *path, size_t limit, struct npz *z, struct strbuf *why);
const struct npy_array *npz_get(const struct npz *z, const char *name);
void npz_free(struct npz *z);

/* Add a member (data copied) to be written by npz_write(). */
void npz_add(struct npz *z, const char *name, enum npy_dtype t, int ndim,
	     const size_t *shape, const void *data);
/* Write z as an .npz (stored members, as np.savez) to path, atomically. */
int npz_write(const struct npz *z, const char *path, struct strbuf *why);

#endif
