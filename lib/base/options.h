/*
 * options.h - one table per concern describes its options: the command
 * line (getopt_long), the config file and --help all read it
 *
 * An option is declared once, as data: its name, argument, limits, the
 * field it sets and its default. A program adds the tables it takes (its
 * own, the gate's) to an opt_set, each with the struct it fills; the set
 * builds getopt_long's arrays, sets a key from a config file with the same
 * setter as the command line, and prints --help. Plain tables of structs
 * with offsets, so a reader sees every option in one place.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum opt_kind {
	OPT_STRING,	/* const char *: the value, copied */
	OPT_NUMBER,	/* double from lo to hi */
	OPT_INT,	/* int: a whole number from min to max */
	OPT_SIZE,	/* size_t: a whole number from min to max */
	OPT_U64,	/* uint64_t: a whole number from min to max (seeds) */
	OPT_BYTES,	/* uint64_t: a size, K, M or G after it, from min to max */
	OPT_FLAG,	/* int set to 1; a config file's value is ignored */
	OPT_CHOICE,	/* int or an int-sized enum: the value's index in words, any case */
	OPT_CONFIG	/* a file of "key = value" lines of the same set */
};

struct opt {
	const char *name;	/* long option and config key; NULL ends a table */
	int letter;		/* the short option, or 0 */
	enum opt_kind kind;
	size_t field;		/* offsetof the value in the table's struct */
	const char *arg;	/* the argument's name in --help; NULL for flags */
	double lo, hi;		/* OPT_NUMBER: the limits */
	uint64_t min, max;	/* OPT_INT, OPT_SIZE, OPT_U64, OPT_BYTES: the limits, exact
				   (within the field's type) */
	const char *word;	/* a word taken instead of a number ("off")... */
	double word_value;	/* ...and the number it stands for (in range
				   of the field: -1 only for OPT_NUMBER) */
	const char *const *words;	/* OPT_CHOICE: the values, NULL-ended */
	int optional;		/* the argument may be left out (--wait[=S])... */
	double bare;		/* ...and then the number is this */
	int cli_only;		/* not a config key (help, version, config) */
	int stop;		/* parsing stops here (help, version) */
	int early;		/* set before any config file is read: how to read them */
	int path;		/* a path: the set's path hook may rewrite it */
	const char *def;	/* the default, as it would be given, or NULL */
	const char *help;	/* for --help; '\n' starts a continuation line */
};

/* --help and --version, which every program takes: standard_options fills it. */
struct opt_standard {
	int help, version;
};

extern const struct opt standard_options[];

#define OPT_TABLES 6

struct opt_set {
	const struct opt *tables[OPT_TABLES];
	void *bases[OPT_TABLES];	/* the struct each table fills */
	size_t ntables;
	struct option *longopts;	/* for getopt_long, built as tables come */
	char *shortopts;
	struct opt_standard std;	/* what opt_main() adds: --help, --version */
	const char *synopsis;		/* --help's first lines, before the options */
	const char *footer;		/* and its last, after them */
	char **owned;			/* strings the filled structs point to */
	size_t nowned;
	/*
	 * The value of a path option (command line or config file), made
	 * into a path of ours (bgtrain --windows-paths): a new string, or
	 * NULL after a message. NULL: paths are taken as given.
	 */
	char *(*path_hook)(void *ctx, const char *option, const char *value);
	void *path_ctx;
};

/*
 * Add a table (ending with a NULL name) that fills base, and store its
 * defaults there. Tables are searched in the order they were added.
 * Returns 0, or -1 when a default is not a value of its option (a bug).
 */
int opt_add(struct opt_set *s, const struct opt *table, void *base);

/* Store each default of table into base. Returns 0, or -1 as opt_add. */
int opt_defaults(const struct opt *table, void *base);

/*
 * Set key (a long option name) to value, as a config file line would; the
 * setter config_read takes, with set the opt_set. Returns 0, or -1 after a
 * message (an unknown key, a value out of range).
 */
int opt_set_key(void *set, const char *key, const char *value);

/*
 * Parse argv with getopt_long in passes: the early options first, then
 * the config files (OPT_CONFIG) in the order given, then every other
 * option, so the command line overrides the files whatever the order.
 * Returns 0 with optind at the first operand, 1 when an option with stop
 * was given, -1 after a message about a value or a config file, -2 after
 * getopt's message about an unknown option or a missing argument.
 */
int opt_parse(struct opt_set *s, int argc, char **argv);

/*
 * opt_parse for a program's main(), after its own tables: adds --help and
 * --version (standard_options, into s->std), keeps the synopsis and footer
 * for opt_usage(), and does what every program then does: getopt's one
 * line and opt_try_help()'s on stderr for an unknown option or a missing
 * argument, usage on stdout for --help, "progname VERSION" for --version. Returns the exit status when that is all there is to do
 * (0, or 64 for a usage error), else -1.
 */
int opt_main(struct opt_set *s, int argc, char **argv, const char *synopsis,
	     const char *footer);

/* "Try 'PROGNAME --help' for more information." on stderr. */
void opt_try_help(void);

/* The synopsis, the options of every table, and the closing text. */
void opt_usage(FILE *f, const struct opt_set *s);

/* Make s free str with the rest; returns str. */
char *opt_keep(struct opt_set *s, char *str);

/* The options of every table, one per line, as --help shows them. */
void opt_help(FILE *f, const struct opt_set *s);

void opt_free(struct opt_set *s);

#endif
