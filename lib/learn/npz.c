/*
 * npz.c - numpy's .npz: a zip of .npy members, read and written with libzip
 *
 * Writing builds the zip in memory and hands the bytes to atomic_write(), so
 * a reader (the bot) sees the old model or the new one, never a torn file,
 * even after SIGKILL or a power cut. Reading takes the file's bytes once
 * (regular files only, opened without blocking, so a FIFO named x.npz
 * cannot hang a run) and parses the zip from memory: the bytes hashed to
 * know a game or a candidate are the bytes trained on or merged.
 * Written files carry no clock: every entry is dated 1980-01-01 00:00, as
 * np.savez dates its own, so the same model is the same bytes.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "atomic.h"
#include "die.h"
#include "npz.h"
#include "zipdir.h"

/* Deflate gives at most this many bytes for one (RFC 1951: 258 per 2 bits, about 1032). */
#define DEFLATE_MAX_RATIO 1032

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

/* Why a path is not a file we read, in the words a user needs. */
static void
not_a_file(const struct stat *st, struct strbuf *why)
{
	if (S_ISDIR(st->st_mode))
		sb_adds(why, "is a folder, not a file");
	else
		sb_adds(why, "not a regular file (a FIFO, device or socket)");
}

int
npz_load(const char *path, size_t limit, struct npz_bytes *b, struct strbuf *why)
{
	struct stat st;
	size_t n = 0;
	ssize_t got;
	int fd;

	memset(b, 0, sizeof *b);
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		sb_adds(why, errno == EISDIR ? "is a folder, not a file" :
		    strerror(errno));
		return NPZ_UNREADABLE;
	}
	if (fstat(fd, &st) < 0) {
		sb_adds(why, strerror(errno));
		close(fd);
		return NPZ_UNREADABLE;
	}
	if (!S_ISREG(st.st_mode)) {
		not_a_file(&st, why);
		close(fd);
		return NPZ_UNREADABLE;
	}
	if ((unsigned long long)st.st_size > limit) {
		sb_printf(why, "larger than %zu bytes", limit);
		close(fd);
		return NPZ_BAD;
	}
	b->size = (size_t)st.st_size;
	b->data = xmalloc(b->size ? b->size : 1);
	while (n < b->size) {
		if ((got = read(fd, b->data + n, b->size - n)) < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			sb_adds(why, strerror(errno));
			close(fd);
			npz_bytes_free(b);
			return NPZ_UNREADABLE;
		}
		if (got == 0)
			break;	/* shrunk while read: what is there is judged */
		n += (size_t)got;
	}
	b->size = n;
	close(fd);
	return 0;
}

void
npz_bytes_free(struct npz_bytes *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* The zip in b, opened read-only from memory; NULL with a reason in why. */
static zip_t *
open_bytes(const struct npz_bytes *b, struct strbuf *why)
{
	zip_source_t *src;
	zip_error_t ze;
	zip_t *za;

	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(b->data, b->size, 0, &ze)) == NULL) {
		sb_printf(why, "zip: %s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return NULL;
	}
	if ((za = zip_open_from_source(src, ZIP_RDONLY, &ze)) == NULL) {
		int code = zip_error_code_zip(&ze);

		if (code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS)
			sb_adds(why, "not a zip archive (truncated or not an .npz)");
		else
			sb_adds(why, zip_error_strerror(&ze));
		zip_source_free(src);
	}
	zip_error_fini(&ze);
	return za;
}

int
npz_holds_any(const struct npz_bytes *b, const char *const *names)
{
	struct strbuf ignored = { 0 }, member = { 0 };
	zip_t *za = open_bytes(b, &ignored);
	int found = 0;

	sb_free(&ignored);
	if (za == NULL)
		return -1;
	for (; *names != NULL && !found; names++) {
		sb_reset(&member);
		sb_printf(&member, "%s.npy", *names);
		found = zip_name_locate(za, member.data, 0) >= 0;
	}
	sb_free(&member);
	zip_discard(za);
	return found;
}

/* Name the member before the reason already in why. */
static void
name_it(const char *name, struct strbuf *why)
{
	struct strbuf msg = { 0 };

	sb_printf(&msg, "%s: %s", name, why->data ? why->data : "");
	sb_reset(why);
	sb_add(why, msg.data, msg.len);
	sb_free(&msg);
}

/*
 * Whether a member's claimed size can come from its compressed bytes: a
 * stored member is its bytes, and deflate cannot expand beyond
 * DEFLATE_MAX_RATIO to one. Checked before anything of that size is
 * allocated, so a small file cannot make us allocate a large one.
 */
static int
plausible(const zip_stat_t *st, const struct npz_limits *lim,
	  struct strbuf *why)
{
	if (!(st->valid & ZIP_STAT_SIZE) || !(st->valid & ZIP_STAT_COMP_SIZE) ||
	    !(st->valid & ZIP_STAT_COMP_METHOD)) {
		sb_adds(why, "member missing its size");
		return -1;
	}
	if (st->size > lim->member) {
		sb_printf(why, "member of %llu bytes: larger than the %zu-byte "
		    "limit", (unsigned long long)st->size, lim->member);
		return -1;
	}
	if (st->comp_method == ZIP_CM_STORE && st->size != st->comp_size) {
		sb_adds(why, "stored member whose size is not its bytes");
		return -1;
	}
	if (st->comp_method == ZIP_CM_DEFLATE &&
	    st->size / DEFLATE_MAX_RATIO > st->comp_size) {
		sb_printf(why, "claims %llu bytes from %llu deflated bytes: "
		    "more than deflate can give", (unsigned long long)st->size,
		    (unsigned long long)st->comp_size);
		return -1;
	}
	if (st->comp_method != ZIP_CM_STORE && st->comp_method != ZIP_CM_DEFLATE) {
		sb_printf(why, "compression method %d (numpy writes stored or "
		    "deflated members only)", (int)st->comp_method);
		return -1;
	}
	return 0;
}

/* Exactly n bytes of zf into p; -1 with a reason when fewer there are. */
static int
read_exactly(zip_file_t *zf, void *p, size_t n, struct strbuf *why)
{
	zip_int64_t got = n ? zip_fread(zf, p, n) : 0;

	if (got < 0 || (zip_uint64_t)got != n) {
		sb_printf(why, "damaged member: %s", got < 0 ?
		    zip_file_strerror(zf) : "shorter than its size");
		return -1;
	}
	return 0;
}

/*
 * One member: its .npy header is inflated first and checked (shape times
 * item size must fill the member exactly; the caller's filter sees the
 * dtype and shape), then its data is read straight into the array.
 * Returns 1 (a holds it), 0 (the filter skips it) or -1.
 */
static int
member(zip_t *za, zip_uint64_t i, const char *name, const zip_stat_t *st,
       const struct npz_limits *lim, size_t *total, struct npy_array *a,
       struct strbuf *why)
{
	uint8_t first[12], *head = first;
	size_t have, want, off, bytes;
	zip_file_t *zf;
	int rc = -1;

	if ((zf = zip_fopen_index(za, i, 0)) == NULL) {
		sb_adds(why, zip_strerror(za));
		return -1;
	}
	have = st->size < sizeof first ? (size_t)st->size : sizeof first;
	if (read_exactly(zf, first, have, why) < 0)
		goto out;
	while ((rc = npy_header(head, have, (size_t)st->size, a, &want, why)) == 1) {
		/* want <= st->size, which plausible() bounded by the data. */
		if (head == first) {
			head = xmalloc(want);
			memcpy(head, first, have);
		} else
			head = xrealloc(head, want);
		if (read_exactly(zf, head + have, want - have, why) < 0) {
			rc = -1;
			goto out;
		}
		have = want;
	}
	if (rc < 0)
		goto out;
	if (lim->keep != NULL && (rc = lim->keep(name, a, why)) <= 0)
		goto out;
	off = want;
	bytes = (size_t)st->size - off;
	if (bytes > lim->total - *total) {
		sb_printf(why, "the file's members come to more than %zu bytes",
		    lim->total);
		rc = -1;
		goto out;
	}
	*total += bytes;
	a->data = xmalloc(bytes ? bytes : 1);
	/* What the header read past its end is the data's start. */
	if (have > off)
		memcpy(a->data, head + off, have - off);
	if (read_exactly(zf, (uint8_t *)a->data + (have - off),
	    bytes - (have - off), why) < 0) {
		npy_free(a);
		rc = -1;
		goto out;
	}
	rc = 1;
out:
	if (head != first)
		free(head);
	zip_fclose(zf);
	return rc;
}

int
npz_parse_with(const struct npz_bytes *b, const struct npz_limits *lim,
	       struct npz *z, struct strbuf *why)
{
	zip_int64_t i, count;
	size_t total = 0;
	zip_t *za;

	memset(z, 0, sizeof *z);
	/* Every member's bytes its own and inside the file, before inflating. */
	if (zipdir_check(b->data, b->size, why) < 0)
		return NPZ_BAD;
	if ((za = open_bytes(b, why)) == NULL)
		return NPZ_BAD;
	count = zip_get_num_entries(za, 0);
	for (i = 0; i < count; i++) {
		const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
		size_t len = name ? strlen(name) : 0;
		struct npy_array a;
		zip_stat_t st;
		int rc;

		if (len < 4 || strcmp(name + len - 4, ".npy") != 0)
			continue;
		if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0 ||
		    plausible(&st, lim, why) < 0 ||
		    (rc = member(za, (zip_uint64_t)i, name, &st, lim, &total, &a,
		    why)) < 0) {
			name_it(name, why);
			goto fail;
		}
		if (rc == 1)
			push(z, name, len - 4, &a);
	}
	zip_discard(za);
	return 0;
fail:
	zip_discard(za);
	npz_free(z);
	return NPZ_BAD;
}

int
npz_parse(const struct npz_bytes *b, size_t limit, struct npz *z,
	  struct strbuf *why)
{
	struct npz_limits lim = { limit, limit, NULL };

	return npz_parse_with(b, &lim, z, why);
}

int
npz_read(const char *path, size_t limit, struct npz *z, struct strbuf *why)
{
	struct npz_bytes b;
	int rc;

	memset(z, 0, sizeof *z);
	if ((rc = npz_load(path, NPZ_FILE_LIMIT, &b, why)) < 0)
		return rc;
	rc = npz_parse(&b, limit, z, why);
	npz_bytes_free(&b);
	return rc;
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

/*
 * The first time a zip can hold (DOS time), which np.savez writes too.
 * libzip turns a time_t into DOS time in local time, so the time_t is made
 * from local time: 1980-01-01 00:00 whatever the time zone.
 */
static time_t
zip_epoch(void)
{
	struct tm tm = { .tm_year = 80, .tm_mon = 0, .tm_mday = 1, .tm_isdst = -1 };

	return mktime(&tm);
}

int
npz_write(const struct npz *z, const char *path, struct strbuf *why)
{
	struct strbuf *files = xcalloc(z->n ? z->n : 1, sizeof files[0]);
	zip_source_t *mem, *src;
	zip_error_t ze;
	zip_stat_t st;
	zip_t *za;
	zip_int64_t at;
	uint8_t *bytes = NULL;
	time_t epoch = zip_epoch();
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
		if (src == NULL ||
		    (at = zip_file_add(za, name, src, ZIP_FL_OVERWRITE)) < 0) {
			sb_printf(why, "zip: %s", zip_strerror(za));
			zip_source_free(src);
			zip_discard(za);
			zip_source_free(mem);
			goto out;
		}
		zip_set_file_compression(za, (zip_uint64_t)at, ZIP_CM_STORE, 0);
		zip_file_set_mtime(za, (zip_uint64_t)at, epoch, 0);
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
