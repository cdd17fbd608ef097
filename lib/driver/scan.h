/* scan.h - the driver's view of its input folders */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>

#include "queue.h"

/*
 * Look at every file below dir that keep() accepts. A file is hashed once
 * it has stopped changing for settle seconds (the bot may still be writing
 * it); files that disappeared are dropped unless a job is using them.
 * Returns how many files became ready to queue.
 */
size_t scan_folder(struct input_queue *s, const char *dir, int (*keep)(const char *),
		   double now, double settle);
void scan_free(struct input_queue *s);

#endif
