/* npy.h - numpy's .npy arrays: header, data, the dtypes the bot uses */
#ifndef NPY_H
#define NPY_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum npy_dtype { NPY_F4, NPY_F8, NPY_I4, NPY_I8, NPY_U1, NPY_B1 };

#define NPY_MAX_DIMS 4

struct npy_array {
	enum npy_dtype dtype;
	int ndim;
	size_t shape[NPY_MAX_DIMS];
	size_t count;		/* product of the shape */
	void *data;		/* little-endian, C order, malloc'd */
};

size_t npy_itemsize(enum npy_dtype t);

/*
 * Parse a .npy file held in buf[0..size) (v1.0, v2.0 or v3.0 header,
 * little-endian <f4 <f8 <i4 <i8 |u1 |b1, C order). The element count is
 * checked against the bytes present before anything is allocated. Returns
 * 0, or -1 with a reason in why.
 */
int npy_parse(const uint8_t *buf, size_t size, struct npy_array *a,
	      struct strbuf *why);
/*
 * The header of a size-byte .npy whose first have bytes are in buf: a's
 * dtype, shape and count (no data), and where the data starts in
 * *data_off. The shape must fill exactly the size - *data_off bytes that
 * follow, so a member's claimed size is checked before it is allocated.
 * Returns 0; 1 when the header needs the first *data_off bytes (at most
 * size) and buf has fewer; -1 with a reason in why.
 */
int npy_header(const uint8_t *buf, size_t have, size_t size,
	       struct npy_array *a, size_t *data_off, struct strbuf *why);
void npy_free(struct npy_array *a);

/* Element i as a double / as an integer, whatever the dtype. */
double npy_f64(const struct npy_array *a, size_t i);
int64_t npy_i64(const struct npy_array *a, size_t i);

/* Append a v1.0 .npy file, header padded so the data starts at a multiple of 64. */
void npy_write(struct strbuf *out, enum npy_dtype t, int ndim,
	       const size_t *shape, const void *data);

#endif
