/*
 * status_file.c - STATE/status.json, what a running driver is doing now
 *
 * Replaced whole (atomic_write), so that `bgtrain status`, the tests and
 * a person's script never read half of it, and written only when what it
 * says changes: each write is an fsync, and an idle driver beside a game
 * must cost nothing. Its live figures (the driver's CPU time, the gate's
 * reasons, the host's figures, a job's seconds) are kept apart: with no
 * job running here they are written now and then, not each tick.
 */
#include <sys/resource.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "clock.h"
#include "console.h"
#include "die.h"
#include "driver.h"
#include "driver_internal.h"
#include "host.h"
#include "jsonw.h"
#include "path.h"
#include "queue.h"
#include "state.h"
#include "status_file.h"
#include "strbuf.h"

/*
 * An idle driver's status.json changes only in its CPU time: it is written
 * again at most this often then, not each tick (a write is an fsync).
 */
#define STATUS_IDLE_EVERY 60.0
/*
 * With no job running here, changes in the live figures alone (the gate's
 * reasons while a game runs, the host's figures, the seconds of a job
 * waiting on a cluster) are written at most this often.
 */
#define STATUS_FIGURES_EVERY 10.0

/*
 * What status.json says but its live figures: a change here is written at
 * once. Returns whether a job runs on this machine.
 */
static int
status_key(struct driver *d, struct strbuf *key)
{
	int local = 0;
	size_t i;

	sb_printf(key, "%zu %zu %zu %zu %d %d %zu %zu %zu %zu", d->finished,
	    queue_ready(d, &d->replays), queue_ready(d, &d->experience),
	    queue_unsettled(d, &d->replays) + queue_unsettled(d, &d->experience),
	    d->slots, d->verdict, d->replays_analyzed, d->models_trained,
	    d->errors, d->hooks_failed);
	for (i = 0; i < d->n_jobs; i++) {
		const struct job *j = &d->jobs[i];

		sb_printf(key, " %lld/%s/%d", (long long)j->id,
		    j->ext_id ? j->ext_id : "", j->waiting);
		local |= j->ext_id == NULL;
	}
	if (d->host)
		sb_printf(key, " %d/%u/%s/%d", d->host->ok, d->host->starts,
		    d->host->why,
		    d->sample_ok && d->sample.host_state == GATE_HOST_OK);
	return local;
}

void
status_file_write(struct driver *d, int force)
{
	struct strbuf sb = { 0 }, why = { 0 }, key = { 0 };
	const char *rest;
	double now = monotonic_seconds(), since;
	int local;
	char *path = path_join(d->o->state, "status.json");
	struct rusage ru;
	size_t i;

	/* The driver's own CPU time, its workers' not included: its overhead. */
	getrusage(RUSAGE_SELF, &ru);
	sb_printf(&sb, "{\"pid\": %ld, \"driver_cpu_seconds\": %.3f, \"jobs_finished\": %zu, "
	    "\"running\": [", (long)getpid(), (double)ru.ru_utime.tv_sec +
	    ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	    ru.ru_stime.tv_usec / 1e6, d->finished);
	for (i = 0; i < d->n_jobs; i++) {
		sb_printf(&sb, "%s{\"job\": %lld, \"kind\": \"%s\", \"inputs\": %zu, "
		    "\"seconds\": %.1f", i ? ", " : "", (long long)d->jobs[i].id,
		    job_kind_name(d->jobs[i].kind), d->jobs[i].n,
		    monotonic_seconds() - d->jobs[i].started);
		/* On a cluster: Slurm's id (digits) and whether it waits for a node. */
		if (d->jobs[i].ext_id)
			sb_printf(&sb, ", \"cluster_job\": \"%s\", \"waiting\": %s",
			    d->jobs[i].ext_id, d->jobs[i].waiting ? "true" : "false");
		sb_addc(&sb, '}');
	}
	sb_printf(&sb, "], \"replays_ready\": %zu, \"experience_ready\": %zu, "
	    "\"settling\": %zu", queue_ready(d, &d->replays),
	    queue_ready(d, &d->experience), queue_unsettled(d, &d->replays) +
	    queue_unsettled(d, &d->experience));
	sb_printf(&sb, ", \"slots\": %d, \"gate\": %d, \"gate_why\": ", d->slots,
	    d->verdict);
	console_gate_reason(d, &why);
	json_string(&sb, why.data ? why.data : "", why.len);
	sb_printf(&sb, ", \"replays_analyzed\": %zu, \"models_trained\": %zu, "
	    "\"errors\": %zu, \"hooks_failed\": %zu", d->replays_analyzed,
	    d->models_trained, d->errors, d->hooks_failed);
	sb_free(&why);
	/* The host probe: whether the gate sees the host, and if not, why. */
	if (d->host) {
		sb_adds(&sb, ", \"host_probe\": {\"command\": ");
		json_cstring(&sb, d->host->cmd);
		sb_printf(&sb, ", \"streaming\": %s, \"state\": ",
		    d->host->ok ? "true" : "false");
		json_cstring(&sb, d->host->why);
		sb_printf(&sb, ", \"starts\": %u", d->host->starts);
		/* The host's figures as judged, and what of them was ours. */
		if (d->sample_ok && d->sample.host_state == GATE_HOST_OK) {
			gate_json_figure(&sb, "cpu", d->sample.host_cpu_pct);
			gate_json_figure(&sb, "mem", d->sample.host_mem_pct);
			sb_printf(&sb, ", \"workers_cpus\": %.3f, \"workers_bytes\": %.0f",
			    d->host_busy, d->host_bytes);
		}
		sb_addc(&sb, '}');
	}
	sb_adds(&sb, "}\n");
	/* All but the CPU time, which changes at every write. */
	rest = strstr(sb.data, "\"jobs_finished\"");
	local = status_key(d, &key);
	since = now - d->status_written_at;
	if (force || d->status_last == NULL || strcmp(key.data, d->status_key) != 0 ||
	    (strcmp(rest, d->status_last) != 0 &&
	    (local || since >= STATUS_FIGURES_EVERY)) || since >= STATUS_IDLE_EVERY) {
		if (atomic_write(path, sb.data, sb.len) < 0)
			state_io_failed(d, "%s: %s", path, strerror(errno));
		free(d->status_last);
		free(d->status_key);
		d->status_last = xstrdup(rest);
		d->status_key = xstrdup(key.data);
		d->status_written_at = now;
	}
	free(path);
	sb_free(&sb);
	sb_free(&key);
}
