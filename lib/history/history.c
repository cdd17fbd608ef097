/*
 * history.c - the driver's history: records appended, never replaced
 *
 * A person asks "is it learning?" months after the jobs ran, so each
 * finished job leaves one flat JSON line in STATE/metrics.jsonl (a year of
 * them is a few MB: never dropped), and the machine's figures one line in
 * STATE/system.jsonl, which grows with time rather than work and is
 * rotated by size. Each line is one write(2) on an O_APPEND descriptor, so
 * a crash loses at most the line being written, and a reader beside the
 * driver sees whole lines. The same numbers go to TensorBoard, and into
 * the copy in memory the dashboard is drawn from, so the driver never
 * reads its history back while it runs.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "die.h"
#include "history.h"
#include "logfile.h"
#include "jsonw.h"
#include "path.h"
#include "table.h"

/*
 * a, then b when given, into out[RECORD_TAG_MAX], cut to fit: without
 * printf, as a record has a score of keys and the driver writes one a job.
 */
static void
join(char *out, const char *a, const char *b)
{
	size_t n = strlen(a), m = b ? strlen(b) + 1 : 0;

	if (n > RECORD_TAG_MAX - 1)
		n = RECORD_TAG_MAX - 1;
	memcpy(out, a, n);
	if (m && n + m > RECORD_TAG_MAX - 1)
		m = RECORD_TAG_MAX - 1 - n;
	if (m) {
		out[n] = '/';
		memcpy(out + n + 1, b, m - 1);
	}
	out[n + m] = '\0';
}

/* A number for the copy in memory, as the JSON line has it; scalar: to TensorBoard too. */
static void
keep_number(struct record *r, const char *key, double v, int scalar)
{
	if (r->n_keys < RECORD_MAX_SCALARS) {
		join(r->keys[r->n_keys], key, NULL);
		r->scalar[r->n_keys] = (unsigned char)scalar;
		r->numbers[r->n_keys++] = v;
	}
}

static void
add_key(struct record *r, const char *key)
{
	sb_adds(&r->json, ", ");
	json_cstring(&r->json, key);
	sb_adds(&r->json, ": ");
}

/*
 * v to the thousandth, written in integers (times and rates: a shortest
 * form would take three conversions, a few a job); returns what it reads
 * back as. Past 2^53 thousandths it is not exact: written as it is.
 */
static double
thousandths(struct strbuf *sb, double v)
{
	long long m, k;

	if (!(fabs(v) < 9e12)) {
		json_number(sb, v);
		return v;
	}
	m = llround(v * 1000);
	if (m < 0) {
		sb_addc(sb, '-');
		m = -m;
	}
	sb_addi(sb, m / 1000);
	sb_addc(sb, '.');
	for (k = 100; k > 0; k /= 10)
		sb_addc(sb, (char)('0' + m / k % 10));
	return (v < 0 ? -(double)m : (double)m) / 1000;
}

void
record_begin(struct record *r, const char *kind, double time, int64_t job)
{
	sb_reset(&r->json);
	r->n_keys = 0;
	join(r->kind, kind, NULL);
	r->time = time;
	r->step = job > 0 ? job : 0;
	sb_adds(&r->json, "{\"kind\": ");
	json_cstring(&r->json, kind);
	add_key(r, "time");
	keep_number(r, "time", thousandths(&r->json, time), 0);
	if (job >= 0) {
		sb_adds(&r->json, ", \"job\": ");
		sb_addi(&r->json, job);
		keep_number(r, "job", (double)job, 0);
	}
}


static void
number(struct record *r, const char *key, double v, int scalar)
{
	if (!isfinite(v))
		return;
	add_key(r, key);
	json_number(&r->json, v);
	keep_number(r, key, v, scalar);
}

void
record_number_only(struct record *r, const char *key, double v)
{
	number(r, key, v, 0);
}

void
record_number(struct record *r, const char *key, double v)
{
	number(r, key, v, 1);
}

void
record_rate(struct record *r, const char *key, double v)
{
	if (!isfinite(v))
		return;
	add_key(r, key);
	keep_number(r, key, thousandths(&r->json, v), 1);
}

void
record_number_text(struct record *r, const char *key, size_t key_len,
		   const char *text, size_t text_len, double v)
{
	char name[RECORD_TAG_MAX];

	if (!isfinite(v) || key_len >= sizeof name)
		return;
	memcpy(name, key, key_len);
	name[key_len] = '\0';
	add_key(r, name);
	sb_add(&r->json, text, text_len);
	keep_number(r, name, v, 1);
}

void
record_string(struct record *r, const char *key, const char *s)
{
	add_key(r, key);
	json_cstring(&r->json, s);
}

const char *
record_line(struct record *r, size_t *len)
{
	if (r->json.len == 0 || r->json.data[r->json.len - 1] != '\n')
		sb_adds(&r->json, "}\n");
	*len = r->json.len;
	return r->json.data;
}

void
record_free(struct record *r)
{
	sb_free(&r->json);
}

/* STATE/name for appending; the driver's own files are never followed. */
static int
open_append(const char *state, const char *name, off_t *size)
{
	char *path = path_join(state, name);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	struct stat st;

	free(path);
	if (fd >= 0 && size)
		*size = fstat(fd, &st) == 0 ? st.st_size : 0;
	return fd;
}

int
history_open(struct history *h, const char *state, int tensorboard,
	     struct strbuf *why)
{
	char *dir;
	int saved;

	memset(h, 0, sizeof *h);
	h->metrics_fd = h->system_fd = h->tb.fd = -1;
	h->system_max = HISTORY_SYSTEM_ROTATE;
	h->state = xstrdup(state);
	h->data = xcalloc(1, sizeof *h->data);
	history_data_init(h->data);
	if ((h->metrics_fd = open_append(state, "metrics.jsonl", NULL)) < 0 ||
	    (h->system_fd = open_append(state, "system.jsonl", &h->system_size)) < 0) {
		saved = errno;
		sb_printf(why, "%s/%s: %s", state, h->metrics_fd < 0 ?
		    "metrics.jsonl" : "system.jsonl", saved == ELOOP ?
		    "a symbolic link: the driver's own files are never followed" :
		    strerror(saved));
		history_close(h);
		errno = saved;
		return -1;
	}
	if (history_data_load(h->data, state, HISTORY_READ_LIMIT, why) < 0) {
		history_close(h);
		return -1;
	}
	if (tensorboard) {
		dir = path_join(state, "tensorboard");
		/* TensorBoard is a view: without it the history still goes on. */
		if (tfevents_open(&h->tb, dir, (double)time(NULL), why) < 0) {
			warnmsg("%s (no TensorBoard events)", why->data);
			sb_reset(why);
		}
		free(dir);
	}
	return 0;
}

/* system.jsonl -> .1 -> .2 ...; the oldest is dropped (base's one rotation). */
static void
rotate(struct history *h)
{
	char *path = path_join(h->state, "system.jsonl");

	if (log_shift(path) < 0)
		warnmsg("%s: cannot rotate: %s", path, strerror(errno));
	free(path);
	close(h->system_fd);
	h->system_fd = open_append(h->state, "system.jsonl", &h->system_size);
}

int
history_append(struct history *h, struct record *r)
{
	int system = strcmp(r->kind, "system") == 0;
	size_t len;
	const char *line = record_line(r, &len);
	int fd;
	ssize_t w;

	if (system && h->system_fd >= 0 && h->system_max > 0 &&
	    (uint64_t)h->system_size + len > h->system_max)
		rotate(h);
	fd = system ? h->system_fd : h->metrics_fd;
	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	w = write(fd, line, len);
	if (w != (ssize_t)len) {
		/* A torn line is cut off: the next one must start a line. */
		if (w > 0) {
			struct stat st;

			if (fstat(fd, &st) == 0 && ftruncate(fd, st.st_size - w) < 0)
				w = -1;
		}
		if (w >= 0)
			errno = ENOSPC;
		return -1;
	}
	if (system)
		h->system_size += (off_t)len;
	{
		struct tb_scalar v[RECORD_MAX_SCALARS];
		size_t i, n = 0;

		for (i = 0; i < r->n_keys; i++) {
			if (!r->scalar[i])
				continue;
			v[n].prefix = r->kind;
			/* TensorBoard's one name for what people call the loss. */
			v[n].tag = strcmp(r->keys[i], "loss_after") == 0 ? "loss" :
			    r->keys[i];
			v[n++].value = r->numbers[i];
		}
		tfevents_add(&h->tb, r->time, r->step, v, n);
	}
	/* An error's strings are read back; the numbers of the others are kept as they are. */
	if (strcmp(r->kind, "error") == 0)
		history_data_add(h->data, line, len - 1);
	else
		history_data_add_numbers(h->data, r->kind, r->n_keys,
		    (const char (*)[RECORD_TAG_MAX])r->keys, r->numbers);
	return 0;
}

int
history_flush(struct history *h)
{
	return tfevents_flush(&h->tb);
}

void
history_close(struct history *h)
{
	if (h->metrics_fd >= 0)
		close(h->metrics_fd);
	if (h->system_fd >= 0)
		close(h->system_fd);
	h->metrics_fd = h->system_fd = -1;
	tfevents_close(&h->tb);
	if (h->data) {
		history_data_free(h->data);
		free(h->data);
	}
	h->data = NULL;
	free(h->state);
	h->state = NULL;
}
