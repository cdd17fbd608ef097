/*
 * slurm_watch.c - which of our Slurm jobs have ended, and how
 *
 * No SIGCHLD comes from a cluster: squeue is asked, by the jobs' names (a
 * name finds a job whose id a killed driver never recorded), a few times a
 * second while jobs are young, every two seconds after. A job is over only
 * when Slurm says so (COMPLETING is not over: a new job for its inputs
 * must not start beside it); its exit status is then the one its script
 * wrote into its folder. Without that file the job's folder tells what
 * happened: no stderr there either means the node could not write the
 * state folder (a folder the nodes do not share), which every job would
 * find again, so it is said once and the driver stops (69). NFS caches a
 * file's absence for a while, so a missing status is believed only on the
 * second look, after the folder has been opened again (which makes NFS
 * look again).
 */
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "clock.h"
#include "die.h"
#include "driver.h"
#include "driver_internal.h"
#include "file.h"
#include "path.h"
#include "slurm.h"
#include "state.h"
#include "strlist.h"

/* Seconds between looks while a job is young (just submitted or started), and after. */
#define LOOK_YOUNG 0.25
#define LOOK_OLD 2.0
#define YOUNG_SECONDS 10.0
/* At exit, how long cancelled jobs may take to leave the queue. */
#define BLOCK_LIMIT 60.0
/* Looks that must find a job over without its exit status before it counts. */
#define LOOKS_TO_BELIEVE 2

/* One line of squeue: a job of ours as Slurm sees it. */
struct sq_line {
	long long id;
	char *state, *name, *node, *reason;
};

/* The states a job never leaves: over, for good (--no-requeue). */
static int
state_over(const char *state)
{
	static const char *const over[] = { "COMPLETED", "CANCELLED", "FAILED",
		"TIMEOUT", "PREEMPTED", "NODE_FAIL", "BOOT_FAIL", "DEADLINE",
		"OUT_OF_MEMORY", "REVOKED", "SPECIAL_EXIT", NULL };
	size_t i;

	for (i = 0; over[i]; i++)
		if (strcmp(state, over[i]) == 0)
			return 1;
	return 0;
}

/* States in which Slurm itself stopped the job's processes. */
static int
state_killed(const char *state)
{
	return strcmp(state, "CANCELLED") == 0 || strcmp(state, "TIMEOUT") == 0 ||
	    strcmp(state, "OUT_OF_MEMORY") == 0 || strcmp(state, "PREEMPTED") == 0 ||
	    strcmp(state, "DEADLINE") == 0;
}

static int
in_flight(const struct driver *d)
{
	size_t i;

	for (i = 0; i < d->n_jobs; i++)
		if (!d->jobs[i].ended)
			return 1;
	return 0;
}

double
slurm_wait(const struct driver *d, double limit)
{
	const struct slurm *s = d->exec_state;
	double left;

	if (s == NULL || !in_flight(d))
		return limit;
	left = s->next_look - monotonic_seconds();
	if (left < 0)
		left = 0;
	return left < limit ? left : limit;
}

static double
look_interval(const struct driver *d, double t)
{
	size_t i;

	/*
	 * Young: submitted, or started on a node, a few seconds ago (a job
	 * waiting for a node keeps its submission time). One waiting for
	 * hours is asked about like an old one: squeue four times a second
	 * for as long as a cluster is full would load its controller.
	 */
	for (i = 0; i < d->n_jobs; i++)
		if (!d->jobs[i].ended && t - d->jobs[i].started < YOUNG_SECONDS)
			return LOOK_YOUNG;
	return LOOK_OLD;
}

/*
 * The status the job's script wrote ("STATUS NODE\n"), as a wait status:
 * 1, or 0 when there is none (yet).
 */
static int
read_exit(struct job *j)
{
	char *path = path_join(j->dir, "exit"), buf[160], node[128];
	long len = file_read_into(path, buf, sizeof buf);
	int code;

	free(path);
	if (len <= 0 || buf[len - 1] != '\n' ||
	    sscanf(buf, "%d %127s", &code, node) != 2 || code < 0 || code > 255)
		return 0;
	/* The shell's 128+N: the program died of signal N. */
	j->status = code > 128 && code < 128 + NSIG ? code - 128 :
	    W_EXITCODE(code, 0);
	free(j->node);
	j->node = xstrdup(node);
	return 1;
}

/* Opening the folder makes NFS look at it again (close-to-open). */
static void
revalidate(const char *dir)
{
	DIR *dp = opendir(dir);

	if (dp)
		closedir(dp);
}

static int
has_file(const struct job *j, const char *name)
{
	char *p = path_join(j->dir, name);
	int rc = access(p, F_OK) == 0;

	free(p);
	return rc;
}

/* Over without a status it wrote: how it ended, from Slurm and the folder. */
static void
unaccounted(struct driver *d, struct job *j, const struct sq_line *l)
{
	struct slurm *s = d->exec_state;
	const char *state = l ? l->state : "forgotten by Slurm";

	j->ended = 1;
	j->status = W_EXITCODE(EX_OSERR, 0);
	if (!has_file(j, "stderr") && l && strcmp(l->state, "CANCELLED") != 0 &&
	    l->node[0]) {
		/* Started on a node that could not open its output there. */
		if (!s->invisible_said)
			warnmsg("%s: job %lld (cluster job %s on %s) could not write "
			    "its folder %s (Slurm: %s, %s): the state folder must be "
			    "on a file system the nodes share", d->o->state,
			    (long long)j->id, j->ext_id ? j->ext_id : "?", l->node,
			    j->dir, l->state, l->reason);
		s->invisible_said = 1;
		d->fatal = EX_UNAVAILABLE;
		j->requeue = 1;
	} else if (!has_file(j, "stderr") || (l && (strcmp(l->state, "NODE_FAIL") == 0 ||
	    strcmp(l->state, "BOOT_FAIL") == 0))) {
		/* Never ran, or its node was lost: nothing is the inputs' fault. */
		if (!d->o->quiet)
			warnmsg("job %lld (cluster job %s) never ran to the end (%s): "
			    "its inputs run again", (long long)j->id,
			    j->ext_id ? j->ext_id : "never answered", state);
		j->requeue = 1;
	} else if (l && state_killed(l->state)) {
		j->status = SIGKILL;	/* Slurm stopped it: as killed */
	} else {
		warnmsg("job %lld (cluster job %s) ended without an exit status "
		    "(%s)", (long long)j->id, j->ext_id ? j->ext_id : "?", state);
	}
}

/* What one look at squeue says of j (l: its line, or NULL). */
static void
judge(struct driver *d, struct job *j, const struct sq_line *l, double t)
{
	if (l && !state_over(l->state)) {
		j->unaccounted = 0;
		if (strcmp(l->state, "PENDING") == 0) {
			j->waiting = 1;
		} else if (j->waiting) {
			j->waiting = 0;
			j->started = t;	/* --job-timeout counts from here */
		}
		if (l->node[0] && (j->node == NULL || strcmp(j->node, l->node) != 0)) {
			free(j->node);
			j->node = xstrdup(l->node);
		}
		return;
	}
	if (read_exit(j)) {
		j->ended = 1;
		return;
	}
	revalidate(j->dir);
	if (read_exit(j)) {
		j->ended = 1;
		return;
	}
	if (++j->unaccounted >= LOOKS_TO_BELIEVE)
		unaccounted(d, j, l);
}

/* Split squeue's "ID|STATE|NAME|NODES|REASON" lines in place. */
static size_t
parse_lines(char *text, struct sq_line **out)
{
	struct sq_line *v = NULL;
	size_t n = 0;
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char *f[5], *rest = line;
		size_t k;

		for (k = 0; k < 5 && rest; k++)
			f[k] = strsep(&rest, "|");
		if (k < 5)
			continue;
		v = xreallocarray(v, n + 1, sizeof v[0]);
		v[n].id = strtoll(f[0], NULL, 10);
		v[n].state = f[1];
		v[n].name = f[2];
		v[n].node = f[3];
		v[n].reason = f[4];
		n++;
	}
	*out = v;
	return n;
}

/*
 * j's line: by its id when known; else the newest job of its name (a
 * state folder made again at the same path may have left an older one).
 */
static const struct sq_line *
line_of(const struct sq_line *v, size_t n, const struct job *j,
	const char *name)
{
	const struct sq_line *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i].name, name) != 0)
			continue;
		if (j->ext_id) {
			if (v[i].id == strtoll(j->ext_id, NULL, 10))
				return &v[i];
		} else if (best == NULL || v[i].id > best->id) {
			best = &v[i];
		}
	}
	return best;
}

/* A job found by its name, whose id a killed driver never recorded. */
static void
found_id(struct driver *d, struct job *j, const struct sq_line *l)
{
	char id[32];

	snprintf(id, sizeof id, "%lld", l->id);
	j->ext_id = xstrdup(id);
	if (ledger_ext_id(&d->ledger, j->id, id) < 0)
		state_io_failed(d, "%s: %s", d->ledger.path, strerror(errno));
}

/* One squeue over every job in flight, and a verdict on each. */
static void
look(struct driver *d, double t)
{
	struct slurm *s = d->exec_state;
	struct strbuf names = { 0 }, name = { 0 }, out = { 0 }, why = { 0 };
	struct strlist argv = { 0 };
	struct sq_line *v = NULL;
	size_t i, n;

	for (i = 0; i < d->n_jobs; i++) {
		if (d->jobs[i].ended)
			continue;
		slurm_job_name(s, &d->jobs[i], &name);
		if (names.len)
			sb_addc(&names, ',');
		sb_add(&names, name.data, name.len);
	}
	strlist_push(&argv, s->squeue);
	strlist_push(&argv, "--noheader");
	strlist_push(&argv, "--states=all");
	strlist_push(&argv, "--format=%A|%T|%j|%N|%r");
	strlist_push(&argv, "--name");
	strlist_push(&argv, names.data);
	if (slurm_run(argv.v, &out, &why) < 0) {
		/* The jobs go on without us; they are looked at again. */
		if (!s->queue_failing)
			warnmsg("%s (looked at again)", why.data);
		s->queue_failing = 1;
		goto done;
	}
	s->queue_failing = 0;
	n = parse_lines(out.data ? out.data : "", &v);
	for (i = 0; i < d->n_jobs; i++) {
		struct job *j = &d->jobs[i];
		const struct sq_line *l;

		if (j->ended)
			continue;
		slurm_job_name(s, j, &name);
		l = line_of(v, n, j, name.data);
		if (l && j->ext_id == NULL)
			found_id(d, j, l);
		judge(d, j, l, t);
	}
	free(v);
done:
	strlist_free(&argv);
	sb_free(&names);
	sb_free(&name);
	sb_free(&out);
	sb_free(&why);
}

/*
 * Jobs that will not leave the queue: they count as ended for this run,
 * but their inputs stay held in the ledger (no E), so the next run finds
 * them again instead of running their inputs beside them.
 */
static void
give_up(struct driver *d)
{
	size_t i;

	for (i = 0; i < d->n_jobs; i++) {
		struct job *j = &d->jobs[i];

		if (j->ended)
			continue;
		warnmsg("job %lld (cluster job %s) is still in Slurm's queue after "
		    "%g s; the next run looks for it again", (long long)j->id,
		    j->ext_id ? j->ext_id : "?", BLOCK_LIMIT);
		j->ended = 1;
		j->status = SIGKILL;
		j->requeue = 1;
		j->submitted = 0;
	}
}

void
slurm_poll(struct driver *d, int block)
{
	struct slurm *s = d->exec_state;
	double deadline = monotonic_seconds() + BLOCK_LIMIT;

	for (;;) {
		double t = monotonic_seconds();

		if (!in_flight(d))
			return;
		if (block || t >= s->next_look) {
			look(d, t);
			s->next_look = t + look_interval(d, t);
		}
		if (!block || !in_flight(d))
			return;
		if (t >= deadline) {
			give_up(d);
			return;
		}
		pause_seconds(LOOK_YOUNG);
	}
}
