/*
 * npz.c - numpy's .npz: a zip of .npy members, read and written with libzip
 *
 * Writing builds the zip in memory and hands the bytes to atomic_write(), so
 * a reader (the bot) sees the old model or the new one, never a torn file,
 * even after SIGKILL or a power cut.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "atomic.h"
#include "die.h"
#include "npz.h"

static void
push(struct npz *z, const char *name, size_t len, struct npy_array *a)
{
	struct npz_member *m;

	if (z->n == z->cap) {
		z->cap = z->cap ? z->cap * 2 : 16;
		z->m = xreallocarray(z->m, z->cap, sizeof z->m[0]);
	}
	m = &z->m[z->n++];
	m->name = xmalloc(len + 1);
	memcpy(m->name, name, len);
	m->name[len] = '\0';
	m->a = *a;
}

int
npz_read(const char *path, size_t limit, struct npz *z, struct strbuf *why)
{
	zip_int64_t i, count;
	zip_t *za;
	int error;

	memset(z, 0, sizeof *z);
	if ((za = zip_open(path, ZIP_RDONLY, &error)) == NULL) {
		if (error == ZIP_ER_NOZIP || error == ZIP_ER_INCONS)
			sb_adds(why, "not a zip archive (truncated or not an .npz)");
		else if (error == ZIP_ER_NOENT || error == ZIP_ER_OPEN)
			sb_adds(why, strerror(errno ? errno : ENOENT));
		else {
			zip_error_t ze;

			zip_error_init_with_code(&ze, error);
			sb_adds(why, zip_error_strerror(&ze));
			zip_error_fini(&ze);
		}
		return -1;
	}
	count = zip_get_num_entries(za, 0);
	for (i = 0; i < count; i++) {
		const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
		size_t len = name ? strlen(name) : 0;
		struct npy_array a;
		zip_stat_t st;
		zip_file_t *zf;
		uint8_t *buf;
		zip_int64_t got;
		int rc;

		if (len < 4 || strcmp(name + len - 4, ".npy") != 0)
			continue;
		if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0 ||
		    !(st.valid & ZIP_STAT_SIZE) || st.size > limit) {
			sb_printf(why, "%s: member missing its size or larger than "
			    "%zu bytes", name, limit);
			goto fail;
		}
		if ((zf = zip_fopen_index(za, (zip_uint64_t)i, 0)) == NULL) {
			sb_printf(why, "%s: %s", name, zip_strerror(za));
			goto fail;
		}
		buf = xmalloc(st.size ? st.size : 1);
		got = zip_fread(zf, buf, st.size);
		if (got < 0 || (zip_uint64_t)got != st.size) {
			sb_printf(why, "%s: damaged member: %s", name,
			    zip_file_strerror(zf));
			zip_fclose(zf);
			free(buf);
			goto fail;
		}
		zip_fclose(zf);
		rc = npy_parse(buf, st.size, &a, why);
		free(buf);
		if (rc < 0) {
			/* Name the member before the reason npy_parse gave. */
			struct strbuf msg = { 0 };

			sb_printf(&msg, "%s: %s", name, why->data);
			sb_reset(why);
			sb_add(why, msg.data, msg.len);
			sb_free(&msg);
			goto fail;
		}
		push(z, name, len - 4, &a);
	}
	zip_discard(za);
	return 0;
fail:
	zip_discard(za);
	npz_free(z);
	return -1;
}

const struct npy_array *
npz_get(const struct npz *z, const char *name)
{
	size_t i;

	for (i = 0; i < z->n; i++)
		if (strcmp(z->m[i].name, name) == 0)
			return &z->m[i].a;
	return NULL;
}

void
npz_free(struct npz *z)
{
	size_t i;

	for (i = 0; i < z->n; i++) {
		free(z->m[i].name);
		npy_free(&z->m[i].a);
	}
	free(z->m);
	memset(z, 0, sizeof *z);
}

void
npz_add(struct npz *z, const char *name, enum npy_dtype t, int ndim,
	const size_t *shape, const void *data)
{
	struct npy_array a;
	size_t bytes;
	int i;

	memset(&a, 0, sizeof a);
	a.dtype = t;
	a.ndim = ndim;
	a.count = 1;
	for (i = 0; i < ndim; i++) {
		a.shape[i] = shape[i];
		a.count *= shape[i];
	}
	bytes = a.count * npy_itemsize(t);
	a.data = xmalloc(bytes ? bytes : 1);
	if (bytes)
		memcpy(a.data, data, bytes);
	push(z, name, strlen(name), &a);
}

int
npz_write(const struct npz *z, const char *path, struct strbuf *why)
{
	struct strbuf *files = xcalloc(z->n ? z->n : 1, sizeof files[0]);
	zip_source_t *mem, *src;
	zip_error_t ze;
	zip_stat_t st;
	zip_t *za;
	uint8_t *bytes = NULL;
	size_t i;
	int rc = -1;

	zip_error_init(&ze);
	if ((mem = zip_source_buffer_create(NULL, 0, 0, &ze)) == NULL ||
	    (za = zip_open_from_source(mem, ZIP_TRUNCATE, &ze)) == NULL) {
		sb_printf(why, "zip: %s", zip_error_strerror(&ze));
		if (mem)
			zip_source_free(mem);
		goto out;
	}
	zip_source_keep(mem);
	for (i = 0; i < z->n; i++) {
		const struct npy_array *a = &z->m[i].a;
		char name[256];

		npy_write(&files[i], a->dtype, a->ndim, a->shape, a->data);
		snprintf(name, sizeof name, "%s.npy", z->m[i].name);
		src = zip_source_buffer(za, files[i].data, files[i].len, 0);
		if (src == NULL || zip_file_add(za, name, src, ZIP_FL_OVERWRITE) < 0) {
			sb_printf(why, "zip: %s", zip_strerror(za));
			zip_source_free(src);
			zip_discard(za);
			zip_source_free(mem);
			goto out;
		}
		zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_STORE, 0);
	}
	if (zip_close(za) < 0) {
		sb_printf(why, "zip: %s", zip_strerror(za));
		zip_discard(za);
		zip_source_free(mem);
		goto out;
	}
	if (zip_source_stat(mem, &st) < 0 || zip_source_open(mem) < 0) {
		sb_adds(why, "zip: cannot read the archive back from memory");
		zip_source_free(mem);
		goto out;
	}
	bytes = xmalloc(st.size ? st.size : 1);
	if (zip_source_read(mem, bytes, st.size) != (zip_int64_t)st.size) {
		sb_adds(why, "zip: short read from memory");
		zip_source_close(mem);
		zip_source_free(mem);
		goto out;
	}
	zip_source_close(mem);
	zip_source_free(mem);
	if (atomic_write(path, bytes, st.size) < 0)
		sb_printf(why, "%s", strerror(errno));
	else
		rc = 0;
out:
	for (i = 0; i < z->n; i++)
		sb_free(&files[i]);
	free(files);
	free(bytes);
	zip_error_fini(&ze);
	return rc;
}
