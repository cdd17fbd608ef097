/* inputs.h - the replays named on a command line: files, folders, zips, stdin */
#ifndef INPUTS_H
#define INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* Files larger than this are refused before they are read. */
#define INPUT_SIZE_LIMIT	(256u << 20)

struct input {
	char *path;	/* the file, or the zip archive holding the replay */
	char *entry;	/* name inside the zip, or NULL */
	int64_t index;	/* index inside the zip */
	char *refused;	/* why it cannot be read, known when listed, or NULL */
};

struct input_list {
	struct input *v;
	size_t n, cap;
	const char *password;	/* for encrypted zip entries, or NULL */
	int null_separated;	/* the list on "-" ends names with NUL, not newline */
	int missing;		/* some named input did not exist */
	int unreadable;		/* some folder could not be listed */
};

/*
 * Add what arg names: a replay, a folder (searched recursively for
 * .SC2Replay and .zip files, sorted: regular files only), a .zip of
 * replays, or "-" for a list of paths on standard input, one a line or
 * NUL-separated. Problems are reported on stderr and counted; a zip that
 * cannot be opened, and a zip inside a zip, are inputs that input_read()
 * refuses, so that each gets its error line like a bad replay.
 */
void inputs_add(struct input_list *l, const char *arg);
void inputs_free(struct input_list *l);

/* The bytes of one input, from a mapped file or a zip entry. */
struct input_data {
	const uint8_t *data;
	size_t size;
	uint8_t *owned;		/* free() this */
};

/* 0, or -1 with a reason in why. Never blocks: a FIFO or device is refused. */
int input_read(const struct input_list *l, const struct input *in,
	       struct input_data *d, struct strbuf *why);
void input_release(struct input_data *d);

/* "archive.zip/entry" or the path, made relative to root when it lies under it. */
char *input_display_name(const struct input *in, const char *root);

#endif
