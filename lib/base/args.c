/* args.c - numbers from the command line and config files, checked */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "die.h"

static void
refuse(const char *opt, const char *what, const char *from, const char *to,
       const char *word, const char *s)
{
	warnmsg("%s: %s from %s to %s%s%s, not '%s'", opt, what, from, to,
	    word != NULL ? " or " : "", word != NULL ? word : "", s);
}

int
parse_value(const char *opt, const char *s, double lo, double hi,
	    const char *word, double value, double *out)
{
	char *end, from[32], to[32];
	double v;

	if (word != NULL && strcmp(s, word) == 0) {
		*out = value;
		return 0;
	}
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || !(v >= lo && v <= hi)) {
		snprintf(from, sizeof from, "%.15g", lo);
		snprintf(to, sizeof to, "%.15g", hi);
		refuse(opt, "a number", from, to, word, s);
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * Whole numbers are read as integers, never through a double: a double
 * holds them exactly only below 2^53, and a limit of INT64_MAX held as one
 * is 2^63, which would let 2^63..2^63+1023 through. Only decimal digits:
 * strtoull alone would take a sign ("-1" is UINT64_MAX to it) and spaces.
 */
int
parse_whole(const char *opt, const char *s, uint64_t lo, uint64_t hi,
	    const char *word, uint64_t value, uint64_t *out)
{
	char *end, from[24], to[24];
	uint64_t v = 0;

	if (word != NULL && strcmp(s, word) == 0) {
		*out = value;
		return 0;
	}
	errno = 0;
	if (isdigit((unsigned char)s[0]))
		v = strtoull(s, &end, 10);
	if (!isdigit((unsigned char)s[0]) || errno != 0 || *end != '\0' ||
	    v < lo || v > hi) {
		snprintf(from, sizeof from, "%" PRIu64, lo);
		snprintf(to, sizeof to, "%" PRIu64, hi);
		refuse(opt, "a whole number", from, to, word, s);
		return -1;
	}
	*out = v;
	return 0;
}

int
parse_bytes(const char *opt, const char *s, uint64_t lo, uint64_t hi,
	    uint64_t *out)
{
	static const char units[] = "KMG";
	const char *unit;
	char *end, from[24], to[24];
	uint64_t v = 0, scale = 1;

	errno = 0;
	if (isdigit((unsigned char)s[0]))
		v = strtoull(s, &end, 10);
	if (isdigit((unsigned char)s[0]) && errno == 0 && *end != '\0' &&
	    end[1] == '\0' && (unit = strchr(units, toupper((unsigned char)*end))))
		scale = (uint64_t)1 << (10 * (unit - units + 1));
	else if (isdigit((unsigned char)s[0]) && *end != '\0')
		errno = EINVAL;
	if (!isdigit((unsigned char)s[0]) || errno != 0 || v > UINT64_MAX / scale ||
	    v * scale < lo || v * scale > hi) {
		snprintf(from, sizeof from, "%" PRIu64, lo);
		snprintf(to, sizeof to, "%" PRIu64, hi);
		refuse(opt, "a size in bytes (K, M, G)", from, to, NULL, s);
		return -1;
	}
	*out = v * scale;
	return 0;
}

int
parse_widths(const char *opt, const char *s, int max, uint64_t hi, int *out,
	     int *n)
{
	char *copy = xstrdup(s), *tok = copy, *comma;
	uint64_t w;
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
		} else if (parse_whole(opt, tok, 1, hi, NULL, 0, &w) < 0)
			rc = -1;
		else
			out[(*n)++] = (int)w;
		if (comma != NULL)
			tok = comma + 1;
	} while (comma != NULL && rc == 0);
	free(copy);
	return rc;
}
