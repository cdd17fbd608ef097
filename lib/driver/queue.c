/*
 * queue.c - the driver's inputs, each with where it stands
 *
 * The queue is the scanned files themselves, kept in path order so that a
 * job's paths are found again by binary search, with a state each (what
 * events add goes at the end, and is merged in when they have been read). What is
 * done for good is in the ledger; the states here only say what this run
 * is doing with a file, and are rebuilt from the ledger at every start.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "die.h"
#include "driver.h"
#include "driver_internal.h"
#include "filenames.h"
#include "hashmap.h"
#include "metrics.h"
#include "queue.h"
#include "state.h"

static int
compare_entries(const void *a, const void *b)
{
	return strcmp(((const struct queued_input *)a)->path,
	    ((const struct queued_input *)b)->path);
}

struct queued_input *
queue_add(struct input_queue *s, const char *path)
{
	struct queued_input *e = queue_find(s, path);
	char *keep;

	if (e && e->gone) {
		/* Gone and back within one batch of events: a new file. */
		keep = e->path;
		memset(e, 0, sizeof *e);
		e->path = keep;
		e->size = -1;
		s->gone--;
		s->dirty = 1;
	} else if (e == NULL) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 256;
			s->v = xreallocarray(s->v, s->cap, sizeof s->v[0]);
		}
		/* Found again by name until it is sorted in: a walk adds 100,000. */
		*hashmap_put_str(&s->unsorted, path, NULL) = s->n;
		e = &s->v[s->n++];
		memset(e, 0, sizeof *e);
		e->path = xstrdup(path);
		e->size = -1;
		s->dirty = 1;
	}
	e->seen = 1;
	return e;
}

/* Drop the files forgotten since the last sort, keeping the order of the rest. */
static void
drop_gone(struct input_queue *s)
{
	size_t i, k, sorted = 0;

	for (i = k = 0; i < s->n; i++) {
		if (s->v[i].gone) {
			free(s->v[i].path);
			continue;
		}
		sorted += i < s->sorted;
		s->v[k++] = s->v[i];
	}
	s->n = k;
	s->sorted = sorted;
	s->gone = 0;
}

void
queue_sort(struct input_queue *s)
{
	size_t k, i, j, w;
	struct queued_input *tail;

	hashmap_free(&s->unsorted);
	if (s->gone)
		drop_gone(s);
	k = s->n - s->sorted;
	i = s->sorted;
	j = k;
	w = s->n;
	if (k == 0)
		return;
	if (k > s->n / 4) {
		qsort(s->v, s->n, sizeof s->v[0], compare_entries);
		s->sorted = s->n;
		return;
	}
	/* A few new ones: sorted apart, then merged in from the back. */
	qsort(s->v + s->sorted, k, sizeof s->v[0], compare_entries);
	tail = xmalloc(k * sizeof tail[0]);
	memcpy(tail, s->v + s->sorted, k * sizeof tail[0]);
	while (j > 0) {
		if (i > 0 && compare_entries(&s->v[i - 1], &tail[j - 1]) > 0)
			s->v[--w] = s->v[--i];
		else
			s->v[--w] = tail[--j];
	}
	free(tail);
	s->sorted = s->n;
}

/*
 * A file that is gone (unless a job holds it) is only marked: a folder of
 * 20,000 deleted is 20,000 events, and the marked are dropped together
 * at the end of the batch (queue_sort).
 */
static void
mark_gone(struct input_queue *s, struct queued_input *e)
{
	if (e->gone || e->state == INPUT_RUNNING)
		return;
	e->gone = 1;
	s->gone++;
	s->dirty = 1;
}

void
queue_forget(struct input_queue *s, const char *path)
{
	struct queued_input *e = queue_find(s, path);

	if (e)
		mark_gone(s, e);
}

void
queue_young_note(struct input_queue *s, const char *path, double due)
{
	size_t i;

	for (i = 0; i < s->n_young; i++)
		if (strcmp(s->young[i].path, path) == 0) {
			s->young[i].due = due;
			return;
		}
	if (s->n_young == s->cap_young) {
		s->cap_young = s->cap_young ? s->cap_young * 2 : 16;
		s->young = xreallocarray(s->young, s->cap_young, sizeof s->young[0]);
	}
	s->young[s->n_young].path = xstrdup(path);
	s->young[s->n_young++].due = due;
}

void
queue_young_forget(struct input_queue *s, const char *path, int below)
{
	size_t i, k, len = strlen(path);

	for (i = k = 0; i < s->n_young; i++) {
		const char *p = s->young[i].path;

		if (strcmp(p, path) == 0 || (below && strncmp(p, path, len) == 0 &&
		    p[len] == '/'))
			free(s->young[i].path);
		else
			s->young[k++] = s->young[i];
	}
	s->n_young = k;
}

void
queue_forget_below(struct input_queue *s, const char *dir)
{
	size_t i, len = strlen(dir);

	for (i = 0; i < s->n; i++)
		if (strncmp(s->v[i].path, dir, len) == 0 &&
		    (s->v[i].path[len] == '/' || s->v[i].path[len] == '\0'))
			mark_gone(s, &s->v[i]);
	queue_young_forget(s, dir, 1);
}

static int
compare_path(const void *key, const void *entry)
{
	return strcmp(key, ((const struct queued_input *)entry)->path);
}

struct queued_input *
queue_find(const struct input_queue *s, const char *path)
{
	struct queued_input *e = s->sorted ? bsearch(path, s->v, s->sorted,
	    sizeof s->v[0], compare_path) : NULL;
	size_t *at;

	if (e)
		return e;
	/* Files added since the last sort, by name. */
	at = s->n > s->sorted ? hashmap_get_str(&s->unsorted, path) : NULL;
	return at ? &s->v[*at] : NULL;
}

struct input_queue *
queue_of(struct driver *d, enum job_kind kind)
{
	return kind == JOB_ANALYSIS ? &d->replays : &d->experience;
}

void
queue_set_inputs(struct driver *d, const struct job *j, enum input_state st)
{
	struct input_queue *s = queue_of(d, j->kind);
	size_t i;

	for (i = 0; i < j->n; i++) {
		struct queued_input *e = queue_find(s, j->paths[i]);

		if (e)
			e->state = st;
	}
	s->dirty = 1;
}

void
queue_release(struct driver *d, const struct job *j)
{
	struct input_queue *s = queue_of(d, j->kind);
	size_t i;

	for (i = 0; i < j->n; i++) {
		struct queued_input *e = queue_find(s, j->paths[i]);

		if (e == NULL || !e->stale)
			continue;
		e->stale = 0;
		e->state = INPUT_NEW;
		e->hash[0] = '\0';
		e->size = -1;		/* not what it is: looked at as new */
		e->attempts = 0;
		s->settling = 1;
		s->dirty = 1;
	}
}

void
queue_mark_bad(struct driver *d, struct input_queue *s, const char *hash,
	       const char *path, const char *reason)
{
	struct queued_input *e = queue_find(s, path);

	if (e)
		e->state = INPUT_DONE;
	s->dirty = 1;
	/* Unrecorded, it is tried again at the next start; never moved first. */
	if (ledger_bad(&d->ledger, hash, path, reason) < 0) {
		state_io_failed(d, "%s: %s", d->ledger.path, strerror(errno));
		return;
	}
	d->errors++;
	metrics_error(d, -1, path, reason);
	if (!d->o->quiet)
		warnmsg("%s: %s", path, reason);
	/*
	 * The bot's unfinished file is only read, never moved: it is the bot's
	 * to rename, and the ledger keeps it from being tried again.
	 */
	if (d->o->quarantine && !is_bot_tmp_name(path) &&
	    move_into(d->o->quarantine, path, reason) < 0)
		state_io_failed(d, "%s: cannot move into %s: %s", path,
		    d->o->quarantine, strerror(errno));
}

void
queue_mark_not_input(struct driver *d, struct input_queue *s, const char *hash,
		     const char *path, const char *reason)
{
	struct queued_input *e = queue_find(s, path);

	if (e)
		e->state = INPUT_DONE;
	s->dirty = 1;
	if (ledger_not_input(&d->ledger, hash, path, reason) < 0) {
		state_io_failed(d, "%s: %s", d->ledger.path, strerror(errno));
		return;
	}
	if (!d->o->quiet)
		warnmsg("%s: skipped, not an input: %s", path, reason);
}

/*
 * Settle each hashed new input against the ledger, and count what is
 * ready and what still settles. The counts hold until the queue or the
 * ledger changes: an idle driver does not go through 100,000 files a tick.
 */
static void
count(struct driver *d, struct input_queue *s)
{
	size_t i, ready = 0, unsettled = 0;

	if (!s->dirty && s->counted_at == d->ledger.changes)
		return;
	for (i = 0; i < s->n; i++) {
		struct queued_input *e = &s->v[i];

		if (e->state != INPUT_NEW)
			continue;
		if (e->hash[0] == '\0')
			unsettled++;
		/* Known to the ledger: done, bad, or waiting for its merge. */
		else if (ledger_state(&d->ledger, e->hash) != LEDGER_UNKNOWN)
			e->state = INPUT_DONE;
		else
			ready++;
	}
	s->ready = ready;
	s->unsettled = unsettled;
	s->dirty = 0;
	s->counted_at = d->ledger.changes;
}

size_t
queue_ready(struct driver *d, struct input_queue *s)
{
	count(d, s);
	return s->ready;
}

static int
compare_oldest(const void *a, const void *b)
{
	const struct queued_input *x = *(const struct queued_input *const *)a;
	const struct queued_input *y = *(const struct queued_input *const *)b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->path, y->path);
}

/*
 * Two files with the same content are one input: a content that a running
 * job holds, or that is already chosen here, is left for later (and then
 * found done).
 */
size_t
queue_pick(struct input_queue *s, size_t max, int oldest_first, struct queued_input **out)
{
	struct hashmap taken = { 0 };
	struct queued_input **all = xcalloc(s->n ? s->n : 1, sizeof all[0]);
	size_t i, n = 0, picked = 0, isolate = 0;

	/*
	 * A batch that died without naming why is split until the input that
	 * kills jobs runs alone: its halves run before anything else, apart
	 * from fresh inputs, so that the search ends soon.
	 */
	for (i = 0; i < s->n; i++)
		if (s->v[i].state == INPUT_NEW && s->v[i].hash[0] &&
		    s->v[i].isolate > 0 &&
		    (isolate == 0 || s->v[i].isolate < isolate))
			isolate = s->v[i].isolate;
	if (isolate > 0 && isolate < max)
		max = isolate;
	for (i = 0; i < s->n; i++) {
		if (s->v[i].state == INPUT_NEW && s->v[i].hash[0] &&
		    s->v[i].isolate == isolate)
			all[n++] = &s->v[i];
		else if (s->v[i].state == INPUT_RUNNING)
			hashmap_put_str(&taken, s->v[i].hash, NULL);
	}
	if (oldest_first)
		qsort(all, n, sizeof all[0], compare_oldest);
	for (i = 0; i < n && picked < max; i++) {
		int added;

		hashmap_put_str(&taken, all[i]->hash, &added);
		if (added)
			out[picked++] = all[i];
	}
	hashmap_free(&taken);
	free(all);
	return picked;
}

size_t
queue_unreadable(const struct input_queue *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		n += s->v[i].state == INPUT_UNREADABLE;
	return n;
}

size_t
queue_unsettled(struct driver *d, struct input_queue *s)
{
	count(d, s);
	return s->unsettled;
}
