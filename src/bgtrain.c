/*
 * bgtrain - the background driver: replay analysis and policy training in
 * parallel behind the resource gate, exactly once, Ctrl+C-safe
 *
 * main() only gathers the settings and calls the driver. The command line
 * and the config file share one table per concern (bgtrain's below, the
 * gate's in gate_options.c, the training settings in train_flags.c, the
 * analysis settings in analysis_flags.c) and
 * one setter, so a key means the same in both.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "bot.h"
#include "die.h"
#include "driver.h"
#include "gate_options.h"
#include "logfile.h"
#include "options.h"
#include "path.h"
#include "strbuf.h"
#include "winpath.h"

struct settings {
	struct driver_options o;
	const char *state;
	const char *output;
	int json;
	int repair;
	int windows_paths;
};

/* In the order of enum priority: the index is the value, stored as an int. */
static const char *const priorities[] = { "training", "analysis", NULL };
_Static_assert(sizeof(enum priority) == sizeof(int), "--priority is stored as an int");
/* In the order of enum spawn_io, as ionice(1) names the classes. */
static const char *const io_classes[] = { "idle", "best-effort", "none", NULL };
_Static_assert(sizeof(enum spawn_io) == sizeof(int), "--ionice is stored as an int");
/* In the order of enum executor_kind. */
static const char *const executors[] = { "local", "slurm", NULL };
_Static_assert(sizeof(enum executor_kind) == sizeof(int), "--executor is stored as an int");

/*
 * bgtrain's own options; the gate's thresholds come from gate_options. The
 * defaults here are driver_defaults()' own, shown by --help.
 */
static const struct opt bgtrain_options[] = {
	{ .name = "replays", .letter = 'r', .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.replays), .arg = "DIR",
	  .path = 1,
	  .help = "replay folder (default: $REPLAY_ARCHIVE_DIR)" },
	{ .name = "experience", .letter = 'e', .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.experience), .arg = "DIR",
	  .path = 1,
	  .help = "the bot's experience folder" },
	{ .name = "bot", .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.bot), .arg = "DIR",
	  .path = 1,
	  .help = "the bot's folder (holding local_training/): its buffer,\n"
	  "model, learned file, --deploy and --behavior uniform\n"
	  "unless given" },
	{ .name = "state", .letter = 's', .kind = OPT_STRING,
	  .field = offsetof(struct settings, state), .arg = "DIR",
	  .path = 1,
	  .help = "ledger, lock and job log (default ~/.local/state/bgtrain)" },
	{ .name = "jobs", .letter = 'j', .kind = OPT_INT,
	  .field = offsetof(struct settings, o.jobs), .arg = "N|auto",
	  .min = 1, .max = 1024, .word = "auto", .word_value = 0, .def = "2",
	  .help = "workers, or auto to follow free CPU and memory\n"
	  "($NUM_INSTANCES, when set, replaces the default)" },
	{ .name = "learned", .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.learned), .arg = "FILE",
	  .path = 1,
	  .help = "learned_build_orders.json (default STATE/...)" },
	{ .name = "model", .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.model), .arg = "FILE",
	  .path = 1,
	  .help = "rl_agent_model.npz (default STATE/...)" },
	{ .name = "deploy", .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.deploy), .arg = "FILE",
	  .path = 1,
	  .help = "also publish each merged model here (atomically)" },
	{ .name = "on-merge", .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.on_merge), .arg = "CMD",
	  .help = "run CMD with /bin/sh after each merge, with\n"
	  "BGTRAIN_MERGED and BGTRAIN_KIND (model, learned)" },
	{ .name = "adopt-stale-tmp", .kind = OPT_NUMBER,
	  .field = offsetof(struct settings, o.adopt_stale_tmp), .arg = "S",
	  .lo = 60, .hi = 1e9,
	  .help = "also train the bot's *.tmp.npz unchanged for S seconds\n"
	  "(at least 60)" },
	{ .name = "quarantine", .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.quarantine), .arg = "DIR",
	  .path = 1,
	  .help = "bad inputs go here, with the reason" },
	{ .name = "done-dir", .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.done_dir), .arg = "DIR",
	  .path = 1,
	  .help = "analysed replays move here" },
	{ .name = "priority", .kind = OPT_CHOICE,
	  .field = offsetof(struct settings, o.priority), .arg = "KIND",
	  .words = priorities, .def = "training",
	  .help = "training or analysis first" },
	{ .name = "nice", .kind = OPT_INT,
	  .field = offsetof(struct settings, o.yield.nice), .arg = "N",
	  .min = 0, .max = 19, .def = "10",
	  .help = "the workers' nice value (0: as bgtrain's)" },
	{ .name = "ionice", .kind = OPT_CHOICE,
	  .field = offsetof(struct settings, o.yield.io), .arg = "CLASS",
	  .words = io_classes, .def = "idle",
	  .help = "the workers' I/O class: idle, best-effort or none\n"
	  "(best-effort at its lowest level; none: as bgtrain's)" },
	{ .name = "idle", .kind = OPT_FLAG,
	  .field = offsetof(struct settings, o.yield.idle),
	  .help = "workers run only on CPU time nothing else wants\n"
	  "(SCHED_IDLE)" },
	{ .name = "executor", .kind = OPT_CHOICE,
	  .field = offsetof(struct settings, o.executor), .arg = "WHAT",
	  .words = executors, .def = "local",
	  .help = "what runs the jobs: local or slurm\n"
	  "(local: children here, behind the gate; slurm: sbatch\n"
	  "jobs, the state folder on a file system the nodes share)" },
	{ .name = "sbatch-args", .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.sbatch_args), .arg = "ARGS",
	  .help = "more sbatch options for every job, such as\n"
	  "\"--partition=cpu --time=1:00:00\"" },
	{ .name = "config", .kind = OPT_CONFIG, .arg = "FILE", .cli_only = 1,
	  .path = 1,
	  .help = "settings as 'key = value', keys as these options" },
	{ .name = "stats-every", .kind = OPT_INT,
	  .field = offsetof(struct settings, o.stats_every), .arg = "N",
	  .min = 1, .max = 1000000, .def = "5",
	  .help = "statistics every N finished jobs" },
	{ .name = "grace", .kind = OPT_NUMBER,
	  .field = offsetof(struct settings, o.grace), .arg = "S",
	  .lo = 0, .hi = 86400, .def = "30",
	  .help = "seconds from SIGTERM to SIGKILL at exit" },
	{ .name = "job-timeout", .kind = OPT_NUMBER,
	  .field = offsetof(struct settings, o.job_timeout), .arg = "S",
	  .lo = 0, .hi = 1e7, .def = "3600",
	  .help = "seconds a job may run before it is stopped (0: no limit)" },
	{ .name = "settle", .kind = OPT_NUMBER,
	  .field = offsetof(struct settings, o.settle), .arg = "S",
	  .lo = 0, .hi = 86400, .def = "2",
	  .help = "seconds a file must be unchanged before it is read" },
	{ .name = "poll", .kind = OPT_NUMBER,
	  .field = offsetof(struct settings, o.poll), .arg = "S",
	  .lo = 0.1, .hi = 86400,
	  .help = "walk the folders every S seconds instead of inotify\n"
	  "(network shares, WSL's Windows drives; those found\n"
	  "are walked every 30 s unless given)" },
	{ .name = "replay-batch", .kind = OPT_SIZE,
	  .field = offsetof(struct settings, o.replay_batch), .arg = "N",
	  .min = 1, .max = 1000000, .def = "100", .help = "replays per analysis job" },
	{ .name = "train-batch", .kind = OPT_SIZE,
	  .field = offsetof(struct settings, o.train_batch), .arg = "N",
	  .min = 1, .max = 1000000, .def = "10",
	  .help = "experience files per training job" },
	{ .name = "log-max", .kind = OPT_BYTES,
	  .field = offsetof(struct settings, o.log_max), .arg = "BYTES",
	  .min = 0, .max = (uint64_t)1 << 50, .def = "10M",
	  .help = "rotate the logs at this size (K, M, G; 0: never):\n"
	  "joblog.tsv, hook.log, merge.log, system.jsonl,\n"
	  "cron.log, each to LOG.1..4" },
	{ .name = "json", .kind = OPT_FLAG, .field = offsetof(struct settings, json),
	  .help = "status as JSON" },
	{ .name = "repair", .kind = OPT_FLAG, .field = offsetof(struct settings, repair),
	  .cli_only = 1,
	  .help = "status: rebuild a damaged ledger from the records that hold" },
	{ .name = "host-probe", .kind = OPT_STRING,
	  .field = offsetof(struct settings, o.host_probe), .arg = "CMD",
	  .help = "also judge the host's figures, streamed by CMD\n"
	  "(res-gate --host); none: off (default in WSL:\n"
	  "the installed res-gate.exe)" },
	{ .name = "windows-paths", .kind = OPT_FLAG, .early = 1, .cli_only = 1,
	  .field = offsetof(struct settings, windows_paths),
	  .help = "path options and config files may hold Windows\n"
	  "paths (D:\\x): made WSL's with wslpath (bgtrain.bat)" },
	{ .name = "relearn", .kind = OPT_FLAG, .field = offsetof(struct settings, o.relearn),
	  .cli_only = 1,
	  .help = "start a new learned file from every replay (the old one\n"
	  "is kept as LEARNED.bak): how the analysis settings change" },
	{ .name = "quiet", .letter = 'q', .kind = OPT_FLAG,
	  .field = offsetof(struct settings, o.quiet),
	  .help = "no notes about bad inputs, no status line" },
	{ .name = "dashboard-every", .kind = OPT_INT,
	  .field = offsetof(struct settings, o.dashboard_every), .arg = "S",
	  .min = 0, .max = 86400, .def = "30",
	  .help = "rewrite STATE/dashboard.html at most every S seconds\n"
	  "when the history changed (0: no dashboard)" },
	{ .name = "no-history", .kind = OPT_FLAG,
	  .field = offsetof(struct settings, o.no_history),
	  .help = "keep no history: no metrics.jsonl, system.jsonl,\n"
	  "TensorBoard events or dashboard" },
	{ .name = "output", .letter = 'o', .kind = OPT_STRING, .cli_only = 1,
	  .field = offsetof(struct settings, output), .arg = "FILE",
	  .path = 1,
	  .help = "report: the HTML file to write (default STATE/report.html;\n"
	  "- for standard output)" },
	{ .name = NULL }
};

static const char synopsis[] =
"usage: bgtrain run|once|status|report [OPTIONS]   bgtrain rotate [OPTIONS] LOG...\n"
"Analyse replays and train the policy in the background, behind a resource gate.\n"
"  run      work until SIGINT or SIGTERM     once     do all pending work, exit\n"
"  status   what the state folder says: done, queued, running, failed, trend\n"
"  report   the history as one self-contained HTML page (-o FILE)\n"
"  rotate   each LOG past --log-max to LOG.1 (bgtrain-cron's log, before a run)\n";

static const char footer[] =
"The gate's options are res-gate's; PCT is 0 to 100, or off.\n"
"Exit status: 0 done, 64 usage (or analysis settings the learned file was\n"
"not made with), 65 some inputs were bad or jobs failed (or a learned file\n"
"replay-analyze did not write), 66 a missing input folder (or --bot's\n"
"local_training), 69 a missing program (or sbatch, a Slurm controller that\n"
"does not answer, a state folder the nodes cannot write), 73 no state\n"
"folder, 74 I/O or a full disk, 75 another bgtrain holds the state folder,\n"
"130 SIGINT, 143 SIGTERM.\n";

/* --windows-paths: a path written on Windows, as WSL sees it. */
static char *
windows_path(void *ctx, const char *option, const char *value)
{
	const struct settings *st = ctx;
	struct strbuf why = { 0 };
	char *path;

	if (!st->windows_paths)
		return xstrdup(value);
	if ((path = winpath_to_wsl(value, &why)) == NULL)
		warnmsg("--%s: %s: %s", option, value, why.data);
	sb_free(&why);
	return path;
}

/* The suite's other programs live beside this one. */
static char *
own_dir(const char *argv0)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

	if (n > 0) {
		buf[n] = '\0';
		return xstrdup(dirname(buf));
	}
	snprintf(buf, sizeof buf, "%s", argv0);
	return xstrdup(dirname(buf));
}

/*
 * Defaults, the environment, config files, the command line: in that
 * order, each overriding the one before. Returns the exit status when
 * there is nothing more to do (--help, a usage error), else -1.
 */
static int
settings_read(struct settings *st, struct opt_set *set, int argc, char **argv)
{
	const char *env;
	int rc;

	memset(st, 0, sizeof *st);
	driver_defaults(&st->o);
	set->path_hook = windows_path;
	set->path_ctx = st;
	if (opt_add(set, bgtrain_options, st) < 0 ||
	    opt_add(set, gate_options, &st->o.gate) < 0 ||
	    opt_add(set, training_options, &st->o.train) < 0 ||
	    opt_add(set, analysis_options, &st->o.analysis) < 0)
		return EX_SOFTWARE;
	if ((env = getenv("REPLAY_ARCHIVE_DIR")) && *env &&
	    opt_set_key(set, "replays", env) < 0)
		return EX_USAGE;
	if ((env = getenv("NUM_INSTANCES")) && *env &&
	    opt_set_key(set, "jobs", env) < 0)
		return EX_USAGE;
	if ((rc = opt_main(set, argc, argv, synopsis, footer)) >= 0)
		return rc;
	/* Only rotate takes operands: the logs. */
	if (optind == argc || (optind + 1 != argc &&
	    strcmp(argv[optind], "rotate") != 0)) {
		opt_usage(stderr, set);
		return EX_USAGE;
	}
	/* Checked now, not found wrong by every job. */
	if (train_flags_check(&st->o.train, st->o.bot || st->o.deploy) < 0 ||
	    analysis_flags_check(&st->o.analysis) < 0)
		return EX_USAGE;
	return -1;
}

/* *field, when it was not given: *path, which the set then owns. */
static void
bot_default(struct opt_set *set, const char **field, char **path)
{
	if (*field == NULL) {
		*field = opt_keep(set, *path);
		*path = NULL;
	}
}

/*
 * --bot's paths for what was not given, whatever came first: an option of
 * its own always wins over the layout.
 */
static void
settings_bot(struct settings *st, struct opt_set *set)
{
	struct bot_paths b;

	bot_paths(st->o.bot, &b);
	bot_default(set, &st->o.experience, &b.experience);
	bot_default(set, &st->o.model, &b.model);
	bot_default(set, &st->o.learned, &b.learned);
	bot_default(set, &st->o.deploy, &b.deploy);
	/* The bot plays at random (epsilon 1.0) and keeps no behavior_probs. */
	if (st->o.train.behavior < 0)
		st->o.train.behavior = BEHAVIOR_UNIFORM;
	bot_paths_free(&b);
}

/* The state folder and the files in it that were not given. */
static void
settings_paths(struct settings *st, struct opt_set *set, const char *argv0)
{
	if (st->o.bot)
		settings_bot(st, set);
	if (st->state == NULL) {
		const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

		if (xdg && *xdg)
			st->state = opt_keep(set, path_join(xdg, "bgtrain"));
		else
			st->state = opt_keep(set, path_join(home ? home : ".",
			    ".local/state/bgtrain"));
		st->o.state_default = 1;
	}
	st->o.state = st->state;
	if (st->o.learned == NULL)
		st->o.learned = opt_keep(set, path_join(st->state, "learned_build_orders.json"));
	if (st->o.model == NULL)
		st->o.model = opt_keep(set, path_join(st->state, "rl_agent_model.npz"));
	st->o.bin_dir = opt_keep(set, own_dir(argv0));
}

/*
 * bgtrain rotate: each log past --log-max moves aside, the way the driver
 * rotates its own (bgtrain-cron's log cannot be rotated by the run it
 * holds open). Returns 0, or 74 when one could not be.
 */
static int
rotate_logs(const struct driver_options *o, int n, char **logs)
{
	int i, rc = 0;

	if (n == 0) {
		warnmsg("rotate: name the logs to rotate");
		return EX_USAGE;
	}
	for (i = 0; i < n; i++)
		if (log_rotate_at(logs[i], o->log_max) < 0) {
			warnmsg("%s: cannot rotate: %s", logs[i], strerror(errno));
			rc = EX_IOERR;
		}
	return rc;
}

int
main(int argc, char **argv)
{
	struct settings st;
	struct opt_set set = { 0 };
	const char *cmd;
	int status;

	progname = "bgtrain";
	if ((status = settings_read(&st, &set, argc, argv)) >= 0) {
		opt_free(&set);
		return status;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "rotate") == 0) {
		status = rotate_logs(&st.o, argc - optind - 1, argv + optind + 1);
		opt_free(&set);
		return status;
	}
	settings_paths(&st, &set, argv[0]);
	if (strcmp(cmd, "status") == 0 && st.o.relearn) {
		warnmsg("--relearn: only with run or once");
		status = EX_USAGE;
	} else if (strcmp(cmd, "status") == 0) {
		status = driver_status(&st.o, st.json, st.repair);
	} else if (strcmp(cmd, "report") == 0) {
		status = driver_report(&st.o, st.output);
	} else if (strcmp(cmd, "run") != 0 && strcmp(cmd, "once") != 0) {
		warnmsg("%s: not run, once, status, report or rotate", cmd);
		status = EX_USAGE;
	} else if (st.o.replays == NULL && st.o.experience == NULL) {
		warnmsg("nothing to watch: give --replays, --experience or --bot");
		status = EX_USAGE;
	} else if (st.o.relearn && st.o.replays == NULL) {
		warnmsg("--relearn: no replay folder to learn from (--replays)");
		status = EX_USAGE;
	} else {
		status = driver_run(&st.o, strcmp(cmd, "once") == 0);
	}
	opt_free(&set);
	return status;
}
