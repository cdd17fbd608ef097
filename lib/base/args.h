/* args.h - numbers from the command line and config files, checked */
#ifndef ARGS_H
#define ARGS_H

#include <stdint.h>

/*
 * A decimal number from lo to hi, or the word word (none when NULL), which
 * gives value. Returns 0, or -1 with a message "--opt: a number from lo to
 * hi, not 's'" on stderr.
 */
int parse_value(const char *opt, const char *s, double lo, double hi,
		const char *word, double value, double *out);

/*
 * The same for a whole number, in decimal digits, checked exactly in
 * integer arithmetic ("--opt: a whole number from lo to hi, not 's'").
 */
int parse_whole(const char *opt, const char *s, uint64_t lo, uint64_t hi,
		const char *word, uint64_t value, uint64_t *out);

/*
 * A size in bytes: a whole number, then K, M or G (KiB, MiB, GiB; any
 * case) or nothing, from lo to hi bytes ("--opt: a size in bytes from lo
 * to hi (K, M, G), not 's'").
 */
int parse_bytes(const char *opt, const char *s, uint64_t lo, uint64_t hi,
		uint64_t *out);

/*
 * A list "W,W,..." of at most max whole numbers from 1 to hi (--hidden's
 * widths) into out[0..*n). Every one must be there: "64,,64" is a typing
 * error, not two layers. Returns 0, or -1 after a message naming opt.
 */
int parse_widths(const char *opt, const char *s, int max, uint64_t hi, int *out,
		 int *n);

#endif
