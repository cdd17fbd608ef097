/* zipdir.h - where a zip's entries lie, read from its central directory */
#ifndef ZIPDIR_H
#define ZIPDIR_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/*
 * Check the zip in buf[0..size): every entry's local header and data
 * (its compressed bytes) lie inside the file, and no two entries' ranges
 * overlap. Returns 0, or -1 with a reason in why.
 */
int zipdir_check(const uint8_t *buf, size_t size, struct strbuf *why);

#endif
