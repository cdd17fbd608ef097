/*
 * scan.c - the driver's view of its input folders
 *
 * Rescanned every second: stat(2) is cheap, hashing is not, so a file is
 * hashed once, after it has settled, and again only if it changes.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "scan.h"
#include "walk.h"

static int
compare_entries(const void *a, const void *b)
{
	return strcmp(((const struct queued_input *)a)->path,
	    ((const struct queued_input *)b)->path);
}

size_t
scan_folder(struct input_queue *s, const char *dir, int (*keep)(const char *),
	    double now, double settle)
{
	struct strlist found = { NULL, 0, 0 };
	size_t i, k, ready = 0;
	double age;

	/* Sorted since the last scan; what this one adds is searched apart. */
	s->sorted = s->n;
	for (i = 0; i < s->n; i++)
		s->v[i].seen = 0;
	walk_files(dir, keep, &found);
	for (i = 0; i < found.n; i++) {
		struct queued_input *e = queue_find(s, found.v[i]);
		struct stat st;

		/* Only regular files: a FIFO would block the hash forever. */
		if (stat(found.v[i], &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (e == NULL) {
			if (s->n == s->cap) {
				s->cap = s->cap ? s->cap * 2 : 256;
				s->v = xreallocarray(s->v, s->cap, sizeof s->v[0]);
			}
			e = &s->v[s->n++];
			memset(e, 0, sizeof *e);
			e->path = xstrdup(found.v[i]);
			e->size = -1;
		}
		e->seen = 1;
		if (e->size != (long long)st.st_size || e->mtime != st.st_mtime) {
			e->size = (long long)st.st_size;
			e->mtime = st.st_mtime;
			e->stable_since = now;
			/* New content is a new input, unless a job holds the file. */
			if (e->state == INPUT_NEW || e->state == INPUT_DONE) {
				e->hash[0] = '\0';
				e->state = INPUT_NEW;
				e->attempts = 0;
			}
		}
		age = (double)time(NULL) - (double)e->mtime;
		/* A clock that puts the file in the future must not hold it forever. */
		if (e->state == INPUT_NEW && e->hash[0] == '\0' &&
		    now - e->stable_since >= settle && (age >= settle || age < 0)) {
			if (md5_file(e->path, e->hash) == 0) {
				ready++;
			} else {
				/* Unreadable: left alone until it changes. */
				e->hash[0] = '\0';
				e->state = INPUT_DONE;
			}
		}
	}
	strlist_free(&found);
	/* Drop what vanished, unless a job still holds it. */
	for (i = k = 0; i < s->n; i++) {
		if (s->v[i].seen || s->v[i].state == INPUT_RUNNING)
			s->v[k++] = s->v[i];
		else
			free(s->v[i].path);
	}
	s->n = k;
	if (s->n)
		qsort(s->v, s->n, sizeof s->v[0], compare_entries);
	s->sorted = s->n;
	return ready;
}

void
scan_free(struct input_queue *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	memset(s, 0, sizeof *s);
}
