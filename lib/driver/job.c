/*
 * job.c - one job: a child running one of the suite's programs on a batch
 *
 * Every job has a folder of its own under STATE/work, named for its number,
 * and every file the child writes goes there: the output the driver merges,
 * the report in which the child names the inputs it refused, and its
 * standard error, which only people read. The driver learns about inputs
 * from files it named, never from the text of messages.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "die.h"
#include "driver.h"
#include "driver_internal.h"
#include "executor.h"
#include "filenames.h"
#include "job.h"
#include "path.h"
#include "queue.h"
#include "scan.h"
#include "state.h"

const char *
job_kind_name(enum job_kind kind)
{
	return kind == JOB_ANALYSIS ? "analysis" : "training";
}

const char *
job_program_name(enum job_kind kind)
{
	return kind == JOB_ANALYSIS ? "replay-analyze" : "policy-train";
}

int
job_has_pack(const struct job *j)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		if (is_zip_name(j->paths[i]))
			return 1;
	return 0;
}

void
job_free(struct job *j)
{
	size_t i;

	for (i = 0; i < j->n; i++) {
		free(j->paths[i]);
		if (j->links)
			free(j->links[i]);
	}
	free(j->paths);
	free(j->links);
	free(j->hashes);
	free(j->dir);
	free(j->output);
	free(j->report);
	free(j->err);
	free(j->out);
	free(j->ext_id);
	free(j->node);
}

void
job_remove_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;

	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		char *p;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = path_join(dir, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(dp);
	rmdir(dir);
}


/*
 * The child's command line. Both programs write the inputs they refuse as
 * {"file", "error"} lines: replay-analyze among its output lines (-o),
 * policy-train into --report.
 */
static void
job_command(const struct driver *d, const struct job *j, struct strlist *av)
{
	size_t i;

	strlist_push(av, d->program[j->kind == JOB_ANALYSIS ? PROGRAM_ANALYZE :
	    PROGRAM_TRAIN]);
	strlist_push(av, "--quiet");
	if (j->kind == JOB_ANALYSIS) {
		strlist_push(av, "--summary");
		strlist_push(av, j->output);
		strlist_push(av, "-o");
		strlist_push(av, j->report);
		analysis_flags_argv(&d->o->analysis, av);
		/*
		 * What the learned file already counts stays out of the summary,
		 * so a pack that holds some of its replays merges; the file is
		 * replaced whole by each merge, so the job reads one version.
		 */
		if (access(d->o->learned, F_OK) == 0) {
			strlist_push(av, "--skip-known");
			strlist_push(av, d->o->learned);
		}
	} else {
		strlist_push(av, "--skip-bad");
		strlist_push(av, "-m");
		strlist_push(av, d->o->model);
		strlist_push(av, "--out");
		strlist_push(av, j->output);
		strlist_push(av, "--report");
		strlist_push(av, j->report);
		/* Its figures, for the history (metrics.c reads train.json). */
		strlist_push(av, "--json");
		if (j->init)
			strlist_push(av, "--init");
		train_flags_argv(&d->o->train, j->init, av);
	}
	strlist_push(av, "--");
	for (i = 0; i < j->n; i++)
		strlist_push(av, j->links && j->links[i] ? j->links[i] : j->paths[i]);
}

/*
 * policy-train never reads a *.tmp.npz (a game the bot may still be
 * writing); one the driver adopted (--adopt-stale-tmp) is handed over as a
 * link in the job's folder with a name it reads, so that the bot's file is
 * read in place, never renamed. job_init names the links. Returns 0, or -1
 * with errno set.
 */
static int
link_adopted(struct job *j)
{
	char *target;
	size_t i;

	for (i = 0; j->links && i < j->n; i++) {
		if (j->links[i] == NULL)
			continue;
		/* Absolute: the link lives in another folder than the path's. */
		target = own_canonical(j->paths[i]);
		if (symlink(target, j->links[i]) < 0) {
			free(target);
			return -1;
		}
		free(target);
	}
	return 0;
}

void
job_merge_command(const struct driver *d, const struct ledger_job *lj,
		  struct strlist *av)
{
	const struct driver_options *o = d->o;

	strlist_push(av, d->program[PROGRAM_MERGE]);
	strlist_push(av, lj->kind == JOB_ANALYSIS ? "learned" : "model");
	strlist_push(av, "--quiet");
	/* What the target holds after the merge, for the history (metrics.c). */
	strlist_push(av, "--json");
	strlist_push(av, "-o");
	strlist_push(av, lj->kind == JOB_ANALYSIS ? o->learned : o->model);
	strlist_push(av, lj->output);
}

void
job_init(struct job *j, const struct driver *d, int64_t id, enum job_kind kind,
	 size_t n, char *const *paths, char (*hashes)[MD5_HEX_SIZE])
{
	char name[64], *work;
	size_t i;

	memset(j, 0, sizeof *j);
	j->id = id;
	j->kind = kind;
	j->n = n;
	j->paths = xcalloc(n ? n : 1, sizeof j->paths[0]);
	j->hashes = xcalloc(n ? n : 1, sizeof j->hashes[0]);
	work = path_join(d->o->state, "work");
	snprintf(name, sizeof name, "job-%06lld", (long long)j->id);
	j->dir = path_join(work, name);
	free(work);
	for (i = 0; i < n; i++) {
		j->paths[i] = xstrdup(paths[i]);
		snprintf(j->hashes[i], MD5_HEX_SIZE, "%s", hashes[i]);
		if (kind != JOB_TRAINING || !is_bot_tmp_name(paths[i]))
			continue;
		if (j->links == NULL)
			j->links = xcalloc(n, sizeof j->links[0]);
		snprintf(name, sizeof name, "adopted-%06zu.npz", i);
		j->links[i] = path_join(j->dir, name);
	}
	j->output = path_join(j->dir, kind == JOB_ANALYSIS ? "summary.json" :
	    "candidate.npz");
	j->report = path_join(j->dir, kind == JOB_ANALYSIS ? "build_orders.jsonl" :
	    "report.jsonl");
	j->err = path_join(j->dir, "stderr");
	/* policy-train --json's figures, which metrics.c reads. */
	j->out = kind == JOB_TRAINING ? path_join(j->dir, "train.json") : NULL;
}

int
job_start(struct driver *d, enum job_kind kind, struct queued_input **in, size_t n,
	  int init)
{
	struct strlist av = { 0 }, paths = { 0 };
	char (*hashes)[MD5_HEX_SIZE] = xcalloc(n, sizeof hashes[0]);
	struct job *j;
	size_t i;
	int rc;

	d->jobs = xreallocarray(d->jobs, d->n_jobs + 1, sizeof d->jobs[0]);
	j = &d->jobs[d->n_jobs];
	for (i = 0; i < n; i++) {
		strlist_push(&paths, in[i]->path);
		snprintf(hashes[i], MD5_HEX_SIZE, "%s", in[i]->hash);
		in[i]->state = INPUT_RUNNING;
	}
	queue_of(d, kind)->dirty = 1;
	job_init(j, d, d->ledger.next_job++, kind, n, paths.v, hashes);
	strlist_free(&paths);
	free(hashes);
	j->init = init;
	job_remove_dir(j->dir);
	/* No folder, no stderr file to say why: the driver says it. */
	if ((mkdir(j->dir, 0700) < 0 && errno != EEXIST) ||
	    (kind == JOB_TRAINING && link_adopted(j) < 0)) {
		state_io_failed(d, "%s: cannot make the job's folder: %s", j->dir,
		    strerror(errno));
		queue_set_inputs(d, j, INPUT_NEW);
		job_remove_dir(j->dir);
		job_free(j);
		return -1;
	}

	job_command(d, j, &av);
	j->started = monotonic_seconds();
	j->wall_started = wall_seconds();
	/* The executor says why it could not. */
	rc = d->exec->start(d, j, av.v);
	strlist_free(&av);
	if (rc < 0) {
		queue_set_inputs(d, j, INPUT_NEW);
		job_remove_dir(j->dir);
		job_free(j);
		return -1;
	}
	d->n_jobs++;
	return 0;
}
