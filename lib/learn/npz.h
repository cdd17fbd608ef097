/* npz.h - numpy's .npz: a zip of .npy members, read and written with libzip */
#ifndef NPZ_H
#define NPZ_H

#include <stddef.h>

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

/*
 * Read every .npy member of the .npz at path (stored or deflated). Members
 * larger than limit bytes are refused before they are inflated. Returns 0,
 * or -1 with a reason in why (then z holds nothing).
 */
int npz_read(const char *path, size_t limit, struct npz *z, struct strbuf *why);
const struct npy_array *npz_get(const struct npz *z, const char *name);
void npz_free(struct npz *z);

/* Add a member (data copied) to be written by npz_write(). */
void npz_add(struct npz *z, const char *name, enum npy_dtype t, int ndim,
	     const size_t *shape, const void *data);
/* Write z as an .npz (stored members, as np.savez) to path, atomically. */
int npz_write(const struct npz *z, const char *path, struct strbuf *why);

#endif
