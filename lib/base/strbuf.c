/* strbuf.c - a growable byte buffer */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "strbuf.h"

static void
reserve(struct strbuf *sb, size_t more)
{
	size_t want = sb->len + more + 1;

	if (want <= sb->cap)
		return;
	if (want < sb->len)
		out_of_memory(SIZE_MAX);
	sb->cap = sb->cap ? sb->cap : 256;
	while (sb->cap < want)
		sb->cap *= 2;
	sb->data = xrealloc(sb->data, sb->cap);
}

void
sb_add(struct strbuf *sb, const void *p, size_t n)
{
	reserve(sb, n);
	if (n)
		memcpy(sb->data + sb->len, p, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

void
sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void
sb_addc(struct strbuf *sb, char c)
{
	reserve(sb, 1);
	sb->data[sb->len++] = c;
	sb->data[sb->len] = '\0';
}

void
sb_addu(struct strbuf *sb, unsigned long long v)
{
	char buf[24], *p = buf + sizeof buf;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_add(sb, p, (size_t)(buf + sizeof buf - p));
}

void
sb_addi(struct strbuf *sb, long long v)
{
	if (v < 0) {
		sb_addc(sb, '-');
		sb_addu(sb, 0ull - (unsigned long long)v);
	} else {
		sb_addu(sb, (unsigned long long)v);
	}
}

void
sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0) {	/* a format glibc cannot print: say so, lose nothing silently */
		va_end(again);
		sb_adds(sb, "(unprintable)");
		return;
	}
	reserve(sb, (size_t)n);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, again);
	va_end(again);
	sb->len += (size_t)n;
}

void
sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void
sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

void
sb_free(struct strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->cap = 0;
}
