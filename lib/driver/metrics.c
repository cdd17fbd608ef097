/*
 * metrics.c - the driver's history: what each job and the machine did
 *
 * The driver reads no model and no replay itself: what a training job did
 * comes from policy-train --json (train.json in the job's folder), what the
 * model and the learned file hold after a merge from merge-results --json
 * (through a pipe), both taken by name and copied as written (flat.c), so a
 * field a program does not report is absent from the record, never 0. The machine's figures are the gate's
 * own sample of the tick. Writing and drawing live in lib/history; this
 * file only gathers the figures.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "clock.h"
#include "dashboard.h"
#include "die.h"
#include "driver.h"
#include "driver_internal.h"
#include "file.h"
#include "flat.h"
#include "history.h"
#include "metrics.h"
#include "path.h"
#include "queue.h"
#include "state.h"

/* Seconds between system records while work runs or the gate is shut, and idle. */
#define SYSTEM_EVERY_BUSY 10
#define SYSTEM_EVERY_IDLE 60
/* A program's JSON summary is one short line; a longer one is cut. */
#define SUMMARY_LIMIT 16384
/* merge-results --json says a few hundred bytes. */
#define MERGE_SAID_MAX 4096

/* policy-train --json's figures a train record keeps, by the same names. */
static const char *const train_fields[] = {
	"steps", "loss_before", "loss_after", "mean_return", "mean_length",
	"win_rate", "entropy", "grad_norm", "approx_kl", "ratio_mean", "ratio_max",
	"samples_per_s", NULL
};

void
metrics_open(struct driver *d)
{
	struct strbuf why = { 0 };

	d->last_mean_return = NAN;
	d->merge_pipe[0] = d->merge_pipe[1] = -1;
	snprintf(d->merge_out, sizeof d->merge_out, "/dev/null");
	if (d->o->no_history)
		return;
	/*
	 * merge-results' --json line comes back through a pipe that the child
	 * opens by name (spawn opens its standard output by path): a file made
	 * and removed per job cost the driver more than the rest of its
	 * history. The line is far shorter than a pipe holds, so the child
	 * never waits on it.
	 */
	d->merge_said = xmalloc(MERGE_SAID_MAX);
	if (pipe2(d->merge_pipe, O_CLOEXEC | O_NONBLOCK) == 0)
		snprintf(d->merge_out, sizeof d->merge_out, "/proc/self/fd/%d",
		    d->merge_pipe[1]);
	else
		warnmsg("pipe: %s (no merge figures in the history)", strerror(errno));
	if (history_open(&d->history, d->o->state, 1, &why) < 0)
		warnmsg("%s (no history is kept)", why.data);
	else {
		const struct table *t = &d->history.data->train;
		const double *mr = table_column(t, "mean_return");
		size_t i;

		d->history_on = 1;
		/* The machine's figures rotate as the driver's other logs do. */
		d->history.system_max = d->o->log_max;
		for (i = t->rows; mr && i-- > 0;)
			if (isfinite(mr[i])) {
				d->last_mean_return = mr[i];
				break;
			}
	}
	/* The gate's first sample has no CPU figure yet (no span): wait a tick. */
	d->next_system = monotonic_seconds() + 1.5 * d->o->tick;
	sb_free(&why);
}

void
metrics_close(struct driver *d)
{
	if (d->history_on)
		history_close(&d->history);
	d->history_on = 0;
	record_free(&d->record);
	free(d->merge_said);
	d->merge_said = NULL;
	if (d->merge_pipe[0] >= 0) {
		close(d->merge_pipe[0]);
		close(d->merge_pipe[1]);
	}
	d->merge_pipe[0] = d->merge_pipe[1] = -1;
}

/* The members of a summary: at most this many numbers are kept. */
#define SUMMARY_NUMBERS 32

/* A child's one-line JSON summary: its numbers, as written, in its text. */
struct summary {
	struct flat_number v[SUMMARY_NUMBERS];
	int n;			/* 0 when missing or not one object */
};

/* The last line of text[0..len): the newest, should there be more. */
static void
parse_summary(struct summary *s, const char *text, long len)
{
	const char *line = text;
	long i;

	s->n = 0;
	if (len <= 0)
		return;
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	for (i = len; i > 0; i--)
		if (text[i - 1] == '\n') {
			line = text + i;
			break;
		}
	if ((s->n = flat_numbers(line, (size_t)(text + len - line), s->v,
	    SUMMARY_NUMBERS)) < 0)
		s->n = 0;
}

/*
 * What waits in the pipe, up to buf's size: the child has exited, so one
 * read takes all of a short line. What a longer one leaves is read again
 * and dropped (no summary of ours is that long), so the pipe is empty for
 * the next merge.
 */
static size_t
take_pipe(int fd, char *buf, size_t size)
{
	ssize_t n = read(fd, buf, size);

	if (n == (ssize_t)size) {
		while (read(fd, buf, size) > 0)
			;
		n = 0;
	}
	return n > 0 ? (size_t)n : 0;
}

void
metrics_merge_begin(struct driver *d)
{
	d->merge_said_len = 0;
}

void
metrics_merge_end(struct driver *d)
{
	if (d->history_on && d->merge_pipe[0] >= 0)
		d->merge_said_len = take_pipe(d->merge_pipe[0], d->merge_said,
		    MERGE_SAID_MAX);
}

static double
number(const struct summary *s, const char *key)
{
	const struct flat_number *f = flat_find(s->v, s->n, key);

	return f ? f->value : NAN;
}

/* The member key of s into r as it was written, under the name as. */
static void
copy(struct record *r, const struct summary *s, const char *key, const char *as)
{
	const struct flat_number *f = flat_find(s->v, s->n, key);

	if (f)
		record_number_text(r, as, strlen(as), f->text, f->text_len, f->value);
}

static void
train_figures(struct record *r, const struct summary *train)
{
	double steps = number(train, "steps"), epochs = number(train, "epochs");
	double secs = number(train, "seconds");
	size_t i;

	copy(r, train, "episodes", "games");
	for (i = 0; train_fields[i]; i++)
		copy(r, train, train_fields[i], train_fields[i]);
	/* A policy-train that does not say it: rows times epochs per second. */
	if (flat_find(train->v, train->n, "samples_per_s") == NULL && secs > 0)
		record_rate(r, "samples_per_s", steps * epochs / secs);
}

void
metrics_job(struct driver *d, const struct ledger_job *lj,
	    const struct job_figures *fig)
{
	static char train_text[SUMMARY_LIMIT];	/* not on the stack */
	struct summary merged, train;
	struct record *r = &d->record;
	int i;

	if (!d->history_on || d->io_failed)
		return;
	parse_summary(&merged, d->merge_said, (long)d->merge_said_len);
	if (lj->kind == JOB_TRAINING) {
		char *output = xstrdup(lj->output), *path;

		path = path_join(dirname(output), "train.json");
		parse_summary(&train, train_text, file_read_into(path, train_text,
		    sizeof train_text));
		free(path);
		free(output);
		record_begin(r, "train", wall_seconds(), lj->id);
		train_figures(r, &train);
		if (isfinite(number(&train, "mean_return")))
			d->last_mean_return = number(&train, "mean_return");
		copy(r, &merged, "episode_count", "episode_count");
		/* TensorBoard's step for training: the model's episode_count. */
		if (isfinite(number(&merged, "episode_count")))
			r->step = (int64_t)number(&merged, "episode_count");
	} else {
		record_begin(r, "analysis", wall_seconds(), lj->id);
		record_number(r, "replays", (double)lj->n_inputs);
		if (fig) {
			record_number(r, "errors", (double)fig->refused);
			if (fig->seconds > 0)
				record_rate(r, "replays_per_s",
				    (double)(lj->n_inputs + fig->refused) / fig->seconds);
		}
		/* The learned file's headline figures, whatever merge-results names. */
		for (i = 0; i < merged.n; i++)
			if (!(merged.v[i].key_len == 6 &&
			    memcmp(merged.v[i].key, "merged", 6) == 0))
				record_number_text(r, merged.v[i].key, merged.v[i].key_len,
				    merged.v[i].text, merged.v[i].text_len, merged.v[i].value);
		if (isfinite(number(&merged, "builds")))
			r->step = (int64_t)number(&merged, "builds");
	}
	if (history_append(&d->history, r) < 0)
		state_io_failed(d, "%s/metrics.jsonl: %s", d->o->state, strerror(errno));
	d->dashboard_stale = 1;
	}

void
metrics_error(struct driver *d, long long job, const char *file, const char *error)
{
	struct record *r = &d->record;

	if (!d->history_on || d->io_failed)
		return;
	record_begin(r, "error", wall_seconds(), job);
	record_string(r, "file", file);
	record_string(r, "error", error);
	if (history_append(&d->history, r) < 0)
		state_io_failed(d, "%s/metrics.jsonl: %s", d->o->state, strerror(errno));
	d->dashboard_stale = 1;
	}

static size_t
count_state(const struct input_queue *s, enum input_state st)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		n += s->v[i].state == st;
	return n;
}

/* A threshold that is judged; one that is off is left out. */
static void
threshold(struct record *r, const char *key, double v)
{
	if (v >= 0)
		record_number_only(r, key, v);
}

void
metrics_system(struct driver *d, double t, int force)
{
	const struct gate_sample *s = &d->sample;
	const struct gate_thresholds *th = &d->o->gate;
	int busy = d->n_jobs > 0 || d->verdict != GATE_OPEN;
	char key[32];
	struct record *r = &d->record;
	size_t j, done = 0;
	int i;

	/* Once the state cannot be written, the history is not tried either. */
	if (!d->history_on || d->io_failed)
		return;
	/* TensorBoard's events of the last tick go out in one write. */
	if (history_flush(&d->history) < 0)
		state_io_failed(d, "%s: %s", d->history.tb.path, strerror(errno));
	if (!force && t < d->next_system)
		return;
	/* Done over every run, as the ledger has it, so cron's runs make one line. */
	for (j = 0; j < d->ledger.n_jobs; j++)
		if (d->ledger.jobs[j].merged == 1)
			done += d->ledger.jobs[j].n_inputs;
	d->next_system = t + (busy ? SYSTEM_EVERY_BUSY : SYSTEM_EVERY_IDLE);
	record_begin(r, "system", wall_seconds(), -1);
	r->step = (int64_t)r->time;
	if (d->sample_ok) {
		if (s->cpu >= 0)
			record_number(r, "cpu", s->cpu);
		if (s->mem >= 0)
			record_number(r, "mem", s->mem);
		if (s->load_per_core >= 0)
			record_number(r, "load", s->load_per_core);
		for (i = 0; i < s->ngpus; i++) {
			snprintf(key, sizeof key, "gpu%d_util", i);
			if (s->gpus[i].util >= 0)
				record_number(r, key, s->gpus[i].util);
			snprintf(key, sizeof key, "gpu%d_mem", i);
			if (s->gpus[i].mem >= 0)
				record_number(r, key, s->gpus[i].mem);
		}
	}
	threshold(r, "cpu_max", th->cpu);
	threshold(r, "mem_max", th->mem);
	threshold(r, "load_max", th->load);
	threshold(r, "gpu_util_max", th->gpu_util);
	threshold(r, "gpu_mem_max", th->gpu_mem);
	record_number_only(r, "verdict", d->verdict);
	record_string(r, "gate", gate_verdict_name(d->verdict));
	record_number(r, "active", (double)d->n_jobs);
	record_number(r, "allowed", (double)d->slots);
	record_number(r, "queued", (double)(count_state(&d->replays, INPUT_NEW) +
	    count_state(&d->experience, INPUT_NEW)));
	record_number(r, "done", (double)done);
	record_number(r, "failed", (double)d->ledger.bad);
	if (history_append(&d->history, r) < 0)
		state_io_failed(d, "%s/system.jsonl: %s", d->o->state, strerror(errno));
	/* An idle driver's minutely record alone does not redraw the page. */
	if (busy || force)
		d->dashboard_stale = 1;
	}

void
metrics_dashboard(struct driver *d, double t, int force)
{
	struct dashboard_options opt = { d->o->state, wall_seconds(),
		d->o->dashboard_every };
	struct strbuf page = { 0 };
	char *path;

	if (!d->history_on || d->io_failed || d->o->dashboard_every <= 0 ||
	    !d->dashboard_stale ||
	    (!force && t < d->next_dashboard))
		return;
	d->dashboard_stale = 0;
	d->next_dashboard = t + d->o->dashboard_every;
	history_data_settle(d->history.data);
	dashboard_render(d->history.data, &opt, &page);
	path = path_join(d->o->state, "dashboard.html");
	if (atomic_write(path, page.data, page.len) < 0)
		state_io_failed(d, "%s: %s", path, strerror(errno));
	free(path);
	sb_free(&page);
}
