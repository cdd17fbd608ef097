/*
 * flat.c - one flat JSON object scanned in place: a child's --json line
 *
 * The driver keeps in its history what policy-train and merge-results
 * report, number by number, after every job. Their numbers are already the
 * shortest text that reads back, so they are copied as written: parsing
 * them into a tree and printing them again (the shortest form takes three
 * conversions a number) was most of what the history cost the driver per
 * job. Members that are arrays or objects are passed over (their numbers
 * are not the record's); a line that is not one JSON object is refused.
 */
#include <stdlib.h>
#include <string.h>

#include "flat.h"

static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Past a string's closing quote (p at its opening one), or NULL; *escaped if it has any. */
static const char *
skip_string(const char *p, const char *end, int *escaped)
{
	*escaped = 0;
	for (p++; p < end; p++) {
		if (*p == '"')
			return p + 1;
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			*escaped = 1;
			if (++p == end)
				return NULL;
		}
	}
	return NULL;
}

/*
 * A number of at most 15 digits and no exponent, as an integer over a power
 * of ten: both exact, and one division rounds correctly, so the result is
 * strtod's, without its cost (a job's summary is a dozen such numbers).
 * Returns 0, or -1 for a number that needs strtod.
 */
static int
simple_number(const char *p, const char *end, double *v)
{
	static const double tens[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
		1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	long long m = 0;
	int digits = 0, decimals = -1, neg = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	for (; p < end; p++) {
		if (*p == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || ++digits > 15)
			return -1;
		m = m * 10 + (*p - '0');
		if (decimals >= 0)
			decimals++;
	}
	*v = (double)m / tens[decimals > 0 ? decimals : 0];
	if (neg)
		*v = -*v;
	return 0;
}

/* JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static const char *
skip_number(const char *p, const char *end)
{
	const char *d;

	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (p < end && *p == '.') {
		for (d = ++p; p < end && *p >= '0' && *p <= '9'; p++)
			;
		if (p == d)
			return NULL;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		for (d = p; p < end && *p >= '0' && *p <= '9'; p++)
			;
		if (p == d)
			return NULL;
	}
	return p;
}

/*
 * Past an array or object (p at its bracket), strings heeded, nesting at
 * most 64 deep; or NULL. A member like the greedy action's distribution
 * is passed over whole, so the numbers beside it are still read.
 */
static const char *
skip_nested(const char *p, const char *end)
{
	char stack[64];
	int depth = 0, escaped;

	while (p < end) {
		if (*p == '"') {
			if ((p = skip_string(p, end, &escaped)) == NULL)
				return NULL;
			continue;
		}
		if (*p == '[' || *p == '{') {
			if (depth == (int)sizeof stack)
				return NULL;
			stack[depth++] = *p == '[' ? ']' : '}';
		} else if (*p == ']' || *p == '}') {
			if (depth == 0 || stack[--depth] != *p)
				return NULL;
			if (depth == 0)
				return p + 1;
		}
		p++;
	}
	return NULL;
}

static const char *
skip_word(const char *p, const char *end, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(end - p) >= n && memcmp(p, w, n) == 0 ? p + n : NULL;
}

int
flat_numbers(const char *s, size_t len, struct flat_number *out, size_t max)
{
	const char *p = s, *end = s + len, *key, *v;
	char num[64];		/* a longer number is no figure of ours: passed over */
	size_t key_len;
	int n = 0, escaped, key_escaped;

	p = skip_space(p, end);
	if (p == end || *p++ != '{')
		return -1;
	p = skip_space(p, end);
	if (p < end && *p == '}')
		return skip_space(p + 1, end) == end ? 0 : -1;
	for (;;) {
		if (p == end || *p != '"')
			return -1;
		key = p + 1;
		if ((p = skip_string(p, end, &key_escaped)) == NULL)
			return -1;
		key_len = (size_t)(p - 1 - key);
		p = skip_space(p, end);
		if (p == end || *p++ != ':')
			return -1;
		p = skip_space(p, end);
		if (p == end)
			return -1;
		v = p;
		if (*p == '"')
			p = skip_string(p, end, &escaped);
		else if (*p == '[' || *p == '{')
			p = skip_nested(p, end);
		else if (*p == 't' || *p == 'f' || *p == 'n')
			p = *p == 't' ? skip_word(p, end, "true") : *p == 'f' ?
			    skip_word(p, end, "false") : skip_word(p, end, "null");
		else if ((p = skip_number(p, end)) != NULL && !key_escaped &&
		    (size_t)n < max && (size_t)(p - v) < sizeof num) {
			/* A copy to read: s need not end after the number. */
			memcpy(num, v, (size_t)(p - v));
			num[p - v] = '\0';
			out[n].key = key;
			out[n].key_len = key_len;
			out[n].text = v;
			out[n].text_len = (size_t)(p - v);
			if (simple_number(v, p, &out[n].value) < 0)
				out[n].value = strtod(num, NULL);
			n++;
		}
		if (p == NULL)
			return -1;
		p = skip_space(p, end);
		if (p < end && *p == ',') {
			p = skip_space(p + 1, end);
			continue;
		}
		if (p < end && *p == '}')
			return skip_space(p + 1, end) == end ? n : -1;
		return -1;
	}
}

const struct flat_number *
flat_find(const struct flat_number *v, int n, const char *key)
{
	size_t len = strlen(key);
	int i;

	for (i = 0; i < n; i++)
		if (v[i].key_len == len && memcmp(v[i].key, key, len) == 0)
			return &v[i];
	return NULL;
}
