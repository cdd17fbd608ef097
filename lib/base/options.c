/*
 * options.c - one table per concern describes its options: the command
 * line (getopt_long), the config file and --help all read it
 *
 * Each option is set by one function, store(), whatever it came from, so
 * a value the command line refuses is refused in a config file too, with
 * the same message. getopt_long's arrays are built from the tables rather
 * than written beside them, so they cannot disagree.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "args.h"
#include "config.h"
#include "die.h"
#include "options.h"
#include "strbuf.h"
#include "version.h"

/* getopt_long's value for an option without a letter: past every char. */
#define OPT_VAL_BASE 256
/* Where --help starts the text of an option. */
#define HELP_COLUMN 26

static void *
field(void *base, const struct opt *o)
{
	return (char *)base + o->field;
}

/*
 * The option called name or, when name is NULL, the one getopt_long
 * returns val for; and the struct it fills.
 */
static const struct opt *
find(const struct opt_set *s, const char *name, int val, void **base)
{
	const struct opt *o;
	size_t i, j;
	int k = OPT_VAL_BASE;

	for (i = 0; i < s->ntables; i++)
		for (j = 0; s->tables[i][j].name != NULL; j++, k++) {
			o = &s->tables[i][j];
			if (name != NULL ? strcmp(o->name, name) == 0 :
			    val == (o->letter ? o->letter : k)) {
				*base = s->bases[i];
				return o;
			}
		}
	return NULL;
}

static void
bad_choice(const char *name, const struct opt *o, const char *v)
{
	struct strbuf sb = { 0 };
	size_t i;

	for (i = 0; o->words[i] != NULL; i++) {
		if (i > 0)
			sb_adds(&sb, o->words[i + 1] != NULL ? ", " : " or ");
		sb_adds(&sb, o->words[i]);
	}
	warnmsg("%s: %s, not '%s'", name, sb.data, v);
	sb_free(&sb);
}

/*
 * Check v and store it in the field o sets. Strings are stored as given:
 * the caller keeps them alive. v is NULL for a left-out optional argument.
 */
static int
store(const struct opt *o, void *base, const char *v)
{
	char name[64];
	uint64_t n = 0;
	double x = 0;
	size_t i;

	snprintf(name, sizeof name, "--%s", o->name);
	switch (o->kind) {
	case OPT_STRING:
		*(const char **)field(base, o) = v;
		return 0;
	case OPT_FLAG:
		*(int *)field(base, o) = 1;
		return 0;
	case OPT_CHOICE:
		/* Words are names (Zerg, ADAM): any case means the same one. */
		for (i = 0; o->words[i] != NULL; i++)
			if (strcasecmp(v, o->words[i]) == 0) {
				*(int *)field(base, o) = (int)i;
				return 0;
			}
		bad_choice(name, o, v);
		return -1;
	case OPT_CONFIG:
		return 0;
	case OPT_BYTES:
		if (parse_bytes(name, v, o->min, o->max, &n) < 0)
			return -1;
		*(uint64_t *)field(base, o) = n;
		return 0;
	case OPT_NUMBER:
	case OPT_INT:
	case OPT_SIZE:
	case OPT_U64:
		break;
	}
	if (o->kind == OPT_NUMBER) {
		if (v == NULL)
			x = o->bare;
		else if (parse_value(name, v, o->lo, o->hi, o->word,
		    o->word_value, &x) < 0)
			return -1;
		*(double *)field(base, o) = x;
		return 0;
	}
	if (v == NULL)
		n = (uint64_t)o->bare;
	else if (parse_whole(name, v, o->min, o->max, o->word,
	    (uint64_t)o->word_value, &n) < 0)
		return -1;
	if (o->kind == OPT_INT)
		*(int *)field(base, o) = (int)n;
	else if (o->kind == OPT_SIZE)
		*(size_t *)field(base, o) = (size_t)n;
	else
		*(uint64_t *)field(base, o) = n;
	return 0;
}

/* store(), with strings copied to live as long as s and config files read. */
static int
apply(struct opt_set *s, const struct opt *o, void *base, const char *v)
{
	char *path = NULL;
	int rc;

	if (o->path && s->path_hook != NULL && v != NULL &&
	    (v = path = s->path_hook(s->path_ctx, o->name, v)) == NULL)
		return -1;
	if (o->kind == OPT_CONFIG) {
		rc = config_read(v, opt_set_key, s);
		free(path);
		return rc;
	}
	if (o->kind == OPT_STRING && v != NULL)
		v = opt_keep(s, path ? path : xstrdup(v));
	return store(o, base, v);
}

int
opt_defaults(const struct opt *table, void *base)
{
	const struct opt *o;

	for (o = table; o->name != NULL; o++)
		if (o->def != NULL && store(o, base, o->def) < 0)
			return -1;
	return 0;
}

/* getopt_long's arrays for every table so far. */
static void
build(struct opt_set *s)
{
	const struct opt *o;
	size_t i, n = 0, k = 0;
	char *p;

	for (i = 0; i < s->ntables; i++)
		for (o = s->tables[i]; o->name != NULL; o++)
			n++;
	s->longopts = xreallocarray(s->longopts, n + 1, sizeof s->longopts[0]);
	s->shortopts = xrealloc(s->shortopts, 3 * n + 1);
	p = s->shortopts;
	for (i = 0; i < s->ntables; i++)
		for (o = s->tables[i]; o->name != NULL; o++, k++) {
			s->longopts[k].name = o->name;
			s->longopts[k].has_arg = o->arg == NULL ? no_argument :
			    o->optional ? optional_argument : required_argument;
			s->longopts[k].flag = NULL;
			s->longopts[k].val = o->letter ? o->letter : OPT_VAL_BASE + (int)k;
			if (o->letter == 0)
				continue;
			*p++ = (char)o->letter;
			if (o->arg != NULL)
				*p++ = ':';
			if (o->arg != NULL && o->optional)
				*p++ = ':';
		}
	*p = '\0';
	memset(&s->longopts[n], 0, sizeof s->longopts[n]);
}

int
opt_add(struct opt_set *s, const struct opt *table, void *base)
{
	if (s->ntables == OPT_TABLES) {
		warnmsg("more than %d option tables", OPT_TABLES);
		return -1;
	}
	s->tables[s->ntables] = table;
	s->bases[s->ntables++] = base;
	build(s);
	return opt_defaults(table, base);
}

int
opt_set_key(void *set, const char *key, const char *value)
{
	struct opt_set *s = set;
	const struct opt *o;
	void *base;

	if ((o = find(s, key, 0, &base)) == NULL || o->cli_only) {
		warnmsg("unknown setting '%s'", key);
		return -1;
	}
	return apply(s, o, base, value);
}

/* What one pass over argv applies. */
enum pass_kind {
	PASS_STOPS,	/* --help, --version: they win over everything */
	PASS_EARLY,	/* what says how the files are read (--windows-paths) */
	PASS_CONFIGS,	/* the config files, in the order given */
	PASS_REST	/* every other option, over the files */
};

static int
wanted(const struct opt *o, enum pass_kind kind)
{
	if (kind == PASS_STOPS)
		return o->stop;
	if (kind == PASS_EARLY)
		return o->early;
	if (kind == PASS_CONFIGS)
		return o->kind == OPT_CONFIG;
	return !o->stop && !o->early && o->kind != OPT_CONFIG;
}

/* One getopt_long pass over argv, applying the options of one kind. */
static int
pass(struct opt_set *s, int argc, char **argv, enum pass_kind kind)
{
	const struct opt *o;
	void *base;
	int c;

	optind = 0;	/* GNU getopt: start again, forgetting its own state */
	/* getopt has said what was wrong in the first pass: once is enough. */
	opterr = kind == PASS_STOPS;
	while ((c = getopt_long(argc, argv, s->shortopts, s->longopts, NULL)) != -1) {
		if ((o = find(s, NULL, c, &base)) == NULL)
			return -2;
		if (!wanted(o, kind))
			continue;
		if (apply(s, o, base, optarg) < 0)
			return -1;
		if (o->stop)
			return 1;
	}
	return 0;
}

int
opt_parse(struct opt_set *s, int argc, char **argv)
{
	int rc;

	/*
	 * getopt decides what is a config file, in every pass, so that every
	 * spelling it takes (--conf F, --config=F) is read, and read before
	 * the command line's other options; --help needs no config at all.
	 */
	if ((rc = pass(s, argc, argv, PASS_STOPS)) != 0 ||
	    (rc = pass(s, argc, argv, PASS_EARLY)) != 0 ||
	    (rc = pass(s, argc, argv, PASS_CONFIGS)) != 0)
		return rc;
	return pass(s, argc, argv, PASS_REST);
}

const struct opt standard_options[] = {
	{ .name = "help", .letter = 'h', .kind = OPT_FLAG, .stop = 1, .cli_only = 1,
	  .field = offsetof(struct opt_standard, help), .help = "show this help" },
	{ .name = "version", .letter = 'V', .kind = OPT_FLAG, .stop = 1, .cli_only = 1,
	  .field = offsetof(struct opt_standard, version), .help = "show the version" },
	{ .name = NULL }
};

int
opt_main(struct opt_set *s, int argc, char **argv, const char *synopsis,
	 const char *footer)
{
	const struct opt_standard *std = &s->std;
	int rc;

	s->synopsis = synopsis;
	s->footer = footer;
	/* Last, so that --help lists them after the program's own. */
	if (opt_add(s, standard_options, &s->std) < 0)
		return EX_SOFTWARE;

	/*
	 * getopt has named the bad option in one line; the whole help after
	 * it would bury that line, so point at --help instead, as GNU does.
	 */
	if ((rc = opt_parse(s, argc, argv)) == -2)
		opt_try_help();
	if (rc < 0)
		return EX_USAGE;
	if (std->help)
		opt_usage(stdout, s);
	else if (std->version)
		printf("%s %s\n", progname, BGTRAIN_VERSION);
	return std->help || std->version ? 0 : -1;
}

void
opt_try_help(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", progname);
}

void
opt_usage(FILE *f, const struct opt_set *s)
{
	fprintf(f, "%s\n", s->synopsis ? s->synopsis : "");
	opt_help(f, s);
	if (s->footer)
		fprintf(f, "\n%s", s->footer);
}

char *
opt_keep(struct opt_set *s, char *str)
{
	s->owned = xreallocarray(s->owned, s->nowned + 1, sizeof s->owned[0]);
	s->owned[s->nowned++] = str;
	return str;
}

static void
help_line(FILE *f, const struct opt *o)
{
	const char *text = o->help;
	size_t len;
	int n, first;

	if (o->letter)
		n = fprintf(f, "  -%c, --%s", o->letter, o->name);
	else
		n = fprintf(f, "      --%s", o->name);
	if (o->arg != NULL)
		n += fprintf(f, o->optional ? "[=%s]" : " %s", o->arg);
	if (n >= HELP_COLUMN) {
		fputc('\n', f);
		n = 0;
	}
	fprintf(f, "%*s", HELP_COLUMN - n, "");
	/* The default ends the first line, where a reader looks for it. */
	for (first = 1;; first = 0) {
		len = strcspn(text, "\n");
		fprintf(f, "%*s%.*s", first ? 0 : HELP_COLUMN, "", (int)len, text);
		if (first && o->def != NULL)
			fprintf(f, " (default %s)", o->def);
		fputc('\n', f);
		if (text[len] == '\0')
			break;
		text += len + 1;
	}
}

void
opt_help(FILE *f, const struct opt_set *s)
{
	const struct opt *o;
	size_t i;

	/* A blank line between tables: each is a concern of its own. */
	for (i = 0; i < s->ntables; i++) {
		if (i > 0)
			fputc('\n', f);
		for (o = s->tables[i]; o->name != NULL; o++)
			help_line(f, o);
	}
}

void
opt_free(struct opt_set *s)
{
	size_t i;

	for (i = 0; i < s->nowned; i++)
		free(s->owned[i]);
	free(s->owned);
	free(s->longopts);
	free(s->shortopts);
	memset(s, 0, sizeof *s);
}
