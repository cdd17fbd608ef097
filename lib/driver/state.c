/*
 * state.c - the state folder and the set-up around it: start-up checks,
 * job log, statistics
 *
 * What a person or `bgtrain status` reads about a running driver is
 * written here (the job log), in driver_lock.c (the lock file with our pid)
 * and in status_file.c (status.json). status reads them without taking
 * the lock, so it works beside a driver.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "atomic.h"
#include "bot.h"
#include "clock.h"
#include "console.h"
#include "die.h"
#include "jsonw.h"
#include "driver.h"
#include "driver_internal.h"
#include "file.h"
#include "host.h"
#include "jsonw.h"
#include "logfile.h"
#include "path.h"
#include "progress.h"
#include "scan.h"
#include "state.h"
#include "strbuf.h"

/*
 * A set-up error found only when a job fails looks like a bad input, or
 * like nothing at all: a missing folder scanned as empty ends in "Errors:
 * 0" and exit 0, a missing program in "status 127" per job, a model path
 * that names a folder in failed jobs and then an idle driver. So run and
 * once look at everything they will need before they take the lock, and
 * stop with one line naming the path and what is wrong, and the sysexits
 * status that says which kind of set-up it is.
 */

/*
 * Less free space than this where the driver writes is a full disk: a job
 * writes a candidate (a model's size, a few MiB) or a summary, and the
 * ledger must take its records.
 */
#define SETUP_MIN_FREE (8.0 * 1024 * 1024)

static const char *const program_names[PROGRAMS] = {
	"replay-analyze", "policy-train", "merge-results"
};

int
setup_input_folder(const char *path, const char *role)
{
	struct stat st;
	DIR *dp;

	if (stat(path, &st) < 0) {
		warnmsg("%s: %s (%s)", path, strerror(errno), role);
		return EX_NOINPUT;
	}
	if (!S_ISDIR(st.st_mode)) {
		warnmsg("%s: not a folder (%s)", path, role);
		return EX_NOINPUT;
	}
	if ((dp = opendir(path)) == NULL) {
		warnmsg("%s: %s (%s)", path, strerror(errno), role);
		return EX_NOINPUT;
	}
	closedir(dp);
	return 0;
}

/* mkdir -p, each new folder mode 0700 (the XDG base directory rule). */
static int
make_parents(const char *path)
{
	char *p = xstrdup(path);
	size_t i, n = strlen(p);
	int rc = 0;

	for (i = 1; rc == 0 && i < n; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			rc = -1;
		p[i] = '/';
	}
	free(p);
	return rc;
}

/*
 * The state folder, made mode 0700 if missing (with its parents when it is
 * the default one), and its work folder. A file in the way says so, rather
 * than looking like another driver's lock.
 */
static int
setup_state(const struct driver_options *o)
{
	struct stat st;
	char *work;
	int rc = 0;

	if (o->state_default && make_parents(o->state) < 0) {
		warnmsg("%s: %s (the state folder's parents)", o->state,
		    strerror(errno));
		return EX_CANTCREAT;
	}
	if (mkdir(o->state, 0700) < 0 && errno != EEXIST) {
		warnmsg("%s: cannot create the state folder: %s", o->state,
		    strerror(errno));
		return EX_CANTCREAT;
	}
	if (stat(o->state, &st) < 0 || !S_ISDIR(st.st_mode)) {
		warnmsg("%s: not a folder (the state folder, --state)", o->state);
		return EX_CANTCREAT;
	}
	if (access(o->state, W_OK | X_OK) < 0) {
		warnmsg("%s: %s (the state folder, --state)", o->state,
		    strerror(errno));
		return EX_CANTCREAT;
	}
	work = path_join(o->state, "work");
	if (mkdir(work, 0700) < 0 && errno != EEXIST) {
		warnmsg("%s: cannot create the work folder: %s", work,
		    strerror(errno));
		rc = EX_CANTCREAT;
	} else if (stat(work, &st) < 0 || !S_ISDIR(st.st_mode)) {
		warnmsg("%s: not a folder (the work folder)", work);
		rc = EX_CANTCREAT;
	}
	free(work);
	return rc;
}

/* The folder a file is written in must exist and take new files. */
static int
writable_parent(const char *path, const char *role)
{
	char *copy = xstrdup(path), *dir = dirname(copy);
	const char *why = NULL;
	struct stat st;
	int rc = 0;

	if (stat(dir, &st) < 0)
		why = strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "not a folder";
	else if (access(dir, W_OK | X_OK) < 0)
		why = strerror(errno);
	if (why) {
		warnmsg("%s: %s (the folder of %s)", dir, why, role);
		rc = EX_CANTCREAT;
	}
	free(copy);
	return rc;
}

/* --model and --learned: a file, or nothing yet, in a folder we can write. */
static int
setup_output_file(const char *path, const char *role)
{
	struct stat st;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		warnmsg("%s: %s, not a file (%s)", path,
		    S_ISDIR(st.st_mode) ? "a folder" : "a special file", role);
		return EX_USAGE;
	}
	return writable_parent(path, role);
}

/*
 * --deploy: a file like the model, but never the model or the learned file
 * itself: the copy would replace what it copies.
 */
static int
setup_deploy(const struct driver_options *o)
{
	char *deploy = own_canonical(o->deploy), *model = own_canonical(o->model);
	char *learned = o->learned ? own_canonical(o->learned) : NULL;
	int rc = 0;

	if (strcmp(deploy, model) == 0 || (learned && strcmp(deploy, learned) == 0)) {
		warnmsg("%s: --deploy names the %s itself (the bot's hot reload "
		    "watches a copy, deployed_model.npz)", o->deploy,
		    strcmp(deploy, model) == 0 ? "model" : "learned file");
		rc = EX_USAGE;
	}
	free(deploy);
	free(model);
	free(learned);
	return rc ? rc : setup_output_file(o->deploy, "--deploy");
}

/* --quarantine and --done-dir: a folder, or nothing yet where one can be made. */
static int
setup_output_folder(const char *path, const char *role)
{
	struct stat st;

	if (path == NULL)
		return 0;
	if (stat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			warnmsg("%s: not a folder (%s)", path, role);
			return EX_USAGE;
		}
		if (access(path, W_OK | X_OK) < 0) {
			warnmsg("%s: %s (%s)", path, strerror(errno), role);
			return EX_CANTCREAT;
		}
		return 0;
	}
	return writable_parent(path, role);
}

/* An executable regular file, or NULL. */
static char *
executable(const char *dir, const char *name)
{
	char *p = path_join(dir, name);
	struct stat st;

	if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0)
		return p;
	free(p);
	return NULL;
}

/* Beside bgtrain first (the suite installed together), else on PATH. */
static char *
find_program(const char *bin_dir, const char *name)
{
	const char *env = getenv("PATH");
	char *found, *list, *dir, *save = NULL;

	if (bin_dir && (found = executable(bin_dir, name)) != NULL)
		return found;
	if (env == NULL || *env == '\0')
		return NULL;
	list = xstrdup(env);
	found = NULL;
	for (dir = strtok_r(list, ":", &save); dir && !found;
	    dir = strtok_r(NULL, ":", &save))
		found = executable(*dir ? dir : ".", name);
	free(list);
	return found;
}

static int
setup_programs(const struct driver_options *o, char *prog[PROGRAMS])
{
	int need[PROGRAMS] = { o->replays != NULL, o->experience != NULL, 1 };
	int p;

	for (p = 0; p < PROGRAMS; p++) {
		prog[p] = NULL;
		if (!need[p])
			continue;
		if ((prog[p] = find_program(o->bin_dir, program_names[p])) == NULL) {
			warnmsg("%s: not found beside bgtrain (%s) or on PATH",
			    program_names[p], o->bin_dir ? o->bin_dir : "?");
			return EX_UNAVAILABLE;
		}
	}
	return 0;
}

/* Bytes free for us in the file system of folder dir; -1 when unknown. */
static double
free_bytes(const char *dir)
{
	struct statvfs vfs;

	if (statvfs(dir, &vfs) < 0)
		return -1;
	return (double)vfs.f_bavail * (double)vfs.f_frsize;
}

/* Room for a job's output and the ledger's records, where they go. */
int
setup_space(const char *path, int is_folder)
{
	char *copy = xstrdup(path), *dir = is_folder ? copy : dirname(copy);
	double avail = free_bytes(dir);
	int rc = 0;

	if (avail >= 0 && avail < SETUP_MIN_FREE) {
		warnmsg("%s: no space left on the device (%.0f KiB free, want %.0f)",
		    dir, avail / 1024, SETUP_MIN_FREE / 1024);
		rc = EX_IOERR;
	}
	free(copy);
	return rc;
}

const char *
state_child_said(const char *err, const char *folder, char *buf, size_t size)
{
	size_t len = 0, end;
	char *text = file_read(err, 1 << 20, &len), *line;
	double avail;

	/* Its last line that says something: the program's own error line. */
	for (end = len; end > 0 && (text[end - 1] == '\n' || text[end - 1] == ' ');)
		end--;
	if (text != NULL && end > 0) {
		text[end] = '\0';
		line = strrchr(text, '\n');
		snprintf(buf, size, "%s", line ? line + 1 : text);
	} else if ((avail = free_bytes(folder)) >= 0) {
		snprintf(buf, size, "%s said nothing; %s has %.0f KiB free", err,
		    folder, avail / 1024);
	} else {
		snprintf(buf, size, "%s said nothing", err);
	}
	free(text);
	return buf;
}

int
setup_check(const struct driver_options *o, char *prog[PROGRAMS])
{
	int rc, p;

	for (p = 0; p < PROGRAMS; p++)
		prog[p] = NULL;
	/* The bot's folders first: the experience folder may be one to make. */
	if ((o->bot && (rc = bot_check(o->bot, 1))) ||
	    (o->replays && (rc = setup_input_folder(o->replays, "--replays"))) ||
	    (o->experience && (rc = setup_input_folder(o->experience,
	    "--experience"))) ||
	    (rc = setup_state(o)) ||
	    (o->replays && (rc = setup_output_file(o->learned, "--learned"))) ||
	    (o->experience && (rc = setup_output_file(o->model, "--model"))) ||
	    (o->experience && o->deploy && (rc = setup_deploy(o))) ||
	    (rc = setup_output_folder(o->quarantine, "--quarantine")) ||
	    (rc = setup_output_folder(o->done_dir, "--done-dir")) ||
	    (rc = setup_programs(o, prog)) ||
	    (rc = setup_space(o->state, 1)) ||
	    (o->replays && (rc = setup_space(o->learned, 0))) ||
	    (o->experience && (rc = setup_space(o->model, 0)))) {
		for (p = 0; p < PROGRAMS; p++) {
			free(prog[p]);
			prog[p] = NULL;
		}
		return rc;
	}
	return 0;
}

int
state_file_error(const char *state, const char *name)
{
	/* O_NOFOLLOW says ELOOP: a link put there would have us write elsewhere. */
	if (errno == ELOOP)
		warnmsg("%s/%s: a symbolic link: the driver's own files are never "
		    "followed (remove it)", state, name);
	else
		warnmsg("%s/%s: %s", state, name, strerror(errno));
	return EX_IOERR;
}

int
state_ledger_error(const char *state, size_t damaged)
{
	if (errno == EBADMSG && damaged == 0) {
		warnmsg("%s/ledger.snap: damaged (bgtrain status --repair keeps it "
		    "aside and the records after it)", state);
		return EX_DATAERR;
	}
	if (errno == EBADMSG) {
		warnmsg("%s/ledger.tsv:%zu: damaged record (bgtrain status --repair "
		    "keeps every record that holds)", state, damaged);
		return EX_DATAERR;
	}
	return state_file_error(state, "ledger.tsv");
}

int
state_open_joblog(const char *state)
{
	static const char header[] = "Seq\tKind\tStarttime\tJobRuntime\tExitval\t"
	    "Signal\tInputs\tCommand\n";
	char *path = path_join(state, "joblog.tsv");
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0644), saved;
	struct stat st;

	free(path);
	if (fd >= 0 && (fstat(fd, &st) < 0 || (st.st_size == 0 &&
	    append_whole(fd, header, sizeof header - 1, 0) < 0))) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* A job log past --log-max goes to joblog.tsv.1, and a new one starts. */
static void
rotate_joblog(struct driver *d)
{
	char *path = path_join(d->o->state, "joblog.tsv");
	int rc = log_rotate_at(path, d->o->log_max);

	if (rc < 0)
		warnmsg("%s: cannot rotate: %s", path, strerror(errno));
	if (rc > 0) {
		close(d->joblog);
		if ((d->joblog = state_open_joblog(d->o->state)) < 0)
			state_io_failed(d, "%s: %s", path, strerror(errno));
	}
	free(path);
}

void
state_log_job(struct driver *d, const struct job *j, int status, double secs)
{
	struct strbuf sb = { 0 };
	size_t i;

	if (d->joblog < 0)
		return;
	sb_printf(&sb, "%lld\t%s\t%.3f\t%.3f\t%d\t%d\t%zu\t", (long long)j->id,
	    job_kind_name(j->kind), j->wall_started, secs,
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	    WIFSIGNALED(status) ? WTERMSIG(status) : 0, j->n);
	/* The first inputs name the job; all of them are in the ledger. */
	for (i = 0; i < j->n && i < 3; i++)
		sb_printf(&sb, "%s%s", i ? " " : "", j->paths[i]);
	sb_printf(&sb, "%s\n", j->n > 3 ? " ..." : "");
	rotate_joblog(d);
	if (d->joblog >= 0 && append_whole(d->joblog, sb.data, sb.len, 0) < 0)
		state_io_failed(d, "%s/joblog.tsv: %s", d->o->state, strerror(errno));
	sb_free(&sb);
}

void
state_io_failed(struct driver *d, const char *fmt, ...)
{
	struct strbuf sb = { 0 };
	va_list ap;

	if (d->io_failed++)
		return;	/* the first says it; the rest follow from it */
	d->errors++;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	warnmsg("%s (the driver stops: what the ledger holds is kept, the rest "
	    "runs again at the next start)", sb.data);
	sb_free(&sb);
}

void
state_print_stats(const struct driver *d)
{
	/* On one terminal, the block must not run into the status line. */
	progress_interrupt();
	printf("======================================================================\n"
	    "[BACKGROUND LEARNING] STATISTICS\n"
	    "======================================================================\n"
	    "Replays Analyzed: %zu\n"
	    "Models Trained: %zu\n"
	    "Total Processing Time: %.2fs\n"
	    "Active Workers: %zu/%d\n"
	    "Errors: %zu\n"
	    "======================================================================\n",
	    d->replays_analyzed, d->models_trained, d->processing, d->n_jobs,
	    d->slots, d->errors);
	fflush(stdout);
}
