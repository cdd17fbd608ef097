/* args.c - numbers from the command line and config files, checked */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "die.h"

/*
 * A range's bound as a user would type it: whole-number options show
 * integers, not "9.22337203685478e+18". The limits are doubles, and
 * INT64_MAX, the largest a seed takes, rounds up to 2^63 as one: it is
 * shown as itself.
 */
static void
bound_text(char *buf, size_t size, double x, int whole)
{
	if (!whole || !(fabs(x) < 0x1p64))
		snprintf(buf, size, "%.15g", x);
	else if (x == 0x1p63)
		snprintf(buf, size, "%lld", (long long)INT64_MAX);
	else
		snprintf(buf, size, "%.0f", x);
}

int
parse_value(const char *opt, const char *s, double lo, double hi, int whole,
	    const char *word, double value, double *out)
{
	char *end, from[32], to[32];
	double v;

	if (word != NULL && strcmp(s, word) == 0) {
		*out = value;
		return 0;
	}
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || !(v >= lo && v <= hi) ||
	    (whole && v != floor(v))) {
		bound_text(from, sizeof from, lo, whole);
		bound_text(to, sizeof to, hi, whole);
		warnmsg("%s: %s from %s to %s%s%s, not '%s'", opt,
		    whole ? "a whole number" : "a number", from, to,
		    word != NULL ? " or " : "", word != NULL ? word : "", s);
		return -1;
	}
	*out = v;
	return 0;
}

int
parse_number(const char *opt, const char *s, double lo, double hi, int whole,
	     int off, double *out)
{
	return parse_value(opt, s, lo, hi, whole, off ? "off" : NULL, -1, out);
}

int
parse_widths(const char *opt, const char *s, int max, double hi, int *out,
	     int *n)
{
	char *copy = xstrdup(s), *tok = copy, *comma;
	double w;
	int rc = 0;

	*n = 0;
	do {
		if ((comma = strchr(tok, ',')) != NULL)
			*comma = '\0';
		if (*tok == '\0') {
			warnmsg("%s: an empty width in '%s' (give W,W,...)", opt, s);
			rc = -1;
		} else if (*n == max) {
			warnmsg("%s: at most %d layers", opt, max);
			rc = -1;
		} else if (parse_number(opt, tok, 1, hi, 1, 0, &w) < 0)
			rc = -1;
		else
			out[(*n)++] = (int)w;
		if (comma != NULL)
			tok = comma + 1;
	} while (comma != NULL && rc == 0);
	free(copy);
	return rc;
}
