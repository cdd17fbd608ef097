/* jsonw.c - writing JSON text into a strbuf */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

/* Length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t
utf8_length(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void
json_string(struct strbuf *sb, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, len;

	sb_addc(sb, '"');
	while (i < n) {
		if (s[i] >= 0x20 && s[i] != '"' && s[i] != '\\' && s[i] < 0x80) {
			run++;
			i++;
			continue;
		}
		sb_add(sb, s + i - run, run);
		run = 0;
		if (s[i] == '"' || s[i] == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, (char)s[i++]);
		} else if (s[i] < 0x20) {
			sb_printf(sb, "\\u%04x", s[i++]);
		} else if ((len = utf8_length(s + i, n - i)) != 0) {
			sb_add(sb, s + i, len);
			i += len;
		} else {
			sb_adds(sb, "\\ufffd");
			i++;
		}
	}
	sb_add(sb, s + i - run, run);
	sb_addc(sb, '"');
}

void
utf8_repair(struct strbuf *sb, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0, len;

	while (i < n) {
		if ((len = utf8_length(s + i, n - i)) != 0) {
			sb_add(sb, s + i, len);
			i += len;
		} else {
			sb_adds(sb, "\xef\xbf\xbd");	/* U+FFFD */
			i++;
		}
	}
}

void
json_cstring(struct strbuf *sb, const char *s)
{
	json_string(sb, s, strlen(s));
}

/*
 * The fewest significant digits that read back as x, as "%.*g" prints them.
 * Not by trying each precision from 1 (up to 17 conversions a number): if
 * 15, 16 or 17 digits read back, the shortest are those digits without
 * their trailing zeros, since a shorter decimal that reads back as x is
 * what rounding x to 15 digits gives. Subnormal numbers carry fewer
 * digits than that, and are searched one precision at a time.
 */
static void
shortest(char *buf, size_t size, double x)
{
	char e[40], *p, *end;
	int precision, digits;

	if (fabs(x) < DBL_MIN) {
		for (precision = 1; precision <= 17; precision++) {
			snprintf(buf, size, "%.*g", precision, x);
			if (strtod(buf, NULL) == x)
				return;
		}
	}
	for (precision = 15; precision <= 17; precision++) {
		snprintf(e, sizeof e, "%.*e", precision - 1, x);
		if (strtod(e, NULL) == x || precision == 17)
			break;
	}
	/* The mantissa's digits, "d.ddd", less its trailing zeros. */
	end = strchr(e, 'e');
	for (p = end; p > e && (p[-1] == '0' || p[-1] == '.'); p--)
		;
	digits = 0;
	for (end = e; end < p; end++)
		digits += *end >= '0' && *end <= '9';
	snprintf(buf, size, "%.*g", digits > 0 ? digits : 1, x);
}

void
json_number(struct strbuf *sb, double x)
{
	char buf[40];

	if (!isfinite(x)) {
		sb_adds(sb, "null");
		return;
	}
	if (x == floor(x) && fabs(x) < 1e15) {
		sb_addi(sb, (long long)x);
		return;
	}
	shortest(buf, sizeof buf, x);
	sb_adds(sb, buf);
}

void
json_float(struct strbuf *sb, double x)
{
	char buf[40];

	if (isfinite(x) && x == floor(x) && fabs(x) < 1e15) {
		sb_printf(sb, "%.1f", x);
		return;
	}
	if (!isfinite(x)) {
		sb_adds(sb, "null");
		return;
	}
	shortest(buf, sizeof buf, x);
	sb_adds(sb, buf);
}

/* The refusal line; with not_experience, the third key that says so. */
static void
refusal_line(struct strbuf *sb, const char *file, const char *error,
	     int not_experience)
{
	sb_adds(sb, "{\"file\": ");
	json_cstring(sb, file);
	sb_adds(sb, ", \"error\": ");
	json_cstring(sb, error);
	sb_adds(sb, not_experience ? ", \"not_experience\": true}\n" : "}\n");
}

void
json_error_line(struct strbuf *sb, const char *file, const char *error)
{
	refusal_line(sb, file, error, 0);
}

void
json_not_experience_line(struct strbuf *sb, const char *file, const char *error)
{
	refusal_line(sb, file, error, 1);
}
