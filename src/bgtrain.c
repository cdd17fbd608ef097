/*
 * bgtrain - the background driver: replay analysis and policy training in
 * parallel behind the resource gate, exactly once, Ctrl+C-safe
 */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "args.h"
#include "die.h"
#include "driver.h"
#include "version.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: bgtrain run|once|status [OPTIONS]\n"
"Analyse replays and train the policy in the background, behind a resource gate.\n"
"  run      work until SIGINT or SIGTERM     once     do all pending work, exit\n"
"  status   what the state folder says: done, queued, running, failed\n"
"\n"
"  -r, --replays DIR       replay folder (default: $REPLAY_ARCHIVE_DIR)\n"
"  -e, --experience DIR    the bot's experience folder\n"
"  -s, --state DIR         ledger, lock and job log (default ~/.local/state/bgtrain)\n"
"  -j, --jobs N|auto       workers (default: $NUM_INSTANCES, else 2)\n"
"      --learned FILE      learned_build_orders.json (default STATE/...)\n"
"      --model FILE        rl_agent_model.npz (default STATE/...)\n"
"      --quarantine DIR    bad inputs go here, with the reason\n"
"      --done-dir DIR      analysed replays move here\n"
"      --priority KIND     training (default) or analysis first\n"
"      --config FILE       settings as 'key = value', keys as these options\n"
"      --cpu P --mem P --gpu-mem P --gpu-util P --load X --far P\n"
"                          the gate, as res-gate (defaults 80 85 90 off off 10)\n"
"      --stats-every N     statistics every N finished jobs (default 5)\n"
"      --grace S           seconds from SIGTERM to SIGKILL at exit (default 30)\n"
"      --settle S          seconds a file must be unchanged before it is read (2)\n"
"      --replay-batch N    replays per analysis job (default 100)\n"
"      --train-batch N     experience files per training job (default 10)\n"
"      --json              status as JSON\n"
"  -q, --quiet             no notes about bad inputs\n"
"  -h, --help              show this help\n"
"  -V, --version           show the version\n"
"\n"
"Exit status: 0 done, 64 usage, 65 some inputs were bad or jobs failed,\n"
"75 another bgtrain holds the state folder, 130 SIGINT, 143 SIGTERM.\n");
}

static const struct option options[] = {
	{ "replays", required_argument, NULL, 'r' },
	{ "experience", required_argument, NULL, 'e' },
	{ "state", required_argument, NULL, 's' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "learned", required_argument, NULL, 0 },
	{ "model", required_argument, NULL, 0 },
	{ "quarantine", required_argument, NULL, 0 },
	{ "done-dir", required_argument, NULL, 0 },
	{ "priority", required_argument, NULL, 0 },
	{ "config", required_argument, NULL, 0 },
	{ "cpu", required_argument, NULL, 0 },
	{ "mem", required_argument, NULL, 0 },
	{ "gpu-mem", required_argument, NULL, 0 },
	{ "gpu-util", required_argument, NULL, 0 },
	{ "load", required_argument, NULL, 0 },
	{ "far", required_argument, NULL, 0 },
	{ "stats-every", required_argument, NULL, 0 },
	{ "grace", required_argument, NULL, 0 },
	{ "settle", required_argument, NULL, 0 },
	{ "replay-batch", required_argument, NULL, 0 },
	{ "train-batch", required_argument, NULL, 0 },
	{ "json", no_argument, NULL, 0 },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct settings {
	struct driver_options o;
	const char *state;
	int json;
	char **owned;		/* strings the settings point to, freed at exit */
	size_t n_owned;
};

/* A copy that lives as long as the settings (config lines do not). */
static char *
keep(struct settings *st, char *s)
{
	st->owned = xreallocarray(st->owned, st->n_owned + 1, sizeof st->owned[0]);
	st->owned[st->n_owned++] = s;
	return s;
}

/* One setting, from the command line or a config file: the same names. */
static int
set(void *ctx, const char *key, const char *v)
{
	struct settings *st = ctx;
	struct driver_options *o = &st->o;
	double x;

	if (strcmp(key, "replays") == 0) o->replays = keep(st, xstrdup(v));
	else if (strcmp(key, "experience") == 0) o->experience = keep(st, xstrdup(v));
	else if (strcmp(key, "state") == 0) st->state = keep(st, xstrdup(v));
	else if (strcmp(key, "learned") == 0) o->learned = keep(st, xstrdup(v));
	else if (strcmp(key, "model") == 0) o->model = keep(st, xstrdup(v));
	else if (strcmp(key, "quarantine") == 0) o->quarantine = keep(st, xstrdup(v));
	else if (strcmp(key, "done-dir") == 0) o->done_dir = keep(st, xstrdup(v));
	else if (strcmp(key, "jobs") == 0) {
		if (strcmp(v, "auto") == 0)
			o->jobs = 0;
		else if (parse_number(key, v, 1, 1024, 1, 0, &x) == 0)
			o->jobs = (int)x;
		else
			return -1;
	} else if (strcmp(key, "priority") == 0) {
		if (strcmp(v, "training") == 0)
			o->priority = PRIORITY_TRAINING;
		else if (strcmp(v, "analysis") == 0)
			o->priority = PRIORITY_ANALYSIS;
		else {
			warnmsg("--priority: training or analysis, not '%s'", v);
			return -1;
		}
	} else if (strcmp(key, "cpu") == 0) return parse_number(key, v, 0, 100, 0, 1, &o->gate.cpu);
	else if (strcmp(key, "mem") == 0) return parse_number(key, v, 0, 100, 0, 1, &o->gate.mem);
	else if (strcmp(key, "gpu-mem") == 0) return parse_number(key, v, 0, 100, 0, 1, &o->gate.gpu_mem);
	else if (strcmp(key, "gpu-util") == 0) return parse_number(key, v, 0, 100, 0, 1, &o->gate.gpu_util);
	else if (strcmp(key, "load") == 0) return parse_number(key, v, 0, 1e6, 0, 1, &o->gate.load);
	else if (strcmp(key, "far") == 0) return parse_number(key, v, 0, 100, 0, 0, &o->gate.far);
	else if (strcmp(key, "grace") == 0) return parse_number(key, v, 0, 86400, 0, 0, &o->grace);
	else if (strcmp(key, "settle") == 0) return parse_number(key, v, 0, 86400, 0, 0, &o->settle);
	else if (strcmp(key, "stats-every") == 0 || strcmp(key, "replay-batch") == 0 ||
	    strcmp(key, "train-batch") == 0) {
		if (parse_number(key, v, 1, 1e6, 1, 0, &x) < 0)
			return -1;
		if (key[0] == 's')
			o->stats_every = (int)x;
		else if (key[0] == 'r')
			o->replay_batch = (size_t)x;
		else
			o->train_batch = (size_t)x;
	} else if (strcmp(key, "json") == 0) st->json = 1;
	else if (strcmp(key, "quiet") == 0) o->quiet = 1;
	else {
		warnmsg("unknown setting '%s'", key);
		return -1;
	}
	return 0;
}

static char *
in_state(const char *state, const char *name)
{
	char *p = xmalloc(strlen(state) + strlen(name) + 2);

	sprintf(p, "%s/%s", state, name);
	return p;
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

int
main(int argc, char **argv)
{
	struct settings st;
	const char *cmd, *env;
	int c, index, i, status;
	size_t k;

	progname = "bgtrain";
	memset(&st, 0, sizeof st);
	driver_defaults(&st.o);
	if ((env = getenv("REPLAY_ARCHIVE_DIR")) && *env)
		st.o.replays = env;
	if ((env = getenv("NUM_INSTANCES")) && *env && set(&st, "jobs", env) < 0)
		return EX_USAGE;
	/* The config file first, so that the command line overrides it. */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--config=", 9) == 0 &&
		    config_read(a + 9, set, &st) < 0)
			return EX_USAGE;
		if (strcmp(a, "--config") == 0 && i + 1 < argc &&
		    config_read(argv[i + 1], set, &st) < 0)
			return EX_USAGE;
	}
	while ((c = getopt_long(argc, argv, "r:e:s:j:qhV", options, &index)) != -1) {
		const char *key = NULL;

		switch (c) {
		case 'r': key = "replays"; break;
		case 'e': key = "experience"; break;
		case 's': key = "state"; break;
		case 'j': key = "jobs"; break;
		case 'q': key = "quiet"; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("bgtrain %s\n", BGTRAIN_VERSION); return 0;
		case 0: key = options[index].name; break;
		default: usage(stderr); return EX_USAGE;
		}
		if (strcmp(key, "config") != 0 && set(&st, key, optarg ? optarg : "") < 0)
			return EX_USAGE;
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	cmd = argv[optind];
	if (st.state == NULL) {
		const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

		char *home_state = keep(&st, xmalloc(PATH_MAX));

		if (xdg && *xdg)
			snprintf(home_state, PATH_MAX, "%s/bgtrain", xdg);
		else
			snprintf(home_state, PATH_MAX, "%s/.local/state/bgtrain",
			    home ? home : ".");
		st.state = home_state;
	}
	st.o.state = st.state;
	if (st.o.learned == NULL)
		st.o.learned = keep(&st, in_state(st.state, "learned_build_orders.json"));
	if (st.o.model == NULL)
		st.o.model = keep(&st, in_state(st.state, "rl_agent_model.npz"));
	st.o.bin_dir = keep(&st, own_dir(argv[0]));
	if (strcmp(cmd, "status") == 0) {
		status = driver_status(&st.o, st.json);
	} else if (strcmp(cmd, "run") != 0 && strcmp(cmd, "once") != 0) {
		warnmsg("%s: not run, once or status", cmd);
		status = EX_USAGE;
	} else if (st.o.replays == NULL && st.o.experience == NULL) {
		warnmsg("nothing to watch: give --replays or --experience");
		status = EX_USAGE;
	} else {
		status = driver_run(&st.o, strcmp(cmd, "once") == 0);
	}
	for (k = 0; k < st.n_owned; k++)
		free(st.owned[k]);
	free(st.owned);
	return status;
}
