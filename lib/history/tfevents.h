/* tfevents.h - TensorBoard event files, written without TensorFlow */
#ifndef TFEVENTS_H
#define TFEVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* One scalar of an event: TensorBoard's tag ("train/loss") and value. */
struct tb_scalar {
	const char *prefix;	/* NULL, or the tag's group: "train" + "/" + tag */
	const char *tag;
	double value;
};

/*
 * Append the bytes of one tensorboard.Event (event.proto, summary.proto):
 * wall_time (1, double), step (2, int64), then file_version (3) when it is
 * not NULL, else a summary (5) whose values (Summary.value, 1) each hold a
 * tag (1) and a simple_value (2, float).
 */
void tfevent_encode(struct strbuf *sb, double wall_time, int64_t step,
		    const char *file_version, const struct tb_scalar *v, size_t n);
/*
 * Append payload as one TFRecord: its length (u64, little-endian), the
 * masked CRC-32C of those 8 bytes, the payload, its masked CRC-32C.
 */
void tfrecord_frame(struct strbuf *sb, const void *payload, size_t n);
/*
 * Where the whole, well-checked records at the start of data[0..size) end:
 * a torn or damaged tail begins there.
 */
size_t tfrecord_valid_end(const unsigned char *data, size_t size);

/* An events.out.tfevents.* file open for appending. */
struct tfevents {
	int fd;		/* -1: closed */
	char *path;
	struct strbuf pending;	/* records not yet written (tfevents_flush) */
};

/*
 * Open the newest of our event files in dir (made if missing) to append to,
 * with a torn last record cut off; or, when there is none, it is full, or
 * it is damaged before its end, start a new one whose first event carries
 * file_version "brain.Event:2". Returns 0, or -1 with why.
 */
int tfevents_open(struct tfevents *t, const char *dir, double now,
		  struct strbuf *why);
/*
 * One event of n scalars, kept until tfevents_flush: the driver writes a
 * tick's events at once (TensorBoard is a view; the history's own record
 * is metrics.jsonl, written at once).
 */
void tfevents_add(struct tfevents *t, double wall_time, int64_t step,
		  const struct tb_scalar *v, size_t n);
/* The kept events, in one write(2). Returns 0, or -1 with errno set. */
int tfevents_flush(struct tfevents *t);
/* Flushes, then closes. */
void tfevents_close(struct tfevents *t);
/* tfevents_add and tfevents_flush. */
int tfevents_write(struct tfevents *t, double wall_time, int64_t step,
		   const struct tb_scalar *v, size_t n);

#endif
