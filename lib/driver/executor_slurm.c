/*
 * executor_slurm.c - jobs as batch jobs on a Slurm cluster
 *
 * The driver stays one process with one ledger; each analysis or training
 * job becomes one sbatch job that runs the same command line on a node,
 * from a script in the job's folder. Everything a job writes goes to that
 * folder, inside the state folder, which must be on a file system the
 * nodes share: its output, its report, its stdout and stderr, and its exit
 * status, which the script writes itself because Slurm keeps no exit codes
 * without an accounting database and forgets finished jobs after MinJobAge.
 * Jobs are submitted with --no-requeue, so Slurm never runs one twice, and
 * recorded in the ledger before and after sbatch (S, X; ledger_jobs.c), so
 * a restarted driver finds them again by id or by name (slurm_watch.c).
 * The scheduler owns the nodes: the local gate is not asked, and --jobs
 * bounds the jobs submitted at once.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "atomic.h"
#include "clock.h"
#include "die.h"
#include "digest.h"
#include "driver.h"
#include "driver_internal.h"
#include "executor.h"
#include "path.h"
#include "scan.h"
#include "slurm.h"
#include "spawn.h"
#include "state.h"

/* How much of a state folder's name its job names carry. */
#define NAME_FOLDER_CHARS 24

int
slurm_run(char *const argv[], struct strbuf *out, struct strbuf *why)
{
	struct strbuf err = { 0 };
	int status = spawn_capture(argv, out, &err, SLURM_OUTPUT_LIMIT), rc = 0;
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	size_t len = strlen(name);
	char *nl, *said;

	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		goto done;
	rc = -1;
	sb_reset(why);
	/* Slurm's own words: its first line says what is wrong. */
	if (err.len && (nl = memchr(err.data, '\n', err.len)) != NULL)
		*nl = '\0';
	said = err.data;
	/* "sbatch: error: ...": named once. */
	if (said && strncmp(said, name, len) == 0 && said[len] == ':' &&
	    said[len + 1] == ' ')
		said += len + 2;
	sb_printf(why, "%s: ", name);
	if (status == -1)
		sb_printf(why, "%s", strerror(errno));
	else if (said && said[0])
		sb_adds(why, said);
	else if (WIFEXITED(status))
		sb_printf(why, "exit status %d", WEXITSTATUS(status));
	else
		sb_printf(why, "killed by signal %d", WTERMSIG(status));
done:
	sb_free(&err);
	return rc;
}

void
slurm_job_name(const struct slurm *s, const struct job *j, struct strbuf *name)
{
	sb_reset(name);
	sb_printf(name, "%s%06lld", s->prefix, (long long)j->id);
}

/*
 * "bgtrain.FOLDER.HASH.": the state folder by its last name, for people
 * (squeue shows it), and by the hash of its whole canonical path and its
 * inode, so that two state folders never share a job name, nor a folder
 * made again at the same path the jobs of the one before it (Slurm shows
 * those until MinJobAge); and only characters that squeue's name lists
 * and formats take as they are.
 */
static char *
name_prefix(const char *state)
{
	char *canon = own_canonical(state), *copy = xstrdup(canon), *base;
	char hex[MD5_HEX_SIZE];
	struct strbuf sb = { 0 };
	struct stat st;
	size_t i;

	if (stat(state, &st) < 0)
		st.st_ino = 0;
	sb_printf(&sb, "%s:%llu", canon, (unsigned long long)st.st_ino);
	md5_hex((const uint8_t *)sb.data, sb.len, hex);
	sb_reset(&sb);
	base = basename(copy);
	sb_adds(&sb, "bgtrain.");
	for (i = 0; base[i] && i < NAME_FOLDER_CHARS; i++)
		sb_addc(&sb, strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-_", base[i]) ? base[i] : '_');
	sb_printf(&sb, ".%.8s.", hex);
	free(copy);
	free(canon);
	return sb.data;
}

/*
 * --sbatch-args: words as a shell splits them at blanks, with '...' and
 * "..." quoting (a partition name with a space, a --comment). Returns 0, or
 * -1 for a quote left open.
 */
static int
split_words(const char *s, struct strlist *out)
{
	struct strbuf w = { 0 };
	char quote = 0;
	int in_word = 0;

	for (;; s++) {
		if (quote) {
			if (*s == '\0')
				break;
			if (*s == quote)
				quote = 0;
			else
				sb_addc(&w, *s);
			continue;
		}
		if (*s == '\0' || *s == ' ' || *s == '\t' || *s == '\n') {
			if (in_word)
				strlist_push(out, w.data ? w.data : "");
			sb_reset(&w);
			in_word = 0;
			if (*s == '\0')
				break;
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
			in_word = 1;
		} else {
			sb_addc(&w, *s);
			in_word = 1;
		}
	}
	sb_free(&w);
	return quote ? -1 : 0;
}

/* name on PATH, as an absolute path: the jobs and the checks run it. */
static char *
on_path(const char *name)
{
	const char *env = getenv("PATH");
	char *list, *dir, *save = NULL, *found = NULL, *p;
	struct stat st;

	if (env == NULL)
		return NULL;
	list = xstrdup(env);
	for (dir = strtok_r(list, ":", &save); dir && !found;
	    dir = strtok_r(NULL, ":", &save)) {
		p = path_join(*dir ? dir : ".", name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0)
			found = realpath(p, NULL);
		free(p);
	}
	free(list);
	return found;
}

static void
slurm_free(struct driver *d)
{
	struct slurm *s = d->exec_state;

	if (s == NULL)
		return;
	free(s->sbatch);
	free(s->squeue);
	free(s->scancel);
	strlist_free(&s->args);
	free(s->prefix);
	free(s);
	d->exec_state = NULL;
}

/* Slurm's commands, the programs by absolute paths, the controller answering. */
static int
slurm_check(struct driver *d)
{
	struct slurm *s = xcalloc(1, sizeof *s);
	struct strbuf out = { 0 }, why = { 0 }, name = { 0 };
	char *argv[8], *real;
	int p, rc = 0;

	d->exec_state = s;
	if (d->o->jobs <= 0) {
		warnmsg("--jobs auto follows this machine's free CPU and memory; "
		    "with --executor slurm give how many jobs to keep submitted");
		return EX_USAGE;
	}
	if (d->o->sbatch_args && split_words(d->o->sbatch_args, &s->args) < 0) {
		warnmsg("--sbatch-args: a quote is left open: %s", d->o->sbatch_args);
		return EX_USAGE;
	}
	if ((s->sbatch = on_path("sbatch")) == NULL ||
	    (s->squeue = on_path("squeue")) == NULL ||
	    (s->scancel = on_path("scancel")) == NULL) {
		warnmsg("%s: not found on PATH (--executor slurm submits the jobs "
		    "with Slurm's sbatch, squeue and scancel)", s->sbatch == NULL ?
		    "sbatch" : s->squeue == NULL ? "squeue" : "scancel");
		return EX_UNAVAILABLE;
	}
	/* A node runs the programs of this installation, by their whole paths. */
	for (p = 0; p < PROGRAMS; p++)
		if (d->program[p] && (real = realpath(d->program[p], NULL)) != NULL) {
			free(d->program[p]);
			d->program[p] = real;
		}
	s->prefix = name_prefix(d->o->state);
	/* One question the controller must answer: our jobs, if any. */
	sb_printf(&name, "%scheck", s->prefix);
	argv[0] = s->squeue;
	argv[1] = "--noheader";
	argv[2] = "--format=%A";
	argv[3] = "--name";
	argv[4] = name.data;
	argv[5] = NULL;
	if (slurm_run(argv, &out, &why) < 0) {
		warnmsg("%s (--executor slurm: the Slurm controller must answer)",
		    why.data);
		rc = EX_UNAVAILABLE;
	}
	sb_free(&out);
	sb_free(&why);
	sb_free(&name);
	return rc;
}

/* 'text' for sh, whatever text holds. */
static void
shell_quote(struct strbuf *sb, const char *text)
{
	sb_addc(sb, '\'');
	for (; *text; text++)
		if (*text == '\'')
			sb_adds(sb, "'\\''");
		else
			sb_addc(sb, *text);
	sb_addc(sb, '\'');
}

/*
 * The job's script. The program gets SIGTERM from scancel; the shell
 * outlives it (the trap) to write the program's status, "STATUS NODE\n"
 * in one write, which the driver reads only once Slurm says the job is
 * over. Only shell builtins: the node's PATH is the driver's.
 */
static int
write_script(const struct driver *d, const struct job *j, char *const av[],
	     const char *path)
{
	struct strbuf sb = { 0 };
	char *exit_file = path_join(j->dir, "exit");
	size_t i;
	int rc;

	sb_printf(&sb, "#!/bin/sh\n# bgtrain job %lld (%s) of the state folder %s,"
	    " submitted once (--no-requeue)\ntrap : TERM\n", (long long)j->id,
	    job_kind_name(j->kind), d->o->state);
	for (i = 0; av[i]; i++) {
		if (i)
			sb_addc(&sb, ' ');
		shell_quote(&sb, av[i]);
	}
	sb_adds(&sb, "\ns=$?\nprintf '%s %s\\n' \"$s\" \"${SLURMD_NODENAME:-?}\" >");
	shell_quote(&sb, exit_file);
	sb_addc(&sb, '\n');
	rc = atomic_write(path, sb.data, sb.len);
	if (rc == 0)
		rc = chmod(path, 0700);
	sb_free(&sb);
	free(exit_file);
	return rc;
}

/* "--NAME=" and value as one word, in memory the list owns. */
static void
push_option(struct strlist *l, const char *name, const char *value)
{
	struct strbuf sb = { 0 };

	sb_printf(&sb, "--%s=%s", name, value);
	strlist_take(l, sb.data);
}

/* sbatch's answer: "ID" or "ID;CLUSTER". The id, or NULL. */
static char *
parse_job_id(const struct strbuf *out)
{
	size_t n = out->data ? strspn(out->data, "0123456789") : 0;

	if (n == 0 || n > 20)
		return NULL;
	return strndup(out->data, n);
}

/*
 * Submit j: S in the ledger (its inputs held), sbatch, X with Slurm's id.
 * The first sbatch of a run that fails is a set-up error (a partition
 * that does not exist, a controller that does not take jobs): the driver
 * stops with 69. A later one is said once and tried again next time.
 */
static int
slurm_start(struct driver *d, struct job *j, char *const av[])
{
	struct slurm *s = d->exec_state;
	struct strlist cmd = { 0 };
	struct strbuf out = { 0 }, why = { 0 }, name = { 0 };
	char *script = path_join(j->dir, "job.sh"), *path;
	int rc = -1;

	if (write_script(d, j, av, script) < 0) {
		state_io_failed(d, "%s: %s", script, strerror(errno));
		goto done;
	}
	if (ledger_submitted(&d->ledger, j->id, j->kind, j->n, j->hashes,
	    j->paths) < 0) {
		state_io_failed(d, "%s: %s", d->ledger.path, strerror(errno));
		goto done;
	}
	j->submitted = 1;
	slurm_job_name(s, j, &name);
	strlist_push(&cmd, s->sbatch);
	strlist_push(&cmd, "--parsable");
	/* The user's first: ours, after them, win where both are given. */
	strlist_push_all(&cmd, s->args.v, s->args.n);
	strlist_push(&cmd, "--no-requeue");
	push_option(&cmd, "job-name", name.data);
	push_option(&cmd, "chdir", j->dir);
	path = path_join(j->dir, "stdout");
	push_option(&cmd, "output", j->out ? j->out : path);
	free(path);
	push_option(&cmd, "error", j->err);
	strlist_push(&cmd, script);
	if (slurm_run(cmd.v, &out, &why) < 0 || (j->ext_id = parse_job_id(&out)) ==
	    NULL) {
		if (!s->submit_failing && why.len)
			warnmsg("%s", why.data);
		else if (!s->submit_failing)
			warnmsg("sbatch: no job id in its answer: %.80s",
			    out.data ? out.data : "");
		s->submit_failing = 1;
		if (!s->submitted)
			d->fatal = EX_UNAVAILABLE;
		/* Not submitted: its inputs are free again. */
		if (ledger_ended(&d->ledger, j->id) < 0)
			state_io_failed(d, "%s: %s", d->ledger.path, strerror(errno));
		j->submitted = 0;
		goto done;
	}
	s->submitted = 1;
	s->submit_failing = 0;
	if (ledger_ext_id(&d->ledger, j->id, j->ext_id) < 0)
		state_io_failed(d, "%s: %s", d->ledger.path, strerror(errno));
	j->waiting = 1;
	/* Looked at soon: a short job may be over within the second. */
	if (s->next_look > monotonic_seconds() + 0.5)
		s->next_look = monotonic_seconds() + 0.5;
	rc = 0;
done:
	strlist_free(&cmd);
	sb_free(&out);
	sb_free(&why);
	sb_free(&name);
	free(script);
	return rc;
}

/*
 * SIGTERM: scancel, which sends every process of the job SIGTERM (the
 * script's shell stays to write the program's status) and SIGKILL after
 * Slurm's KillWait; a job still waiting for a node is simply dropped.
 * SIGKILL, after --grace: the job's processes are killed at once.
 * (scancel --signal=TERM would leave the job running for seconds after its
 * program ended.)
 */
static void
slurm_signal(struct driver *d, struct job *j, int sig)
{
	struct slurm *s = d->exec_state;
	struct strbuf why = { 0 }, out = { 0 };
	char *argv[6];
	int n = 0;

	if (j->ext_id == NULL || j->ended)
		return;
	argv[n++] = s->scancel;
	if (sig == SIGKILL) {
		argv[n++] = "--signal=KILL";
		argv[n++] = "--full";
	}
	argv[n++] = j->ext_id;
	argv[n] = NULL;
	/* A job already ending cannot be signalled: Slurm ends it. */
	if (slurm_run(argv, &out, &why) < 0 && sig != SIGKILL)
		warnmsg("%s (job %lld, cluster job %s)", why.data, (long long)j->id,
		    j->ext_id);
	sb_free(&why);
	sb_free(&out);
}

/*
 * The jobs a driver before us submitted and did not see end: watched
 * again. slurm_watch.c finds each by its id, or by its name when the
 * driver died before sbatch answered; one that Slurm ran to the end is
 * landed from the files it left, one that is gone runs again.
 */
static void
slurm_recover(struct driver *d)
{
	size_t i;

	for (i = 0; i < d->ledger.n_submitted; i++) {
		struct ledger_submission *ls = &d->ledger.submitted[i];
		struct job *j;

		d->jobs = xreallocarray(d->jobs, d->n_jobs + 1, sizeof d->jobs[0]);
		j = &d->jobs[d->n_jobs++];
		job_init(j, d, ls->id, ls->kind, ls->n_inputs, ls->paths,
		    ls->hashes);
		j->submitted = 1;
		j->waiting = 1;
		/* Made with the settings --relearn left behind: never landed. */
		j->discard = ls->void_output;
		j->ext_id = ls->ext_id ? xstrdup(ls->ext_id) : NULL;
		j->started = monotonic_seconds();
		j->wall_started = wall_seconds();
	}
	if (d->n_jobs)
		warnmsg("%zu jobs an earlier run submitted have not been seen to "
		    "end: looking for them in the cluster", d->n_jobs);
}

static void
slurm_close(struct driver *d)
{
	slurm_free(d);
}

const struct executor executor_slurm = {
	.check = slurm_check,
	.recover = slurm_recover,
	.start = slurm_start,
	.poll = slurm_poll,
	.signal = slurm_signal,
	.wait = slurm_wait,
	.gated = 0,
	.close = slurm_close,
};
