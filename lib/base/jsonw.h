/* jsonw.h - writing JSON text into a strbuf */
#ifndef JSONW_H
#define JSONW_H

#include <stddef.h>

#include "strbuf.h"

/* A string; bytes that are not UTF-8 become U+FFFD so the line stays JSON. */
void json_string(struct strbuf *sb, const char *s, size_t n);
void json_cstring(struct strbuf *sb, const char *s);
/* The shortest decimal that reads back as x; integers without a fraction. */
void json_number(struct strbuf *sb, double x);
/* As json_number, but whole values keep a ".0" (Python's float repr). */
void json_float(struct strbuf *sb, double x);

/*
 * Append s as JSON carries it: every byte that is not part of valid UTF-8
 * becomes U+FFFD, as json_string() writes it. A reader of our JSON compares
 * names it knows in this form with the names it reads back.
 */
void utf8_repair(struct strbuf *sb, const char *s);

/*
 * Append {"file": FILE, "error": WHY} and a newline: the line by which a
 * program names an input it could not use (replay-analyze's output,
 * policy-train's --report), and which the driver reads.
 */
void json_error_line(struct strbuf *sb, const char *file, const char *error);
/*
 * Append {"file": FILE, "error": WHY, "not_experience": true}: policy-train
 * names an .npz that never was a game (a model beside the games), which
 * the driver skips and never quarantines.
 */
void json_not_experience_line(struct strbuf *sb, const char *file,
			      const char *error);

#endif
