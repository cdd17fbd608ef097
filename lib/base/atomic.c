/*
 * atomic.c - writing outputs whole: temp file, fsync, rename; streams straight through
 *
 * A reader (the bot, another tool) sees either the old file or the new one,
 * never a half-written one, even if we are killed or the machine loses power
 * in the middle. That is only for regular files: what else an output may be
 * ("-", a device, a FIFO, a link) is output.c's to say, and each is written
 * the one way that keeps it what it was.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "die.h"
#include "file.h"
#include "output.h"
#include "path.h"

/* A device or FIFO: opened as it is, no temporary file, no rename. */
static int
open_stream(struct atomic_file *af, const char *path)
{
	int fd, saved;

	if ((fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)) < 0)
		return -1;
	if ((af->f = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	af->path = xstrdup(path);
	af->direct = 1;
	return 0;
}

int
atomic_open(struct atomic_file *af, const char *path)
{
	int fd = -1;

	memset(af, 0, sizeof *af);
	switch (output_kind(path)) {
	case OUTPUT_STDOUT:
		af->f = stdout;
		af->path = xstrdup(path);
		af->direct = 2;
		return 0;
	case OUTPUT_STREAM:
		return open_stream(af, path);
	case OUTPUT_FOLDER:
		errno = EISDIR;
		return -1;
	case OUTPUT_FILE:
		break;
	}
	if ((af->path = output_target(path)) == NULL)
		return -1;
	af->tmp = xmalloc(strlen(af->path) + 16);
	sprintf(af->tmp, "%s.tmp.XXXXXX", af->path);
	if ((fd = mkstemp(af->tmp)) < 0 || (af->f = fdopen(fd, "w")) == NULL) {
		int saved = errno;

		if (fd >= 0) {
			close(fd);
			unlink(af->tmp);
		}
		free(af->path);
		free(af->tmp);
		af->path = af->tmp = NULL;
		errno = saved;
		return -1;
	}
	/* mkstemp makes 0600; the file replaces one that others read. */
	fchmod(fd, 0644);
	return 0;
}

/*
 * The rename on disk: a folder that cannot be synced (EIO) may lose it, so
 * that is a failure; one that cannot be opened for it (no read permission)
 * is not ours to judge.
 */
static int
sync_folder(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY), rc = 0;

	if (fd >= 0) {
		rc = fsync(fd) < 0 && errno != EINVAL ? -1 : 0;
		close(fd);
	}
	free(copy);
	return rc;
}

int
atomic_commit(struct atomic_file *af)
{
	int saved;

	errno = 0;
	if (af->direct) {
		/* No fsync: a FIFO or a terminal refuses it, and has no disk. */
		if (fflush(af->f) != 0 || ferror(af->f))
			goto fail;
		if (af->direct == 1 && fclose(af->f) != 0) {
			af->f = NULL;
			goto fail;
		}
		af->f = NULL;
		free(af->path);
		af->path = NULL;
		return 0;
	}
	if (fflush(af->f) != 0 || ferror(af->f) || fsync(fileno(af->f)) < 0)
		goto fail;
	if (fclose(af->f) != 0) {
		af->f = NULL;
		goto fail;
	}
	af->f = NULL;
	if (rename(af->tmp, af->path) < 0)
		goto fail;
	if (sync_folder(af->path) < 0) {
		/* Renamed, maybe not on disk: never reported as written. */
		saved = errno;
		free(af->tmp);
		af->tmp = NULL;
		atomic_abort(af);
		errno = saved;
		return -1;
	}
	free(af->path);
	free(af->tmp);
	af->path = af->tmp = NULL;
	return 0;
fail:
	saved = errno ? errno : EIO;
	atomic_abort(af);
	errno = saved;
	return -1;
}

void
atomic_abort(struct atomic_file *af)
{
	/* Standard output stays open: others may still report on it. */
	if (af->f && af->direct != 2)
		fclose(af->f);
	if (af->tmp)
		unlink(af->tmp);
	free(af->path);
	free(af->tmp);
	af->f = NULL;
	af->path = af->tmp = NULL;
	af->direct = 0;
}

int
atomic_write(const char *path, const void *data, size_t size)
{
	struct atomic_file af;

	if (atomic_open(&af, path) < 0)
		return -1;
	if (size && fwrite(data, 1, size, af.f) != size) {
		int saved = errno ? errno : EIO;

		atomic_abort(&af);
		errno = saved;
		return -1;
	}
	return atomic_commit(&af);
}

void
atomic_remove_stale(const char *path)
{
	char *target, *pattern;
	glob_t g;
	size_t i;

	/* Streams have no temporary siblings; a link's are its target's. */
	if (output_kind(path) != OUTPUT_FILE || (target = output_target(path)) == NULL)
		return;
	pattern = xmalloc(strlen(target) + sizeof ".tmp.??????");
	/* Names from atomic_open(): path, ".tmp.", six mkstemp characters. */
	sprintf(pattern, "%s.tmp.??????", target);
	free(target);
	if (glob(pattern, GLOB_NOSORT | GLOB_NOESCAPE, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			unlink(g.gl_pathv[i]);
		globfree(&g);
	}
	free(pattern);
}

/* Streamed through the temporary file: any size. */
int
atomic_copy(const char *path, const char *dest)
{
	struct atomic_file af;
	char buf[IO_CHUNK];
	size_t n;
	FILE *f;
	int saved;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	if (atomic_open(&af, dest) < 0)
		goto fail;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		if (fwrite(buf, 1, n, af.f) != n)
			break;
	if (ferror(f) || ferror(af.f)) {
		saved = errno ? errno : EIO;
		atomic_abort(&af);
		errno = saved;
		goto fail;
	}
	fclose(f);
	return atomic_commit(&af);
fail:
	saved = errno;
	fclose(f);
	errno = saved;
	return -1;
}

int
move_into(const char *dir, const char *path, const char *reason)
{
	char *copy = xstrdup(path), *base, *joined, *dest, *note;
	int rc = 0, saved, k;

	mkdir(dir, 0755);
	base = basename(copy);
	joined = path_join(dir, base);
	dest = xmalloc(strlen(joined) + 16);
	/* Never over another file: two folders may hold the same name. */
	for (k = 0; k < 1000; k++) {
		if (k == 0)
			strcpy(dest, joined);
		else
			sprintf(dest, "%s.%d", joined, k);
		if (renameat2(AT_FDCWD, path, AT_FDCWD, dest, RENAME_NOREPLACE) == 0)
			break;
		if (errno == EEXIST)
			continue;
		if (errno != EXDEV || access(dest, F_OK) == 0) {
			if (errno == EXDEV)
				continue;
			rc = -1;
			goto out;
		}
		/* Another file system: copy whole, then let go of the original. */
		rc = atomic_copy(path, dest);
		if (rc == 0)
			rc = unlink(path);
		if (rc < 0)
			goto out;
		break;
	}
	if (k == 1000) {
		errno = EEXIST;
		rc = -1;
		goto out;
	}
	if (reason) {
		note = xmalloc(strlen(dest) + sizeof ".reason");
		sprintf(note, "%s.reason", dest);
		if (atomic_write(note, reason, strlen(reason)) < 0)
			rc = -1;
		free(note);
	}
out:
	saved = errno;
	free(dest);
	free(joined);
	free(copy);
	errno = saved;
	return rc;
}

char *
link_aside(const char *path, const char *suffix)
{
	char *name = xmalloc(strlen(path) + strlen(suffix) + 16);
	int k;

	for (k = 0; k < 1000; k++) {
		if (k == 0)
			sprintf(name, "%s%s", path, suffix);
		else
			sprintf(name, "%s%s.%d", path, suffix, k);
		if (link(path, name) == 0) {
			sync_folder(name);
			return name;
		}
		if (errno != EEXIST)
			break;
	}
	free(name);
	return NULL;
}

int
append_whole(int fd, const void *data, size_t size, int sync)
{
	off_t end = lseek(fd, 0, SEEK_END);
	const char *p = data;
	size_t left = size;
	int saved;

	if (end < 0)
		return -1;
	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			goto fail;
		}
		p += n;
		left -= (size_t)n;
	}
	if (!sync || fsync(fd) == 0)
		return 0;
fail:
	/* Cut back to what was there: a torn record would be buried by the next. */
	saved = errno;
	if (ftruncate(fd, end) == 0)
		lseek(fd, end, SEEK_SET);
	errno = saved;
	return -1;
}
