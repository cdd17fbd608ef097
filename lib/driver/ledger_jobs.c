/*
 * ledger_jobs.c - the ledger's records of a job's inputs, and of the jobs
 * a scheduler runs
 *
 * P (produced, ledger.c) and S (submitted) name a job's inputs the same
 * way: their hashes, comma-separated, then one path a field. A job run by
 * a scheduler (--executor slurm) outlives the driver that submitted it,
 * so the driver records it before it asks: S (its inputs), then X (the
 * scheduler's job id, once sbatch answered), then P when it produced
 * something (ledger.c), else E when it has ended, whatever became of it.
 * Between S and P or E its inputs are held
 * (LEDGER_SUBMITTED): a restarted driver looks for the job (executor
 * recovery) instead of submitting them again. A driver killed between S and
 * X left a job the scheduler may know only by its name, which names the
 * state folder and the job number; job numbers are never reused, so the name
 * finds it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "ledger.h"
#include "ledger_record.h"
#include "strbuf.h"

/* A scheduler's job id: "12345", "12345_7" (an array task); no more. */
#define EXT_ID_MAX 64

size_t
ledger_parse_inputs(char *hash_field, char *p, char (**hashes_out)[MD5_HEX_SIZE],
		    char ***paths_out)
{
	size_t k = *hash_field != '\0', i;
	char *h, **paths, (*hashes)[MD5_HEX_SIZE];

	for (h = hash_field; *h; h++)
		k += *h == ',';
	hashes = xcalloc(k ? k : 1, sizeof hashes[0]);
	paths = xcalloc(k ? k : 1, sizeof paths[0]);
	for (i = 0, h = hash_field; i < k; i++) {
		char *comma = strchr(h, ',');

		if (comma)
			*comma = '\0';
		snprintf(hashes[i], MD5_HEX_SIZE, "%s", h);
		h = comma ? comma + 1 : h + strlen(h);
	}
	for (i = 0; i < k; i++) {
		char *tab = p ? strchr(p, '\t') : NULL;

		if (tab)
			*tab = '\0';
		paths[i] = p ? p : "";
		p = tab ? tab + 1 : NULL;
	}
	*hashes_out = hashes;
	*paths_out = paths;
	return k;
}

static int
is_ext_id(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= EXT_ID_MAX &&
	    strspn(s, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.-") == n;
}

int
ledger_submit_well_formed(char **f, size_t n, size_t tabs)
{
	size_t k;

	if (!record_is_job_id(f[1]))
		return 0;
	switch (f[0][0]) {
	case 'S':
		if (n < 5 || (strcmp(f[2], "analysis") != 0 &&
		    strcmp(f[2], "training") != 0))
			return 0;
		/* One path for each hash, after the four fields. */
		k = (size_t)record_hash_count(f[3]);
		return k > 0 && tabs == 3 + k;
	case 'X':
		return n == 3 && tabs == 2 && is_ext_id(f[2]);
	case 'E':
		return tabs == 1;
	}
	return 0;
}

struct ledger_submission *
ledger_submission(struct ledger *l, int64_t id)
{
	size_t i;

	for (i = 0; i < l->n_submitted; i++)
		if (l->submitted[i].id == id)
			return &l->submitted[i];
	return NULL;
}

void
ledger_keep_inputs(struct ledger *l, int64_t id, enum job_kind kind, size_t n,
		   char (*hashes)[MD5_HEX_SIZE], char *const *paths, int state,
		   char (**kept_hashes)[MD5_HEX_SIZE], char ***kept_paths)
{
	size_t i;

	*kept_hashes = xcalloc(n ? n : 1, sizeof (*kept_hashes)[0]);
	*kept_paths = xcalloc(n ? n : 1, sizeof (*kept_paths)[0]);
	for (i = 0; i < n; i++) {
		snprintf((*kept_hashes)[i], MD5_HEX_SIZE, "%s", hashes[i]);
		(*kept_paths)[i] = xstrdup(paths[i]);
		ledger_raise(l, hashes[i], state, ledger_kind_bit(kind));
	}
	if (id >= l->next_job)
		l->next_job = id + 1;
}

void
ledger_free_inputs(size_t n, char (*hashes)[MD5_HEX_SIZE], char **paths)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(hashes);
}

static void
submission_free(struct ledger_submission *s)
{
	ledger_free_inputs(s->n_inputs, s->hashes, s->paths);
	free(s->ext_id);
}

static void
add_submission(struct ledger *l, int64_t id, enum job_kind kind, size_t n,
	       char (*hashes)[MD5_HEX_SIZE], char *const *paths)
{
	struct ledger_submission *s;

	/* A number seen twice is damage a checksum cannot see: the first holds. */
	if (ledger_submission(l, id) != NULL)
		return;
	l->submitted = xreallocarray(l->submitted, l->n_submitted + 1,
	    sizeof l->submitted[0]);
	s = &l->submitted[l->n_submitted++];
	memset(s, 0, sizeof *s);
	s->id = id;
	s->kind = kind;
	s->n_inputs = n;
	ledger_keep_inputs(l, id, kind, n, hashes, paths, LEDGER_SUBMITTED,
	    &s->hashes, &s->paths);
}

void
ledger_submission_close(struct ledger *l, int64_t id)
{
	struct ledger_submission *s = ledger_submission(l, id);
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n_inputs; i++)
		ledger_lower(l, s->hashes[i], LEDGER_SUBMITTED);
	submission_free(s);
	*s = l->submitted[--l->n_submitted];
}

void
ledger_submit_void_analysis(struct ledger *l)
{
	size_t i;

	for (i = 0; i < l->n_submitted; i++)
		if (l->submitted[i].kind == JOB_ANALYSIS)
			l->submitted[i].void_output = 1;
}

static void
set_ext_id(struct ledger *l, int64_t id, const char *ext_id)
{
	struct ledger_submission *s = ledger_submission(l, id);

	if (s) {
		free(s->ext_id);
		s->ext_id = xstrdup(ext_id);
	}
}

void
ledger_submit_replay(struct ledger *l, char **f, size_t n)
{
	int64_t id = strtoll(f[1], NULL, 10);

	if (f[0][0] == 'S' && n >= 5) {
		char **paths, (*hashes)[MD5_HEX_SIZE];
		size_t k = ledger_parse_inputs(f[3], f[4], &hashes, &paths);

		add_submission(l, id, strcmp(f[2], job_kind_name(JOB_TRAINING)) == 0 ?
		    JOB_TRAINING : JOB_ANALYSIS, k, hashes, paths);
		free(hashes);
		free(paths);
	} else if (f[0][0] == 'X' && n >= 3) {
		set_ext_id(l, id, f[2]);
	} else if (f[0][0] == 'E') {
		ledger_submission_close(l, id);
	}
}

void
ledger_submit_free(struct ledger *l)
{
	size_t i;

	for (i = 0; i < l->n_submitted; i++)
		submission_free(&l->submitted[i]);
	free(l->submitted);
	l->submitted = NULL;
	l->n_submitted = 0;
}

int
ledger_submitted(struct ledger *l, int64_t id, enum job_kind kind, size_t n,
		 char (*hashes)[MD5_HEX_SIZE], char *const *paths)
{
	struct strbuf sb = { 0 };
	int rc;

	ledger_s_record(&sb, id, kind, n, hashes, paths);
	rc = ledger_append(l, &sb);
	sb_free(&sb);
	if (rc == 0)
		add_submission(l, id, kind, n, hashes, paths);
	return rc;
}

int
ledger_ext_id(struct ledger *l, int64_t id, const char *ext_id)
{
	struct strbuf sb = { 0 };
	int rc;

	if (!is_ext_id(ext_id)) {
		errno = EINVAL;
		return -1;
	}
	sb_printf(&sb, "X\t%lld\t%s", (long long)id, ext_id);
	rc = ledger_append(l, &sb);
	sb_free(&sb);
	if (rc == 0)
		set_ext_id(l, id, ext_id);
	return rc;
}

int
ledger_ended(struct ledger *l, int64_t id)
{
	struct strbuf sb = { 0 };
	int rc;

	sb_printf(&sb, "E\t%lld", (long long)id);
	rc = ledger_append(l, &sb);
	sb_free(&sb);
	if (rc == 0)
		ledger_submission_close(l, id);
	return rc;
}
