/*
 * analysis.c - the learned file's filter against this run's analysis
 * settings, checked at start-up, and --relearn
 *
 * A learned file is an exact sum over replays counted under one filter
 * (race, results, lengths, kinds of game), and merge-results refuses a
 * summary made under another: one number would then mean two things. A
 * run whose settings differ from the file's would analyse every replay and
 * fail every merge, so the start compares them and stops (64), saying what
 * differs and that --relearn starts a new learned file.
 *
 * The driver links no replay code, so replay-analyze itself says what this
 * run's filter is: it runs once at start-up on no replays with the run's
 * settings, and the "filter" of the empty summary it writes is compared
 * with the learned file's, key by key. The same run judges what bgtrain's
 * table cannot (--game-type's words, the password file), in its own words.
 *
 * --relearn, in an order that leaves a consistent state wherever a crash
 * stops it:
 *   1. the replays in --done-dir move back into --replays (the ledger still
 *      says they are done: nothing learned changes);
 *   2. the learned file gets a second name, LEARNED.bak (a hard link;
 *      .bak.1 and on when taken): the backup;
 *   3. the ledger's R record voids every analysis so far: their inputs are
 *      unknown again and their unmerged summaries are never merged;
 *   4. LEARNED is replaced by the empty summary of the start-up run (the
 *      new settings' filter, no replay): the bot, which reads the file
 *      while the driver works, never finds it missing, and the merges
 *      fill it.
 * A crash between 3 and 4 is finished at the next start: while the last
 * R's backup and LEARNED are one file (one inode), LEARNED is the old one.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "analysis.h"
#include "atomic.h"
#include "die.h"
#include "driver.h"
#include "driver_internal.h"
#include "file.h"
#include "filenames.h"
#include "job.h"
#include "jsonw.h"
#include "lock.h"
#include "path.h"
#include "spawn.h"
#include "state.h"
#include "strbuf.h"
#include "walk.h"

/* replay-analyze's bound on a learned file (lib/replay/learned.h). */
#define LEARNED_LIMIT ((size_t)1 << 30)
/* The probe's empty summary and its messages: a few KiB. */
#define PROBE_LIMIT ((size_t)1 << 20)

/*
 * The filter's keys as the learned file holds them, each with the option
 * that sets it (for the message) and how a file that lacks the key reads:
 * specs/files.md, a file written before the game filter existed reads as
 * "any". Keys not listed are compared all the same.
 */
static const struct {
	const char *key, *option, *absent;
} filter_keys[] = {
	{ "race", "--race", NULL },
	{ "winners_only", "--all-results", NULL },
	{ "min_seconds", "--min-seconds", NULL },
	{ "max_seconds", "--max-seconds", NULL },
	{ "game_type", "--game-type", "any" },
};

/* STATE/work/NAME, for the probe's files. */
static char *
work_file(const struct driver *d, const char *name)
{
	char *work = path_join(d->o->state, "work"), *p = path_join(work, name);

	free(work);
	return p;
}

/*
 * A child's messages, for people: on our standard error as it wrote them.
 * Returns how many bytes there were.
 */
static size_t
relay(const char *path)
{
	size_t size = 0;
	char *text = file_read(path, PROBE_LIMIT, &size);

	if (text)
		fwrite(text, 1, size, stderr);
	free(text);
	return text ? size : 0;
}

/* What replay-analyze wrote on no replays with this run's settings. */
struct probe {
	char *text;		/* the empty summary */
	size_t size;
	cJSON *root;
	const cJSON *filter;	/* its "filter" object */
};

/*
 * replay-analyze on no replays with this run's settings, into *p (the
 * caller frees p->text and p->root). Returns 0, or the exit status after
 * the child's own message.
 */
static int
probe(const struct driver *d, struct probe *p)
{
	char *out = work_file(d, "probe-summary.json"), *err = work_file(d, "probe.stderr");
	struct strlist av = { 0 };
	int status, code, rc = 0;
	pid_t pid;

	strlist_push(&av, d->program[PROGRAM_ANALYZE]);
	strlist_push(&av, "--quiet");
	strlist_push(&av, "--summary");
	strlist_push(&av, out);
	analysis_flags_argv(&d->o->analysis, &av);
	strlist_push(&av, "-");	/* the list of replays: standard input, empty */
	unlink(err);
	pid = spawn(av.v, NULL, err);
	status = pid > 0 ? spawn_wait(pid) : -1;
	code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (code != 0) {
		size_t said = relay(err);

		/* Its usage, data, missing-file and I/O verdicts are ours. */
		if (code == EX_USAGE || code == EX_DATAERR || code == EX_NOINPUT ||
		    code == EX_IOERR) {
			char why[512], *work = path_join(d->o->state, "work");

			/* A full disk may leave it no room for a word: ours, then. */
			if (said == 0)
				warnmsg("%s exited %d on no replays: %s",
				    d->program[PROGRAM_ANALYZE], code,
				    state_child_said(err, work, why, sizeof why));
			free(work);
			rc = code;
		} else {
			if (code >= 0)
				warnmsg("%s did not run on no replays (status %d): no "
				    "analysis job could", d->program[PROGRAM_ANALYZE],
				    code);
			else
				warnmsg("%s did not run on no replays (%s): no analysis "
				    "job could", d->program[PROGRAM_ANALYZE],
				    status != -1 && WIFSIGNALED(status) ?
				    strsignal(WTERMSIG(status)) : strerror(errno));
			rc = EX_UNAVAILABLE;
		}
	} else {
		p->text = file_read(out, PROBE_LIMIT, &p->size);
		p->root = p->text ? cJSON_ParseWithLength(p->text, p->size) : NULL;
		p->filter = cJSON_GetObjectItemCaseSensitive(p->root, "filter");
		if (!cJSON_IsObject(p->filter)) {
			warnmsg("%s: %s wrote no summary with a filter", out,
			    d->program[PROGRAM_ANALYZE]);
			rc = EX_UNAVAILABLE;
		}
	}
	unlink(out);
	unlink(err);
	free(out);
	free(err);
	strlist_free(&av);
	return rc;
}

/* A filter value as the message says it: strings bare, null "none". */
static void
value_text(struct strbuf *sb, const cJSON *v)
{
	if (v == NULL || cJSON_IsNull(v))
		sb_adds(sb, "none");
	else if (cJSON_IsString(v))
		sb_adds(sb, v->valuestring);
	else if (cJSON_IsNumber(v))
		json_number(sb, v->valuedouble);
	else if (cJSON_IsBool(v))
		sb_adds(sb, cJSON_IsTrue(v) ? "true" : "false");
	else
		sb_adds(sb, "?");
}

/* One key of the two filters; a difference is added to why. */
static void
compare_key(const char *key, const cJSON *have, const cJSON *want,
	    struct strbuf *why)
{
	cJSON *absent = NULL;
	const char *option = NULL;
	size_t i;

	for (i = 0; i < sizeof filter_keys / sizeof filter_keys[0]; i++)
		if (strcmp(key, filter_keys[i].key) == 0) {
			option = filter_keys[i].option;
			if (have == NULL && filter_keys[i].absent)
				have = absent = cJSON_CreateString(filter_keys[i].absent);
		}
	if (!(have && want && cJSON_Compare(have, want, 1))) {
		sb_printf(why, "%slearned file has %s ", why->len ? "; " : "", key);
		value_text(why, have);
		sb_adds(why, ", this run asks ");
		value_text(why, want);
		if (option)
			sb_printf(why, " (%s)", option);
	}
	cJSON_Delete(absent);
}

/* What differs between the learned file's filter and this run's, in why. */
static void
differences(const cJSON *have, const cJSON *want, struct strbuf *why)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, want)
		compare_key(v->string, cJSON_GetObjectItemCaseSensitive(have,
		    v->string), v, why);
	cJSON_ArrayForEach(v, have)
		if (!cJSON_HasObjectItem(want, v->string))
			compare_key(v->string, v, NULL, why);
}

/*
 * The learned file against this run's filter: 0 when they agree or there
 * is no file yet, else the exit status after one line.
 */
static int
check_learned(const struct driver *d, const cJSON *want)
{
	const char *learned = d->o->learned;
	struct strbuf why = { 0 };
	cJSON *root = NULL;
	const cJSON *have;
	size_t size, n;
	char *text;
	int rc = 0;

	if ((text = file_read(learned, LEARNED_LIMIT, &size)) == NULL) {
		int err = errno;

		if (err != ENOENT) {
			warnmsg("%s: %s (--learned)", learned, strerror(err));
			return err == EFBIG ? EX_DATAERR : EX_IOERR;
		}
		/* The inputs merged, by the ledger's counts (its jobs are compacted away). */
		if ((n = d->ledger.done[JOB_ANALYSIS]) > 0 && !d->o->quiet)
			warnmsg("%s: missing, but the ledger has %zu inputs merged into "
			    "it: they are not analysed again (--relearn analyses "
			    "every replay into a new learned file)", learned, n);
		return 0;
	}
	root = cJSON_ParseWithLength(text, size);
	free(text);
	have = cJSON_GetObjectItemCaseSensitive(root, "filter");
	if (!cJSON_IsObject(have) ||
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "merge_state"))) {
		warnmsg("%s: not a learned file replay-analyze wrote (no filter or "
		    "merge_state: the old tool's?): no summary can be merged into "
		    "it; --relearn starts a new learned file from every replay "
		    "(this one is kept as %s.bak)", learned, learned);
		rc = EX_DATAERR;
	} else {
		differences(have, want, &why);
		if (why.len) {
			warnmsg("%s: made with other analysis settings: %s; merging "
			    "would mix them: run with the file's settings, or give "
			    "--relearn to start a new learned file from every replay "
			    "(this one is kept as %s.bak)", learned, why.data, learned);
			rc = EX_USAGE;
		}
	}
	sb_free(&why);
	cJSON_Delete(root);
	return rc;
}

/*
 * Step 1: the replays --done-dir holds go back into --replays (into
 * REPLAYS/relearned/ when the name is taken there). Returns 0, or 74
 * after naming the one that could not move.
 */
static int
done_back(const struct driver *d)
{
	struct strlist found = { 0 };
	char *again = path_join(d->o->replays, "relearned");
	size_t i, moved = 0;
	int rc = 0;

	walk_files_silent(d->o->done_dir, replay_input_wanted, &found);
	for (i = 0; i < found.n && rc == 0; i++) {
		char *copy = xstrdup(found.v[i]), *there;
		const char *into;

		there = path_join(d->o->replays, basename(copy));
		into = access(there, F_OK) == 0 ? again : d->o->replays;
		if (move_into(into, found.v[i], NULL) < 0) {
			warnmsg("%s: cannot move back into %s for --relearn: %s",
			    found.v[i], into, strerror(errno));
			rc = EX_IOERR;
		} else {
			moved++;
		}
		free(there);
		free(copy);
	}
	if (moved && !d->o->quiet)
		warnmsg("%s: %zu replays moved back into %s to be analysed again",
		    d->o->done_dir, moved, d->o->replays);
	strlist_free(&found);
	free(again);
	return rc;
}

/* The analysis outputs the ledger has not merged: their work folders go. */
static void
remove_unmerged(const struct ledger *l, struct strlist *dirs)
{
	size_t i;

	for (i = 0; i < l->n_jobs; i++)
		if (l->jobs[i].kind == JOB_ANALYSIS && l->jobs[i].merged == 0) {
			char *copy = xstrdup(l->jobs[i].output);

			strlist_push(dirs, dirname(copy));
			free(copy);
		}
}

/*
 * Step 4, and its end after a crash: LEARNED becomes the empty summary
 * (through a symbolic link, the file it ends at). Returns 0, or 74.
 */
static int
start_empty(const struct driver *d, const struct probe *p)
{
	if (atomic_write(d->o->learned, p->text, p->size) == 0)
		return 0;
	warnmsg("%s: cannot start a new learned file for --relearn (the next "
	    "start tries again): %s", d->o->learned, strerror(errno));
	return EX_IOERR;
}

/* Steps 2 to 4. Returns 0, or the exit status after one line. */
static int
relearn(struct driver *d, const struct probe *p)
{
	const char *learned = d->o->learned;
	struct strlist dirs = { 0 };
	char *real = NULL, *backup = NULL;
	int lock, rc = 0;
	size_t i;

	if (d->o->done_dir && (rc = done_back(d)) != 0)
		return rc;
	if ((lock = lock_file(learned)) < 0) {
		warnmsg("%s.lock: %s", learned, strerror(errno));
		return EX_IOERR;
	}
	/* Through a symbolic link, the file it ends at is the one to keep. */
	if ((real = realpath(learned, NULL)) == NULL && errno != ENOENT) {
		warnmsg("%s: %s (--learned)", learned, strerror(errno));
		rc = EX_IOERR;
		goto out;
	}
	if (real && (backup = link_aside(real, ".bak")) == NULL) {
		warnmsg("%s: cannot keep it as %s.bak: %s", learned, real,
		    strerror(errno));
		rc = EX_IOERR;
		goto out;
	}
	remove_unmerged(&d->ledger, &dirs);
	if (ledger_relearn(&d->ledger, backup ? backup : "") < 0) {
		warnmsg("%s: %s", d->ledger.path, strerror(errno));
		rc = EX_IOERR;
		goto out;
	}
	for (i = 0; i < dirs.n; i++)
		job_remove_dir(dirs.v[i]);
	if ((rc = start_empty(d, p)) != 0)
		goto out;
	if (!d->o->quiet)
		warnmsg("%s: --relearn: %s%s; every replay is analysed again into "
		    "a new learned file", learned, backup ? "the old one is kept as " :
		    "there was none", backup ? backup : "");
out:
	unlock_file(lock);
	strlist_free(&dirs);
	free(backup);
	free(real);
	return rc;
}

/*
 * A relearn a crash stopped between its R record and step 4: LEARNED is
 * still the backup's inode. Returns 0, or 74.
 */
static int
relearn_finish(struct driver *d, const struct probe *p)
{
	const char *backup = d->ledger.relearn_backup;
	struct stat a, b;
	int lock, rc = 0;

	if (backup == NULL || *backup == '\0' || stat(backup, &b) < 0)
		return 0;
	if ((lock = lock_file(d->o->learned)) < 0) {
		warnmsg("%s.lock: %s", d->o->learned, strerror(errno));
		return EX_IOERR;
	}
	if (stat(d->o->learned, &a) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino && (rc = start_empty(d, p)) == 0 && !d->o->quiet)
		warnmsg("%s: the --relearn a stop interrupted is finished (the old "
		    "file is %s)", d->o->learned, backup);
	unlock_file(lock);
	return rc;
}

int
analysis_start(struct driver *d)
{
	struct probe p = { 0 };
	int rc;

	if ((rc = probe(d, &p)) == 0 && (rc = relearn_finish(d, &p)) == 0)
		rc = d->o->relearn ? relearn(d, &p) : check_learned(d, p.filter);
	cJSON_Delete(p.root);
	free(p.text);
	return rc;
}
