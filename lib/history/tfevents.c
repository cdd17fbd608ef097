/*
 * tfevents.c - TensorBoard event files, written without TensorFlow
 *
 * `tensorboard --logdir STATE/tensorboard` is how people in this field watch
 * a run, so the driver writes the history's scalars as TensorBoard reads
 * them: TFRecords (length, masked CRC-32C, payload, masked CRC-32C), each
 * payload a tensorboard.Event protobuf. Only the few fields we use are
 * encoded, by hand: a protobuf library for three message types would
 * outweigh the rest of the driver. A driver run appends to the newest file
 * rather than starting one per run (cron starts one every few minutes, and
 * TensorBoard reads every file of the folder at each refresh).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc32c.h"
#include "die.h"
#include "file.h"
#include "path.h"
#include "tfevents.h"

/* A file this large is full: the next run starts another. */
#define TFEVENTS_FILE_LIMIT (16u << 20)
/* TensorBoard knows event files by this in their names; ours end with ".bgtrain". */
#define TFEVENTS_PREFIX "events.out.tfevents."
#define TFEVENTS_SUFFIX ".bgtrain"

/* Protobuf wire types. */
enum { WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_BYTES = 2, WIRE_FIXED32 = 5 };

static void
put_varint(struct strbuf *sb, uint64_t v)
{
	char b[10];
	size_t n = 0;

	while (v >= 0x80) {
		b[n++] = (char)(v | 0x80);
		v >>= 7;
	}
	b[n++] = (char)v;
	sb_add(sb, b, n);
}

static void
put_key(struct strbuf *sb, unsigned field, unsigned wire)
{
	put_varint(sb, (uint64_t)field << 3 | wire);
}

static void
put_le(struct strbuf *sb, uint64_t v, int bytes)
{
	char b[8];
	int i;

	for (i = 0; i < bytes; i++)
		b[i] = (char)(v >> (8 * i));
	sb_add(sb, b, (size_t)bytes);
}

static void
put_bytes(struct strbuf *sb, unsigned field, const void *p, size_t n)
{
	put_key(sb, field, WIRE_BYTES);
	put_varint(sb, n);
	sb_add(sb, p, n);
}

static size_t
varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static size_t
tag_size(const struct tb_scalar *v)
{
	return (v->prefix ? strlen(v->prefix) + 1 : 0) + strlen(v->tag);
}

/* Summary.Value: tag (1) and simple_value (2, fixed32). */
static size_t
value_size(const struct tb_scalar *v)
{
	size_t t = tag_size(v);

	return 1 + varint_size(t) + t + 1 + 4;
}

/*
 * Written straight into sb, lengths first (computed, not measured from
 * temporary buffers): the driver encodes an event a job, and every buffer
 * it touches costs it a page fault after each fork.
 */
void
tfevent_encode(struct strbuf *sb, double wall_time, int64_t step,
	       const char *file_version, const struct tb_scalar *v, size_t n)
{
	size_t i, summary = 0, vs, t;
	uint64_t bits;
	float f;
	uint32_t fbits;

	memcpy(&bits, &wall_time, sizeof bits);
	put_key(sb, 1, WIRE_FIXED64);		/* Event.wall_time */
	put_le(sb, bits, 8);
	put_key(sb, 2, WIRE_VARINT);		/* Event.step */
	put_varint(sb, (uint64_t)step);
	if (file_version) {
		put_bytes(sb, 3, file_version, strlen(file_version));
		return;
	}
	for (i = 0; i < n; i++) {
		vs = value_size(&v[i]);
		summary += 1 + varint_size(vs) + vs;
	}
	put_key(sb, 5, WIRE_BYTES);		/* Event.summary */
	put_varint(sb, summary);
	for (i = 0; i < n; i++) {
		put_key(sb, 1, WIRE_BYTES);	/* Summary.value */
		put_varint(sb, value_size(&v[i]));
		t = tag_size(&v[i]);
		put_key(sb, 1, WIRE_BYTES);	/* Value.tag */
		put_varint(sb, t);
		if (v[i].prefix) {
			sb_adds(sb, v[i].prefix);
			sb_addc(sb, '/');
		}
		sb_adds(sb, v[i].tag);
		put_key(sb, 2, WIRE_FIXED32);	/* Value.simple_value */
		f = (float)v[i].value;
		memcpy(&fbits, &f, sizeof fbits);
		put_le(sb, fbits, 4);
	}
}

/* The 12 bytes before a payload of n bytes: its length and the length's CRC. */
static void
frame_head(unsigned char head[12], size_t n)
{
	uint32_t c;
	int i;

	for (i = 0; i < 8; i++)
		head[i] = (unsigned char)((uint64_t)n >> (8 * i));
	c = crc32c_masked(head, 8);
	for (i = 0; i < 4; i++)
		head[8 + i] = (unsigned char)(c >> (8 * i));
}

void
tfrecord_frame(struct strbuf *sb, const void *payload, size_t n)
{
	unsigned char head[12];

	frame_head(head, n);
	sb_add(sb, head, 12);
	sb_add(sb, payload, n);
	put_le(sb, crc32c_masked(payload, n), 4);
}

static uint64_t
get_le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	int i;

	for (i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

size_t
tfrecord_valid_end(const unsigned char *data, size_t size)
{
	size_t at = 0;

	while (size - at >= 12) {
		uint64_t n = get_le(data + at, 8);

		if (get_le(data + at + 8, 4) != crc32c_masked(data + at, 8) ||
		    n > size - at - 16 ||
		    get_le(data + at + 12 + n, 4) != crc32c_masked(data + at + 12, n))
			break;
		at += 12 + n + 4;
	}
	return at;
}

static int
is_ours(const char *name)
{
	size_t n = strlen(name), s = sizeof TFEVENTS_SUFFIX - 1;

	return strncmp(name, TFEVENTS_PREFIX, sizeof TFEVENTS_PREFIX - 1) == 0 &&
	    n > s && strcmp(name + n - s, TFEVENTS_SUFFIX) == 0;
}

/* The newest of our files in dir (names sort by their start time), or NULL. */
static char *
newest(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char *best = NULL;

	if (dp == NULL)
		return NULL;
	while ((de = readdir(dp)) != NULL)
		if (is_ours(de->d_name) && (best == NULL || strcmp(de->d_name, best) > 0)) {
			free(best);
			best = xstrdup(de->d_name);
		}
	closedir(dp);
	return best;
}

/* Append to path when it holds whole records (a torn tail cut off): 0, or -1. */
static int
reuse(struct tfevents *t, char *path)
{
	size_t size, end;
	char *data = file_read(path, TFEVENTS_FILE_LIMIT, &size);
	int fd;

	if (data == NULL)
		return -1;
	end = tfrecord_valid_end((const unsigned char *)data, size);
	free(data);
	if (end == 0)
		return -1;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return -1;
	if (end < size && ftruncate(fd, (off_t)end) < 0) {
		close(fd);
		return -1;
	}
	t->fd = fd;
	t->path = path;
	return 0;
}

int
tfevents_open(struct tfevents *t, const char *dir, double now, struct strbuf *why)
{
	struct strbuf ev = { 0 }, rec = { 0 };
	char name[256], host[64] = "localhost", *last;
	ssize_t w;

	memset(t, 0, sizeof *t);
	t->fd = -1;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		sb_printf(why, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if ((last = newest(dir)) != NULL) {
		char *path = path_join(dir, last);

		free(last);
		if (reuse(t, path) == 0)
			return 0;
		free(path);
	}
	gethostname(host, sizeof host - 1);
	host[sizeof host - 1] = '\0';
	snprintf(name, sizeof name, TFEVENTS_PREFIX "%010lld.%s.%ld" TFEVENTS_SUFFIX,
	    (long long)now, host, (long)getpid());
	t->path = path_join(dir, name);
	t->fd = open(t->path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0644);
	if (t->fd < 0) {
		sb_printf(why, "%s: %s", t->path, strerror(errno));
		tfevents_close(t);
		return -1;
	}
	tfevent_encode(&ev, now, 0, "brain.Event:2", NULL, 0);
	tfrecord_frame(&rec, ev.data, ev.len);
	w = write(t->fd, rec.data, rec.len);
	if (w != (ssize_t)rec.len) {
		sb_printf(why, "%s: %s", t->path, w < 0 ? strerror(errno) :
		    "short write");
		tfevents_close(t);
	}
	sb_free(&ev);
	sb_free(&rec);
	return t->fd < 0 ? -1 : 0;
}

void
tfevents_add(struct tfevents *t, double wall_time, int64_t step,
	     const struct tb_scalar *v, size_t n)
{
	unsigned char head[12];
	size_t at, len;

	if (t->fd < 0 || n == 0)
		return;
	/* The event encoded in place after room for its head, framed after. */
	at = t->pending.len;
	memset(head, 0, sizeof head);
	sb_add(&t->pending, head, 12);
	tfevent_encode(&t->pending, wall_time, step, NULL, v, n);
	len = t->pending.len - at - 12;
	frame_head(head, len);
	memcpy(t->pending.data + at, head, 12);
	put_le(&t->pending, crc32c_masked(t->pending.data + at + 12, len), 4);
}

int
tfevents_write(struct tfevents *t, double wall_time, int64_t step,
	       const struct tb_scalar *v, size_t n)
{
	tfevents_add(t, wall_time, step, v, n);
	return tfevents_flush(t);
}

int
tfevents_flush(struct tfevents *t)
{
	ssize_t w;
	int rc = 0;

	if (t->fd < 0 || t->pending.len == 0)
		return 0;
	w = write(t->fd, t->pending.data, t->pending.len);
	if (w != (ssize_t)t->pending.len) {
		/* A torn record would hide every later one: cut it off. */
		if (w > 0) {
			struct stat st;

			if (fstat(t->fd, &st) == 0 && ftruncate(t->fd, st.st_size - w) < 0)
				errno = EIO;
		}
		if (w >= 0)
			errno = ENOSPC;
		rc = -1;
	}
	/* Written or lost: never written twice, nor kept growing. */
	sb_reset(&t->pending);
	return rc;
}

void
tfevents_close(struct tfevents *t)
{
	if (t->fd >= 0) {
		tfevents_flush(t);
		close(t->fd);
	}
	sb_free(&t->pending);
	t->fd = -1;
	free(t->path);
	t->path = NULL;
}
