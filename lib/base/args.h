/* args.h - numbers from the command line and config files, checked */
#ifndef ARGS_H
#define ARGS_H

/*
 * A decimal number from lo to hi (integers only when whole is set), or,
 * when off is set, the word "off", which gives -1. Returns 0, or -1 with a
 * message "--opt: a number from lo to hi, not 's'" on stderr.
 */
int parse_number(const char *opt, const char *s, double lo, double hi,
		 int whole, int off, double *out);

/* The same with any word in place of "off" (none when NULL), giving value. */
int parse_value(const char *opt, const char *s, double lo, double hi,
		int whole, const char *word, double value, double *out);

/*
 * A list "W,W,..." of at most max whole numbers from 1 to hi (--hidden's
 * widths) into out[0..*n). Every one must be there: "64,,64" is a typing
 * error, not two layers. Returns 0, or -1 after a message naming opt.
 */
int parse_widths(const char *opt, const char *s, int max, double hi, int *out,
		 int *n);

#endif
