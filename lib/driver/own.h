/* own.h - the driver's own files and folders, never taken as inputs */
#ifndef OWN_H
#define OWN_H

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

#endif
