/*
 * analyze_run.c - replay-analyze's run: inputs to lines and a summary
 *
 * One replay at a time, so memory stays flat whatever the number of
 * replays; an unusable replay costs one line on stderr and one error line in
 * the output, and the run goes on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze.h"
#include "analyze_run.h"
#include "atomic.h"
#include "clock.h"
#include "die.h"
#include "jsonl.h"
#include "jsonw.h"
#include "progress.h"

struct sink {
	FILE *f;
	struct atomic_file af;
	const char *name;
	int failed;
};

static void
emit(struct sink *s, const struct strbuf *line)
{
	if (!s->failed && fwrite(line->data, 1, line->len, s->f) != line->len)
		s->failed = errno ? errno : EIO;
}

static int
write_summary(const struct learned *l, const char *path)
{
	struct strbuf sb = { 0 };
	char when[32];
	int rc;

	iso_local_time(when, sizeof when);
	learned_render(l, &sb, when);
	rc = atomic_write(path, sb.data, sb.len);
	if (rc < 0)
		warnmsg("%s: cannot write: %s", path, strerror(errno));
	sb_free(&sb);
	return rc;
}

int
analyze_inputs(struct input_list *inputs, const struct analysis_options *o)
{
	struct sink out = { stdout, { 0 }, "standard output", 0 };
	struct learned *learned, *known = NULL;
	struct strbuf line = { 0 }, why = { 0 };
	struct progress prog;
	size_t i, errors = 0;
	int status;

	/* Read before anything is written: a run without it would count twice. */
	if (o->skip_known &&
	    (known = learned_load(o->skip_known, &status, &why)) == NULL) {
		warnmsg("%s: --skip-known: %s", o->skip_known, why.data);
		sb_free(&why);
		return status;
	}
	learned = o->summary ? learned_new(&o->filter) : NULL;
	if (o->output) {
		if (atomic_open(&out.af, o->output) < 0) {
			warnmsg("%s: %s", o->output, strerror(errno));
			learned_free(learned);
			learned_free(known);
			return EX_IOERR;
		}
		out.f = out.af.f;
		out.name = o->output;
	}
	progress_start(&prog, o->progress, inputs->n);
	for (i = 0; i < inputs->n; i++) {
		const struct input *in = &inputs->v[i];
		char *file = input_display_name(in, o->root);
		char md5[MD5_HEX_SIZE];
		struct input_data d;
		struct game g;
		int have;

		sb_reset(&line);
		sb_reset(&why);
		have = input_read(inputs, in, &d, &why) == 0;
		if (have)	/* What summaries record, to merge exactly. */
			md5_hex(d.data, d.size, md5);
		if (have && known && learned_has_replay(known, md5)) {
			/* Counted already: not even decoded. */
			jsonl_skipped(&line, file, md5, "known");
		} else if (have && analyze_replay(d.data, d.size, &g, &why) == 0) {
			jsonl_game(&line, file, md5, &g);
			if (learned)
				learned_add_game(learned, &g, md5);
			game_free(&g);
		} else {
			errors++;
			progress_end(&prog);
			warnmsg("%s: %s", file, why.data);
			json_error_line(&line, file, why.data);
		}
		input_release(&d);
		emit(&out, &line);
		free(file);
		progress_update(&prog, i + 1, errors);
	}
	progress_end(&prog);

	if (o->output) {
		if (out.failed || atomic_commit(&out.af) < 0) {
			if (!out.failed)
				out.failed = errno;
			atomic_abort(&out.af);
		}
	} else if (fflush(stdout) != 0 || ferror(stdout)) {
		out.failed = errno ? errno : EIO;
	}
	if (out.failed)
		warnmsg("%s: cannot write: %s", out.name, strerror(out.failed));
	if (learned && write_summary(learned, o->summary) < 0)
		out.failed = 1;
	learned_free(learned);
	learned_free(known);
	sb_free(&line);
	sb_free(&why);

	if (out.failed)
		status = EX_IOERR;
	else if (inputs->missing)
		status = EX_NOINPUT;
	else if (errors || inputs->unreadable)
		status = EX_DATAERR;
	else
		status = 0;
	return status;
}
