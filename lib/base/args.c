/* args.c - numbers from the command line and config files, checked */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "die.h"

int
parse_value(const char *opt, const char *s, double lo, double hi, int whole,
	    const char *word, double value, double *out)
{
	char *end;
	double v;

	if (word != NULL && strcmp(s, word) == 0) {
		*out = value;
		return 0;
	}
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || !(v >= lo && v <= hi) ||
	    (whole && v != floor(v))) {
		warnmsg("%s: %s from %.15g to %.15g%s%s, not '%s'", opt,
		    whole ? "a whole number" : "a number", lo, hi,
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

double
arg_number(const char *opt, const char *s, double lo, double hi, int off)
{
	double v;

	if (parse_number(opt, s, lo, hi, 0, off, &v) < 0)
		exit(EX_USAGE);
	return v;
}

long long
arg_integer(const char *opt, const char *s, long long lo, long long hi)
{
	double v;

	/* Through a double: exact for the ranges options take (below 2^53). */
	if (parse_number(opt, s, (double)lo, (double)hi, 1, 0, &v) < 0)
		exit(EX_USAGE);
	return (long long)v;
}
