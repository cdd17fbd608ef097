/* scan.h - the driver's view of its input folders */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>

#include "queue.h"

struct driver_options;

/*
 * Canonical paths (symbolic links resolved, as far as the path exists) of
 * what the driver writes: the state folder (candidates, work folders),
 * --quarantine and --done-dir, --model, --learned and --deploy.
 */
struct own_files {
	char *folders[3];
	char *files[3];
};

void own_init(struct own_files *w, const struct driver_options *o);
void own_free(struct own_files *w);
/*
 * 1 when a canonical path lies in one of our folders (unless the scanned
 * root, canonical too, lies there itself), or is one of our files.
 */
int own_is_folder(const struct own_files *w, const char *root,
		  const char *canonical);
int own_is_file(const struct own_files *w, const char *canonical);
/*
 * Lock files (*.lock) and temporary files (*.tmp.*), by the last name; but
 * not the bot's *.tmp.npz, which are its games (--adopt-stale-tmp).
 */
int own_is_scratch(const char *path);
/*
 * The canonical form of path: realpath(3) of the longest part of it that
 * exists, the rest appended as written. Allocated.
 */
char *own_canonical(const char *path);


/*
 * Look at every file below dir that keep() accepts, leaving out the
 * driver's own (own, or NULL). A file is hashed once it has stopped
 * changing for settle seconds (the bot may still be writing it); files that
 * disappeared are dropped unless a job is using them. What has an input's
 * name but cannot be read is named on stderr once (s->noted counts them)
 * and kept as INPUT_UNREADABLE; a folder that is gone is said once a
 * minute. With s->adopt, the bot's *.tmp.npz are taken too once they are
 * s->adopt_after seconds old (by modification time); younger ones are not
 * looked at at all. Returns how many files became ready to queue.
 */
size_t scan_folder(struct input_queue *s, const char *dir, int (*keep)(const char *),
		   const struct own_files *own, double now, double settle);
void scan_free(struct input_queue *s);

#endif
