/*
 * ledger.c - the driver's record of every input, keyed by content hash
 *
 * An append-only text file, one record a line:
 *   P <job> <analysis|training> <output> <md5> <hash,hash,...> <path>...
 *   M <job>
 *   L <job>                (its output was lost: its inputs run again)
 *   B <hash> <path> <reason>
 *   N <hash> <path> <reason>  (not an input at all: a model among the games)
 * (fields separated by tabs), each ending in a checksum field, '#' and the
 * first 8 hex digits of the MD5 of the record before that tab. A job's
 * inputs are done once its output is merged (P then M). After a crash, a
 * P without its M is merged again on restart: both merges are idempotent
 * (replays by content, candidates by their MD5), so nothing is counted
 * twice and nothing is redone.
 *
 * A crash can only cut the last record short (one write(2) a record):
 * that one is dropped. Damage anywhere else (a record whose checksum
 * fails, that is not shaped as written, or that lacks its checksum after
 * one that has it) would silently forget games and train them again, so
 * it stops the driver until `bgtrain status --repair` keeps what holds.
 * Ledgers written before checksums (none on any line) are read as they
 * are, and new records get checksums.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "die.h"
#include "file.h"
#include "ledger.h"
#include "ledger_record.h"
#include "path.h"
#include "strbuf.h"

/* Our own file, read whole at each start; the bound only keeps sizes sane. */
#define LEDGER_LIMIT (SIZE_MAX < (1ull << 40) ? SIZE_MAX : (size_t)(1ull << 40))

/* Raise hash's state (never lower it: done stays done). */
static void
set_state(struct ledger *l, const char *hash, int state)
{
	size_t *s = hashmap_put_str(&l->states, hash, NULL);

	/* A new key starts at 0, LEDGER_UNKNOWN. */
	if ((size_t)state > *s) {
		*s = (size_t)state;
		l->gen++;
	}
}

int
ledger_state(const struct ledger *l, const char *hash)
{
	size_t *s = hashmap_get_str(&l->states, hash);

	return s ? (int)*s : LEDGER_UNKNOWN;
}

struct ledger_job *
ledger_job(struct ledger *l, int64_t id)
{
	size_t i;

	for (i = l->n_jobs; i-- > 0;)
		if (l->jobs[i].id == id)
			return &l->jobs[i];
	return NULL;
}

static void
add_job(struct ledger *l, int64_t id, enum job_kind kind, const char *output,
	const char *md5, size_t n, char (*hashes)[MD5_HEX_SIZE], char *const *paths)
{
	struct ledger_job *j;
	size_t i;

	if (l->n_jobs == l->cap_jobs) {
		l->cap_jobs = l->cap_jobs ? l->cap_jobs * 2 : 64;
		l->jobs = xreallocarray(l->jobs, l->cap_jobs, sizeof l->jobs[0]);
	}
	j = &l->jobs[l->n_jobs++];
	memset(j, 0, sizeof *j);
	j->id = id;
	j->kind = kind;
	j->output = xstrdup(output);
	snprintf(j->md5, sizeof j->md5, "%s", md5);
	j->n_inputs = n;
	j->hashes = xcalloc(n ? n : 1, sizeof j->hashes[0]);
	j->paths = xcalloc(n ? n : 1, sizeof j->paths[0]);
	for (i = 0; i < n; i++) {
		snprintf(j->hashes[i], MD5_HEX_SIZE, "%s", hashes[i]);
		j->paths[i] = xstrdup(paths[i]);
		set_state(l, hashes[i], LEDGER_PRODUCED);
	}
	if (id >= l->next_job)
		l->next_job = id + 1;
}

static void
mark_lost(struct ledger *l, struct ledger_job *j)
{
	size_t i, *s;

	j->merged = -1;
	for (i = 0; i < j->n_inputs; i++) {
		s = hashmap_get_str(&l->states, j->hashes[i]);
		if (s && *s == LEDGER_PRODUCED) {
			*s = LEDGER_UNKNOWN;
			l->gen++;
		}
	}
}

static void
mark_merged(struct ledger *l, struct ledger_job *j)
{
	size_t i;

	j->merged = 1;
	for (i = 0; i < j->n_inputs; i++)
		set_state(l, j->hashes[i], LEDGER_DONE);
}

/* Split line at tabs in place; returns the number of fields (at most max). */
static size_t
split(char *line, char **f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		f[n++] = line;
		if ((line = strchr(line, '\t')) == NULL)
			break;
		*line++ = '\0';
	}
	return n;
}

/* What a B (bad) or N (no input at all) record says of a file. */
static void
note_file(struct ledger *l, char tag, const char *hash)
{
	if (tag == 'B') {
		set_state(l, hash, LEDGER_BAD);
		l->bad++;
	} else {
		set_state(l, hash, LEDGER_NOT_INPUT);
		l->not_inputs++;
	}
}

static void
replay_line(struct ledger *l, char *line)
{
	char *f[8];
	size_t n = split(line, f, 7);

	if (n >= 6 && strcmp(f[0], "P") == 0) {
		/* Hashes are comma-separated; paths are the tab-separated rest. */
		size_t k = 1, i;
		char *p, **paths;
		char (*hashes)[MD5_HEX_SIZE];

		for (p = f[5]; *p; p++)
			k += *p == ',';
		if (*f[5] == '\0')
			k = 0;
		hashes = xcalloc(k ? k : 1, sizeof hashes[0]);
		paths = xcalloc(k ? k : 1, sizeof paths[0]);
		for (i = 0, p = f[5]; i < k; i++) {
			char *comma = strchr(p, ',');

			if (comma)
				*comma = '\0';
			snprintf(hashes[i], MD5_HEX_SIZE, "%s", p);
			p = comma ? comma + 1 : p + strlen(p);
		}
		for (i = 0, p = n > 6 ? f[6] : NULL; i < k; i++) {
			char *tab = p ? strchr(p, '\t') : NULL;

			if (tab)
				*tab = '\0';
			paths[i] = p ? p : "";
			p = tab ? tab + 1 : NULL;
		}
		add_job(l, strtoll(f[1], NULL, 10),
		    strcmp(f[2], job_kind_name(JOB_TRAINING)) == 0 ?
		    JOB_TRAINING : JOB_ANALYSIS,
		    f[3], f[4], k, hashes, paths);
		free(hashes);
		free(paths);
	} else if (n >= 2 && strcmp(f[0], "M") == 0) {
		struct ledger_job *j = ledger_job(l, strtoll(f[1], NULL, 10));

		if (j)
			mark_merged(l, j);
	} else if (n >= 2 && strcmp(f[0], "L") == 0) {
		struct ledger_job *j = ledger_job(l, strtoll(f[1], NULL, 10));

		if (j && !j->merged)
			mark_lost(l, j);
	} else if (n >= 2 && (strcmp(f[0], "B") == 0 || strcmp(f[0], "N") == 0)) {
		note_file(l, f[0][0], f[1]);
	}
}

int
ledger_parse(struct ledger *l, char *text, size_t len, size_t *whole,
	     size_t *damaged)
{
	char *line, *nl;
	size_t lineno = 0;
	int sums = 0;

	memset(l, 0, sizeof *l);
	l->fd = -1;
	/* Only whole lines count; a crash may have cut the last one short. */
	*whole = 0;
	for (line = text; (nl = memchr(line, '\n', len - (size_t)(line - text))) !=
	    NULL; line = nl + 1) {
		*nl = '\0';
		lineno++;
		if (record_check(line, &sums) < 0) {
			ledger_close(l);
			*damaged = lineno;
			errno = EBADMSG;
			return -1;
		}
		replay_line(l, line);
		*whole = (size_t)(nl + 1 - text);
	}
	return 0;
}

int
ledger_open(struct ledger *l, const char *state_dir, int writable,
	    size_t *damaged)
{
	char *path = path_join(state_dir, "ledger.tsv"), *text = NULL;
	size_t len, keep;
	int fd, saved;

	memset(l, 0, sizeof *l);
	l->fd = -1;
	/* Our own file: a symbolic link there is refused (ELOOP), never followed. */
	fd = writable ? open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0644) : open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0)
		text = file_read_fd(fd, LEDGER_LIMIT, &len);
	if (text == NULL || ledger_parse(l, text, len, &keep, damaged) < 0)
		goto fail;
	l->path = path;
	if (writable && ((keep != len && (ftruncate(fd, (off_t)keep) < 0 ||
	    fsync(fd) < 0)) || lseek(fd, 0, SEEK_END) < 0))
		goto fail;
	free(text);
	if (writable)
		l->fd = fd;
	else
		close(fd);
	return 0;
fail:
	saved = errno;
	free(text);
	if (fd >= 0)
		close(fd);
	if (l->path != path)
		free(path);
	ledger_close(l);
	errno = saved;
	return -1;
}

void
ledger_close(struct ledger *l)
{
	size_t i, k;

	if (l->fd >= 0)
		close(l->fd);
	for (i = 0; i < l->n_jobs; i++) {
		for (k = 0; k < l->jobs[i].n_inputs; k++)
			free(l->jobs[i].paths[k]);
		free(l->jobs[i].paths);
		free(l->jobs[i].hashes);
		free(l->jobs[i].output);
	}
	free(l->jobs);
	hashmap_free(&l->states);
	free(l->path);
	memset(l, 0, sizeof *l);
	l->fd = -1;
}

/* Tabs and newlines in a path would break the record: spaces stand in. */
static void
add_field(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '\t');
	for (; *s; s++)
		sb_addc(sb, *s == '\t' || *s == '\n' ? ' ' : *s);
}

/*
 * Write record (no newline yet) with its checksum, and fsync: whole or not
 * at all, so that a full disk leaves the ledger as it was.
 */
static int
append(struct ledger *l, struct strbuf *record)
{
	char sum[RECORD_SUM_SIZE];

	record_sum(record->data, record->len, sum);
	sb_addc(record, '\t');
	sb_adds(record, sum);
	sb_addc(record, '\n');
	return append_whole(l->fd, record->data, record->len, 1);
}

int
ledger_produced(struct ledger *l, int64_t id, enum job_kind kind,
		const char *output, const char *md5, size_t n,
		char (*hashes)[MD5_HEX_SIZE], char *const *paths)
{
	struct strbuf sb = { 0 };
	size_t i;
	int rc;

	sb_printf(&sb, "P\t%lld\t%s", (long long)id, job_kind_name(kind));
	add_field(&sb, output);
	add_field(&sb, md5);
	sb_addc(&sb, '\t');
	for (i = 0; i < n; i++) {
		if (i)
			sb_addc(&sb, ',');
		sb_adds(&sb, hashes[i]);
	}
	for (i = 0; i < n; i++)
		add_field(&sb, paths[i]);
	rc = append(l, &sb);
	sb_free(&sb);
	if (rc == 0)
		add_job(l, id, kind, output, md5, n, hashes, paths);
	return rc;
}

/* Append a record that only names a job: M (merged) or L (lost). */
static int
append_job_record(struct ledger *l, char tag, int64_t id)
{
	struct strbuf sb = { 0 };
	int rc;

	sb_printf(&sb, "%c\t%lld", tag, (long long)id);
	rc = append(l, &sb);
	sb_free(&sb);
	return rc;
}

int
ledger_merged(struct ledger *l, int64_t id)
{
	struct ledger_job *j;
	int rc = append_job_record(l, 'M', id);

	if (rc == 0 && (j = ledger_job(l, id)) != NULL)
		mark_merged(l, j);
	return rc;
}

int
ledger_lost(struct ledger *l, int64_t id)
{
	struct ledger_job *j;
	int rc = append_job_record(l, 'L', id);

	if (rc == 0 && (j = ledger_job(l, id)) != NULL && !j->merged)
		mark_lost(l, j);
	return rc;
}

/* B or N: a file, by its hash and path, and why; then counted. */
static int
append_file_record(struct ledger *l, char tag, const char *hash,
		   const char *path, const char *reason)
{
	struct strbuf sb = { 0 };
	int rc;

	sb_printf(&sb, "%c\t%s", tag, hash);
	add_field(&sb, path);
	add_field(&sb, reason);
	rc = append(l, &sb);
	sb_free(&sb);
	if (rc == 0)
		note_file(l, tag, hash);
	return rc;
}

int
ledger_bad(struct ledger *l, const char *hash, const char *path,
	   const char *reason)
{
	return append_file_record(l, 'B', hash, path, reason);
}

int
ledger_not_input(struct ledger *l, const char *hash, const char *path,
		 const char *reason)
{
	return append_file_record(l, 'N', hash, path, reason);
}

/* Keep the old file beside the new one, under a name nothing else has. */
static int
keep_damaged(const char *path)
{
	char *name = xmalloc(strlen(path) + 32);
	int i, rc = -1;

	for (i = 0; i < 1000 && rc < 0; i++) {
		if (i == 0)
			sprintf(name, "%s.damaged", path);
		else
			sprintf(name, "%s.damaged.%d", path, i);
		if (link(path, name) == 0)
			rc = 0;
		else if (errno != EEXIST)
			break;
	}
	free(name);
	return rc;
}

int
ledger_repair(const char *state_dir, size_t *kept, size_t *dropped)
{
	char *path = path_join(state_dir, "ledger.tsv"), *text;
	struct strbuf out = { 0 };
	size_t len;
	int rc = -1;

	*kept = *dropped = 0;
	if ((text = file_read(path, LEDGER_LIMIT, &len)) == NULL)
		goto done;
	ledger_repair_text(text, len, &out, kept, dropped);
	free(text);
	if (*dropped && keep_damaged(path) < 0)
		goto done;
	rc = atomic_write(path, out.data ? out.data : "", out.len);
done:
	sb_free(&out);
	free(path);
	return rc;
}
