/* output.h - what an output name is: standard output, a stream, or a file to replace */
#ifndef OUTPUT_H
#define OUTPUT_H

#include <stddef.h>

#include "strlist.h"

/*
 * How an output is written. Atomic replacement (temp file, rename) is right
 * only for regular files: renamed over /dev/null it would replace the
 * machine's null device with a file, and over a FIFO it would cut the
 * reader off. So "-" is standard output, devices and FIFOs are written
 * straight through, and a symbolic link's final target is the file that
 * is replaced (the link is kept).
 */
enum output_kind {
	OUTPUT_FILE,	/* a regular file, or none yet: replace atomically */
	OUTPUT_STDOUT,	/* "-" */
	OUTPUT_STREAM,	/* a device, FIFO or socket: write straight through */
	OUTPUT_FOLDER	/* cannot be written */
};

/*
 * The path to write for path: path itself, or the file its chain of
 * symbolic links ends at (which need not exist yet). Returns a string to
 * free, or NULL with errno set (ELOOP).
 */
char *output_target(const char *path);

/* What path is, following symbolic links. */
enum output_kind output_kind(const char *path);

/* One output of a run: the option that names it, for messages, and its path. */
struct output_name {
	const char *option;	/* "-o", "--summary", ... */
	const char *path;	/* NULL: not given */
};

/*
 * Before anything is written: refuse an output that names one of the
 * inputs (same device and inode, through any links), two outputs that name
 * one file (or both "-"), and an output that is a folder. inputs holds
 * files and folders; the files below a folder that keep() accepts are
 * inputs too (keep NULL: a folder is only itself). Returns 0, or -1 after
 * one line on stderr (a usage error: exit 64).
 */
int output_check(const struct output_name *outs, size_t n_outs,
		 const struct strlist *inputs, int (*keep)(const char *path));

#endif
