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
