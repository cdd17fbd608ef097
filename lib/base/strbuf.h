/* strbuf.h - a growable byte buffer */
#ifndef STRBUF_H
#define STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *data;	/* always NUL-terminated when len > 0 or after any add */
	size_t len;
	size_t cap;
};

void sb_add(struct strbuf *sb, const void *p, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
/* Decimal integers without printf: the output lines are mostly numbers. */
void sb_addu(struct strbuf *sb, unsigned long long v);
void sb_addi(struct strbuf *sb, long long v);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);

#endif
