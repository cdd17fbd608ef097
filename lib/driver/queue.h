/* queue.h - the driver's inputs, each with where it stands */
#ifndef QUEUE_H
#define QUEUE_H

#include <stddef.h>
#include <time.h>

#include "digest.h"
#include "hashmap.h"
#include "job.h"
#include "watch.h"

/*
 * New (waiting to settle, or ready once hashed), held by a running job,
 * done for this run (in the ledger, bad, or failed too often), or
 * unreadable (named once; looked at again when it changes). The scan puts
 * files in as new and takes changed ones back to new; the queue moves them
 * along.
 */
enum input_state { INPUT_NEW, INPUT_RUNNING, INPUT_DONE, INPUT_UNREADABLE };

struct queued_input {
	char *path;
	long long size;
	time_t mtime;
	long mtime_ns;		/* a rewrite within the second is a change too */
	time_t ctime;		/* unreadable ones: a chmod changes only this */
	double stable_since;	/* when size and mtime were last seen to change */
	char hash[MD5_HEX_SIZE];/* "" until the file has settled */
	enum input_state state;
	int attempts;		/* jobs that failed on it */
	size_t isolate;		/* a job of it died unexplained: batches of at most this */
	int seen;		/* found by the latest scan */
	int stale;		/* changed while a job held it: looked at again after */
	int gone;		/* forgotten: dropped at the next sort */
};

/* A bot's *.tmp.npz too young to adopt, and when it will be old enough. */
struct young_file {
	char *path;
	double due;		/* epoch seconds */
};

struct hashcache;
struct own_files;

/* One input folder's files, filled by scan.c. */
struct input_queue {
	struct queued_input *v;
	size_t n, cap;
	size_t sorted;		/* v[0..sorted) is in path order; the rest is new... */
	struct hashmap unsorted;	/* ...and found by path -> index here */
	size_t gone;		/* files marked gone, dropped at the next sort */
	size_t noted;		/* unreadable inputs named so far (errors) */
	int adopt;		/* also the bot's *.tmp.npz (--adopt-stale-tmp)... */
	double adopt_after;	/* ...once unchanged for this many seconds */
	int folder_warned;	/* the folder itself is gone, and was said so... */
	double folder_warned_at;	/* ...at this time */
	/* what scan_init was given, for the looks that events ask for */
	const char *dir;
	int (*keep)(const char *);
	const struct own_files *own;
	double settle;
	struct hashcache *cache;	/* the hashes of files already read, or NULL */
	char *root_real;	/* the root's canonical path at the last full walk */
	size_t root_len;	/* dir without its trailing slashes */
	struct watch watch;	/* fd -1: the folder is walked every poll seconds */
	double poll;		/* seconds between full walks */
	double next_walk;	/* monotonic time of the next one */
	int rescan;		/* a full walk is due now (events lost, a folder moved) */
	int settling;		/* files wait to settle: looked at again each tick */
	struct young_file *young;	/* with adopt: the bot's files not yet old enough */
	size_t n_young, cap_young;
	/* queue.c's counts, valid while nothing changed (dirty) here or in the ledger */
	int dirty;
	unsigned long counted_at;	/* the ledger's changes when counted */
	size_t ready, unsettled;
};

struct driver;

/* The file at path, or NULL. */
struct queued_input *queue_find(const struct input_queue *s, const char *path);
/* The file at path, added (new, at the end, unsorted) if missing; seen. */
struct queued_input *queue_add(struct input_queue *s, const char *path);
/*
 * Drop the files forgotten, and put what was added at the end in path
 * order among the rest. Every change of the scan ends with it: outside
 * the scan, nothing forgotten is left in the queue.
 */
void queue_sort(struct input_queue *s);
/* Forget the file at path (it is gone), unless a job still holds it. */
void queue_forget(struct input_queue *s, const char *path);
/* Forget dir and everything below it (a folder deleted). */
void queue_forget_below(struct input_queue *s, const char *dir);
/* The bot's file at path, too young to adopt, is to be looked at again at due. */
void queue_young_note(struct input_queue *s, const char *path, double due);
/* ...no longer: it is gone (with below, also every file below path). */
void queue_young_forget(struct input_queue *s, const char *path, int below);
/* The folder a job of kind takes its inputs from. */
struct input_queue *queue_of(struct driver *d, enum job_kind kind);
/* Put every input of j that is still in its folder into state st. */
void queue_set_inputs(struct driver *d, const struct job *j,
		      enum input_state st);
/*
 * j is over: those of its inputs that changed while it ran are new again,
 * to settle and be hashed (the job read some other content).
 */
void queue_release(struct driver *d, const struct job *j);
/*
 * An input its program refused: recorded bad in the ledger, done for good,
 * moved into --quarantine with the reason (but for the bot's *.tmp.npz,
 * left where it is), counted as an error.
 */
void queue_mark_bad(struct driver *d, struct input_queue *s, const char *hash,
		    const char *path, const char *reason);
/*
 * A file its program says is no input at all (a model among the games):
 * recorded in the ledger so that it is not tried again, noted, never an
 * error and never quarantined.
 */
void queue_mark_not_input(struct driver *d, struct input_queue *s,
			  const char *hash, const char *path, const char *reason);
/* Settle each hashed new input against the ledger; how many are ready. */
size_t queue_ready(struct driver *d, struct input_queue *s);
/*
 * Up to max ready inputs of s into out, oldest first (else in path order),
 * one file for each content. Inputs being isolated (a batch of theirs died)
 * go first and alone: only those of the smallest isolate, at most that many.
 */
size_t queue_pick(struct input_queue *s, size_t max, int oldest_first,
		  struct queued_input **out);
/* New files not yet hashed: still being written, or not yet looked at. */
size_t queue_unsettled(struct driver *d, struct input_queue *s);
/* Inputs that cannot be read (a FIFO, a folder, no permission). */
size_t queue_unreadable(const struct input_queue *s);

#endif
