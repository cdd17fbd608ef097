/* die.h - messages in the err(3) style and the exit codes of sysexits(3) */
#ifndef DIE_H
#define DIE_H

#include <sysexits.h>

/* The name messages start with; set once by main(). */
extern const char *progname;

void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/*
 * The malloc family, for the whole suite. Memory that an input decides is
 * bounded before it is asked for, so running out is the machine's state,
 * not a bad input: there is no sane way on, and out_of_memory() ends the
 * process with EX_OSERR. It is the one place in lib/ that exits.
 */
void out_of_memory(size_t n) __attribute__((noreturn));
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

#endif
