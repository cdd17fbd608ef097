/*
 * npy.c - numpy's .npy arrays: header, data, the dtypes the bot uses
 *
 * The header is a Python dict literal; we read the three keys numpy writes
 * ('descr', 'fortran_order', 'shape') and refuse anything else we cannot
 * honour rather than guess.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "npy.h"

static const struct {
	const char *descr;
	enum npy_dtype type;
	size_t size;
} dtypes[] = {
	{ "<f4", NPY_F4, 4 }, { "<f8", NPY_F8, 8 }, { "<i4", NPY_I4, 4 },
	{ "<i8", NPY_I8, 8 }, { "|u1", NPY_U1, 1 }, { "|b1", NPY_B1, 1 },
};
#define N_DTYPES (sizeof dtypes / sizeof dtypes[0])

/* The format's magic, and the v1 preamble: magic, version, header length. */
#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_V1_PREAMBLE 10
/* numpy pads the header so that the data starts on this boundary. */
#define NPY_ALIGN 64
/* A dtype longer than this is not one numpy writes: it is not echoed. */
#define NPY_DESCR_SHOWN 32

size_t
npy_itemsize(enum npy_dtype t)
{
	size_t i;

	for (i = 0; i < N_DTYPES; i++)
		if (dtypes[i].type == t)
			return dtypes[i].size;
	return 0;
}

/* The text after 'key': in the header, or NULL. */
static const char *
dict_value(const char *h, const char *key)
{
	const char *p = strstr(h, key);

	if (p == NULL)
		return NULL;
	p += strlen(key);
	while (*p == ' ')
		p++;
	if (*p != ':')
		return NULL;
	p++;
	while (*p == ' ')
		p++;
	return p;
}

/*
 * Say which dtype d (the text after 'descr':) is, whole, and why we refuse
 * it: the reason must not stop mid-word at a fixed width.
 */
static void
unsupported_dtype(const char *d, struct strbuf *why)
{
	size_t len = 0;

	if (*d == '\'')
		len = strcspn(d + 1, "'");
	if (len == 0 || d[len + 1] != '\'' || len > NPY_DESCR_SHOWN) {
		sb_adds(why, "unsupported npy dtype (not a simple type such as "
		    "'<f4'); only little-endian <f4 <f8 <i4 <i8 |u1 |b1 are read");
		return;
	}
	sb_printf(why, "unsupported npy dtype '%.*s'%s; only little-endian "
	    "<f4 <f8 <i4 <i8 |u1 |b1 are read", (int)len, d + 1,
	    d[1] == '>' ? " (big-endian)" : "");
}

static int
parse_header(const char *h, struct npy_array *a, struct strbuf *why)
{
	const char *d = dict_value(h, "'descr'");
	const char *f = dict_value(h, "'fortran_order'");
	const char *s = dict_value(h, "'shape'");
	size_t i;

	if (d == NULL || f == NULL || s == NULL) {
		sb_adds(why, "npy header lacks descr, fortran_order or shape");
		return -1;
	}
	for (i = 0; i < N_DTYPES; i++) {
		size_t n = strlen(dtypes[i].descr);

		if (d[0] == '\'' && strncmp(d + 1, dtypes[i].descr, n) == 0 &&
		    d[n + 1] == '\'')
			break;
	}
	if (i == N_DTYPES) {
		unsupported_dtype(d, why);
		return -1;
	}
	a->dtype = dtypes[i].type;
	if (strncmp(f, "False", 5) != 0) {
		sb_adds(why, "Fortran-order npy arrays are not supported");
		return -1;
	}
	if (*s++ != '(') {
		sb_adds(why, "npy shape is not a tuple");
		return -1;
	}
	a->ndim = 0;
	a->count = 1;
	for (;;) {
		char *end;
		unsigned long long v;

		while (*s == ' ')
			s++;
		if (*s == ')')
			break;
		if (!isdigit((unsigned char)*s) || a->ndim == NPY_MAX_DIMS) {
			sb_adds(why, "bad npy shape");
			return -1;
		}
		v = strtoull(s, &end, 10);
		if (v > SIZE_MAX || (v && a->count > SIZE_MAX / v)) {
			sb_adds(why, "npy shape too large");
			return -1;
		}
		a->shape[a->ndim++] = (size_t)v;
		a->count *= (size_t)v;
		s = end;
		while (*s == ' ')
			s++;
		if (*s == ',')
			s++;
	}
	return 0;
}

int
npy_header(const uint8_t *buf, size_t have, size_t size, struct npy_array *a,
	   size_t *data_off, struct strbuf *why)
{
	size_t header_len, offset, bytes, item;
	char *header;
	int rc;

	memset(a, 0, sizeof *a);
	if (size < NPY_V1_PREAMBLE || have < NPY_V1_PREAMBLE ||
	    memcmp(buf, NPY_MAGIC, NPY_MAGIC_LEN) != 0) {
		sb_adds(why, "not a .npy array (bad magic)");
		return -1;
	}
	if (buf[6] == 1) {
		header_len = (size_t)buf[8] | (size_t)buf[9] << 8;
		offset = NPY_V1_PREAMBLE;
	} else if ((buf[6] == 2 || buf[6] == 3) && size >= 12) {
		if (have < 12) {
			*data_off = 12;
			return 1;
		}
		header_len = (size_t)buf[8] | (size_t)buf[9] << 8 |
		    (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
		offset = 12;
	} else {
		sb_printf(why, "unsupported .npy version %d.%d", buf[6], buf[7]);
		return -1;
	}
	if (header_len > size - offset) {
		sb_adds(why, "truncated .npy header");
		return -1;
	}
	if (have < offset + header_len) {
		/* The caller reads this much more and asks again. */
		*data_off = offset + header_len;
		return 1;
	}
	header = xmalloc(header_len + 1);
	memcpy(header, buf + offset, header_len);
	header[header_len] = '\0';
	rc = parse_header(header, a, why);
	free(header);
	if (rc < 0)
		return -1;
	offset += header_len;
	item = npy_itemsize(a->dtype);
	if (a->count > SIZE_MAX / item) {
		sb_adds(why, "npy shape too large");
		return -1;
	}
	bytes = a->count * item;
	/* Bounded by the bytes there are, before anything is allocated. */
	if (bytes != size - offset) {
		sb_printf(why, "npy data is %zu bytes, its shape needs %zu",
		    size - offset, bytes);
		return -1;
	}
	*data_off = offset;
	return 0;
}

int
npy_parse(const uint8_t *buf, size_t size, struct npy_array *a,
	  struct strbuf *why)
{
	size_t offset, bytes;

	if (npy_header(buf, size, size, a, &offset, why) != 0)
		return -1;	/* all of it is there: 1 cannot happen */
	bytes = size - offset;
	a->data = xmalloc(bytes ? bytes : 1);
	memcpy(a->data, buf + offset, bytes);
	return 0;
}

void
npy_free(struct npy_array *a)
{
	free(a->data);
	a->data = NULL;
}

double
npy_f64(const struct npy_array *a, size_t i)
{
	switch (a->dtype) {
	case NPY_F4: return ((const float *)a->data)[i];
	case NPY_F8: return ((const double *)a->data)[i];
	case NPY_I4: return ((const int32_t *)a->data)[i];
	case NPY_I8: return (double)((const int64_t *)a->data)[i];
	default: return ((const uint8_t *)a->data)[i];
	}
}

int64_t
npy_i64(const struct npy_array *a, size_t i)
{
	switch (a->dtype) {
	case NPY_I4: return ((const int32_t *)a->data)[i];
	case NPY_I8: return ((const int64_t *)a->data)[i];
	case NPY_U1: case NPY_B1: return ((const uint8_t *)a->data)[i];
	default: {
		double v = npy_f64(a, i);

		return v == v && v > -9.2e18 && v < 9.2e18 ? (int64_t)v : INT64_MIN;
	}
	}
}

void
npy_write(struct strbuf *out, enum npy_dtype t, int ndim, const size_t *shape,
	  const void *data)
{
	struct strbuf h = { 0 };
	size_t i, count = 1, total;

	sb_adds(&h, "{'descr': '");
	for (i = 0; i < N_DTYPES; i++)
		if (dtypes[i].type == t)
			sb_adds(&h, dtypes[i].descr);
	sb_adds(&h, "', 'fortran_order': False, 'shape': (");
	for (i = 0; i < (size_t)ndim; i++) {
		sb_printf(&h, "%zu,", shape[i]);
		if (i + 1 < (size_t)ndim)
			sb_addc(&h, ' ');
		count *= shape[i];
	}
	if (ndim > 1)
		h.len--;	/* numpy writes (15, 64) but (64,) */
	sb_adds(&h, "), }");
	total = NPY_V1_PREAMBLE + h.len + 1;
	while (total % NPY_ALIGN) {
		sb_addc(&h, ' ');
		total++;
	}
	sb_addc(&h, '\n');
	sb_add(out, NPY_MAGIC, NPY_MAGIC_LEN);
	sb_addc(out, 1);	/* version 1.0 */
	sb_addc(out, 0);
	sb_addc(out, (char)(h.len & 0xff));
	sb_addc(out, (char)(h.len >> 8));
	sb_add(out, h.data, h.len);
	sb_add(out, data, count * npy_itemsize(t));
	sb_free(&h);
}
