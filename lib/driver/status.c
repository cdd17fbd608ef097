/*
 * status.c - bgtrain status: what a state folder says, beside a running driver
 *
 * Read-only on purpose: the ledger is replayed without its lock and without
 * cutting a half-written last line, the folders are hashed without waiting
 * for them to settle, and what the driver runs now comes from the
 * status.json it replaces whole every tick.
 */
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sysexits.h>

#include "atomic.h"
#include "bot.h"
#include "clock.h"
#include "dashboard.h"
#include "die.h"
#include "driver.h"
#include "file.h"
#include "filenames.h"
#include "hashcache.h"
#include "jsonw.h"
#include "table.h"
#include "ledger.h"
#include "path.h"
#include "scan.h"
#include "state.h"
#include "status.h"

/* status.json holds one line per running job: far less than this. */
#define STATUS_FILE_LIMIT (1 << 20)
/* A *.tmp.npz the bot has not touched for this long, it has left for good. */
#define STALE_TMP_SECONDS 3600

/* The running driver's status.json without its newline, or NULL. */
static char *
running_status(const char *state)
{
	char *path = path_join(state, "status.json"), *text;
	size_t size;

	text = file_read(path, STATUS_FILE_LIMIT, &size);
	free(path);
	if (text && size && text[size - 1] == '\n')
		text[size - 1] = '\0';
	return text;
}

/* How many of s's files the ledger has not yet counted done. */
static size_t
queued(const struct ledger *l, const struct input_queue *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		n += s->v[i].hash[0] && ledger_state(l, s->v[i].hash) < LEDGER_DONE;
	return n;
}

/* Of the history, status reads only the recent records. */
#define STATUS_HISTORY_BYTES (256u << 10)
/* The trend of the mean return is over this many training jobs. */
#define TREND_JOBS 10

/* What the history says about learning, for status. */
struct learning {
	double last_training;		/* epoch seconds; NaN: never */
	double episode_count;		/* NaN: unknown */
	double returns[TREND_JOBS];	/* the last jobs' mean returns, oldest first */
	size_t n_returns;
	double before, after;		/* the means of their older and newer halves */
	const char *trend;		/* rising, falling, flat; NULL: too few jobs */
};

static void
learning_read(const char *state, struct learning *L)
{
	struct history_data h;
	struct strbuf why = { 0 };
	const double *time, *ec, *mr;
	size_t i, n, half;

	memset(L, 0, sizeof *L);
	L->last_training = L->episode_count = NAN;
	history_data_init(&h);
	if (history_data_load(&h, state, STATUS_HISTORY_BYTES, &why) == 0) {
		time = table_column(&h.train, "time");
		ec = table_column(&h.train, "episode_count");
		mr = table_column(&h.train, "mean_return");
		for (i = h.train.rows; i-- > 0;) {
			if (time && isnan(L->last_training))
				L->last_training = time[i];
			if (ec && isnan(L->episode_count) && isfinite(ec[i]))
				L->episode_count = ec[i];
			if (mr && isfinite(mr[i]) && L->n_returns < TREND_JOBS)
				L->returns[L->n_returns++] = mr[i];
		}
	}
	n = L->n_returns;
	/* Oldest first. */
	for (i = 0; i < n / 2; i++) {
		double t = L->returns[i];

		L->returns[i] = L->returns[n - 1 - i];
		L->returns[n - 1 - i] = t;
	}
	if (n >= 2) {
		half = n / 2;
		for (i = 0; i < half; i++)
			L->before += L->returns[i] / (double)half;
		for (i = n - half; i < n; i++)
			L->after += L->returns[i] / (double)half;
		L->trend = L->after > L->before ? "rising" : L->after < L->before ?
		    "falling" : "flat";
	}
	history_data_free(&h);
	sb_free(&why);
}

/* The gate as the running driver last judged it: words, and why it is shut. */
static const char *
gate_words(const char *running, struct strbuf *why)
{
	cJSON *st = running ? cJSON_Parse(running) : NULL;
	const cJSON *gate = cJSON_GetObjectItemCaseSensitive(st, "gate");
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(st, "gate_why");
	const char *words = NULL;

	if (cJSON_IsNumber(gate)) {
		words = gate->valueint == 0 ? "open" : gate->valueint == 1 ? "shut" :
		    "far over";
		if (cJSON_IsString(reason))
			sb_adds(why, reason->valuestring);
	}
	cJSON_Delete(st);
	return words;
}

static void
json_or_null(double v, const char *fmt)
{
	if (isfinite(v))
		printf(fmt, v);
	else
		fputs("null", stdout);
}

static void
learning_print(const struct learning *L, const char *gate, const char *why,
	       int json)
{
	struct strbuf sb = { 0 };
	size_t i;

	if (json) {
		fputs(", \"last_training\": ", stdout);
		json_or_null(L->last_training, "%.3f");
		fputs(", \"episode_count\": ", stdout);
		json_or_null(L->episode_count, "%.0f");
		fputs(", \"mean_returns\": [", stdout);
		for (i = 0; i < L->n_returns; i++)
			printf("%s%.17g", i ? ", " : "", L->returns[i]);
		printf("], \"trend\": %s%s%s, \"gate_state\": %s%s%s, \"gate_why\": ",
		    L->trend ? "\"" : "", L->trend ? L->trend : "null",
		    L->trend ? "\"" : "", gate ? "\"" : "", gate ? gate : "null",
		    gate ? "\"" : "");
		if (gate)
			json_cstring(&sb, why);
		fputs(gate ? sb.data : "null", stdout);
		sb_free(&sb);
		return;
	}
	fputs("training:   ", stdout);
	if (!(fabs(L->last_training) < 1e12)) {
		fputs("none yet\n", stdout);
	} else {
		time_t t = (time_t)L->last_training;
		struct tm tm;
		char buf[32];

		localtime_r(&t, &tm);
		strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
		printf("last %s (%.0f min ago), episode_count ", buf,
		    (wall_seconds() - L->last_training) / 60);
		json_or_null(L->episode_count, "%.0f");
		fputs("\n", stdout);
	}
	if (L->trend)
		printf("trend:      mean return %.4g -> %.4g over the last %zu jobs (%s)\n",
		    L->before, L->after, L->n_returns, L->trend);
	else
		printf("trend:      too few training jobs to tell\n");
	if (gate)
		printf("gate:       %s%s%s%s\n", gate, *why ? " (" : "", why,
		    *why ? ")" : "");
	else
		printf("gate:       unknown (no driver running)\n");
}

/* No name: with adopt, a scan then takes only the bot's *.tmp.npz. */
static int
no_name(const char *path)
{
	(void)path;
	return 0;
}

/*
 * The bot's unfinished files (*.tmp.npz) older than an hour below dir:
 * how many, and how many of them the ledger has trained or found bad.
 */
struct unfinished {
	size_t n, trained, bad;
};

static void
count_unfinished(const struct ledger *l, const char *dir,
		 const struct own_files *own, struct hashcache *cache,
		 struct unfinished *u)
{
	struct input_queue s = { 0 };
	size_t i;

	s.cache = cache;
	s.adopt = 1;
	s.adopt_after = STALE_TMP_SECONDS;
	scan_folder(&s, dir, no_name, own, 0, -1);
	for (i = 0; i < s.n; i++) {
		int st = s.v[i].hash[0] ? ledger_state(l, s.v[i].hash) : LEDGER_UNKNOWN;

		u->n++;
		u->trained += st == LEDGER_DONE;
		u->bad += st == LEDGER_BAD || st == LEDGER_NOT_INPUT;
	}
	scan_free(&s);
}

/*
 * --repair: under the driver's lock (no driver may append meanwhile), keep
 * every record that holds. Returns 0, or the exit status after a message.
 */
static int
repair_ledger(const char *state)
{
	size_t kept, dropped;
	int lock, rc = 0, snap_damaged;

	if ((lock = state_lock(state)) < 0) {
		if (errno != EWOULDBLOCK)
			return state_file_error(state, "driver.lock");
		warnmsg("%s: a bgtrain is working on this state folder: stop it "
		    "before --repair", state);
		return EX_TEMPFAIL;
	}
	if (ledger_repair(state, &kept, &dropped, &snap_damaged) < 0) {
		warnmsg("%s/ledger.tsv: cannot repair: %s", state, strerror(errno));
		rc = errno == ENOENT ? EX_NOINPUT : EX_IOERR;
	} else if (snap_damaged) {
		warnmsg("%s/ledger.snap: damaged, kept as ledger.snap.damaged: the "
		    "inputs it held are done again (the learned file and the model "
		    "know theirs by content); %zu records of ledger.tsv kept, %zu "
		    "dropped", state, kept, dropped);
	} else if (dropped) {
		warnmsg("%s/ledger.tsv: repaired: %zu records kept, %zu dropped "
		    "(the old file is ledger.tsv.damaged)", state, kept, dropped);
	} else {
		warnmsg("%s/ledger.tsv: %zu records, none damaged", state, kept);
	}
	close(lock);
	return rc;
}

int
driver_status(const struct driver_options *o, int json, int repair)
{
	struct ledger l;
	struct input_queue replays = { 0 }, experience = { 0 };
	struct own_files own;
	struct hashcache hashes;
	struct unfinished left = { 0, 0, 0 };
	struct stat st;
	size_t done, pending_replays, pending_exp, trained, unreadable;
	size_t damaged = 0;
	char *running = NULL;
	struct learning learn;
	struct strbuf gate_why = { 0 };
	const char *gate;
	int active, rc;

	/*
	 * A missing folder is not an empty one: status says so, and fails.
	 * A missing state folder is said by its ledger (the path it was given).
	 */
	if ((o->bot && (rc = bot_check(o->bot, 0))) ||
	    (o->replays && (rc = setup_input_folder(o->replays, "--replays"))) ||
	    (o->experience && (rc = setup_input_folder(o->experience,
	    "--experience"))) ||
	    (stat(o->state, &st) == 0 &&
	    (rc = setup_input_folder(o->state, "the state folder, --state"))))
		return rc;
	if (repair && (rc = repair_ledger(o->state)) != 0)
		return rc;
	if (ledger_open(&l, o->state, 0, &damaged) < 0) {
		if (errno == EBADMSG)
			return state_ledger_error(o->state, damaged);
		warnmsg("%s/ledger.tsv: %s", o->state, strerror(errno));
		return EX_NOINPUT;
	}
	/* The driver's pid is in its lock file; status.json says what it does. */
	active = state_driver_alive(o->state);
	if (active)
		running = running_status(o->state);
	done = l.done[JOB_ANALYSIS];
	trained = l.done[JOB_TRAINING];
	own_init(&own, o);
	/* Read, never written: the driver's to keep. */
	hashcache_load(&hashes, o->state);
	replays.cache = experience.cache = &hashes;
	if (o->replays)
		scan_folder(&replays, o->replays, replay_input_wanted, &own, 0, -1);
	/* What run would queue: with --adopt-stale-tmp, the bot's old temp files too. */
	experience.adopt = o->adopt_stale_tmp >= 0;
	experience.adopt_after = o->adopt_stale_tmp;
	if (o->experience) {
		scan_folder(&experience, o->experience, experience_wanted, &own,
		    0, -1);
		count_unfinished(&l, o->experience, &own, &hashes, &left);
	}
	own_free(&own);
	hashcache_free(&hashes);
	unreadable = queue_unreadable(&replays) + queue_unreadable(&experience);
	pending_replays = queued(&l, &replays);
	pending_exp = queued(&l, &experience);
	learning_read(o->state, &learn);
	gate = gate_words(running, &gate_why);
	if (json) {
		printf("{\"driver_running\": %s, \"replays_done\": %zu, "
		    "\"experience_done\": %zu, \"replays_queued\": %zu, "
		    "\"experience_queued\": %zu, \"failed\": %zu, \"unreadable\": %zu, "
		    "\"not_inputs\": %zu, \"jobs\": %zu, \"unfinished\": %zu, "
		    "\"unfinished_trained\": %zu, \"unfinished_bad\": %zu, "
		    "\"status\": %s",
		    active ? "true" : "false", done, trained, pending_replays,
		    pending_exp, l.bad, unreadable, l.not_inputs, l.jobs_recorded, left.n,
		    left.trained, left.bad, running && *running ? running : "null");
		learning_print(&learn, gate, gate_why.data ? gate_why.data : "", 1);
		fputs("}\n", stdout);
	} else {
		printf("state:      %s (%s)\n"
		    "done:       %zu replays analysed, %zu experience files trained\n"
		    "queued:     %zu replays, %zu experience files\n"
		    "failed:     %zu inputs (see %s/ledger.tsv, B lines)\n"
		    "unreadable: %zu inputs (named above)\n"
		    "skipped:    %zu files that are no input, such as a model (N lines)\n"
		    "running:    %s\n", o->state,
		    active ? "a driver is running" : "no driver running", done,
		    trained, pending_replays, pending_exp, l.bad, o->state, unreadable,
		    l.not_inputs,
		    running && *running ? running : "nothing");
		learning_print(&learn, gate, gate_why.data ? gate_why.data : "", 0);
	}
	if (!json && left.n > 0)
		printf("unfinished: the bot left %zu unfinished files (*.tmp.npz unchanged "
		    "for an hour): %zu trained, %zu bad%s\n", left.n, left.trained,
		    left.bad, o->adopt_stale_tmp < 0 && left.trained + left.bad < left.n ?
		    "; --adopt-stale-tmp 3600 trains the others" : "");
	sb_free(&gate_why);
	free(running);
	scan_free(&replays);
	scan_free(&experience);
	ledger_close(&l);
	return 0;
}

int
driver_report(const struct driver_options *o, const char *output)
{
	struct history_data h;
	struct dashboard_options opt = { o->state, wall_seconds(), 0 };
	struct strbuf why = { 0 }, page = { 0 };
	char *path = output ? xstrdup(output) : path_join(o->state, "report.html");
	int rc;

	if ((rc = setup_input_folder(o->state, "the state folder, --state")) != 0) {
		free(path);
		return rc;
	}
	history_data_init(&h);
	if (history_data_load(&h, o->state, HISTORY_READ_LIMIT, &why) < 0) {
		warnmsg("%s", why.data);
		rc = EX_IOERR;
	} else {
		dashboard_render(&h, &opt, &page);
		if (atomic_write(path, page.data, page.len) < 0) {
			warnmsg("%s: %s", path, strerror(errno));
			rc = errno == EISDIR ? EX_USAGE : EX_CANTCREAT;
		} else if (output == NULL) {
			printf("%s\n", path);
		}
	}
	history_data_free(&h);
	sb_free(&why);
	sb_free(&page);
	free(path);
	return rc;
}
