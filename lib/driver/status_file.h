/* status_file.h - STATE/status.json, what a running driver is doing now */
#ifndef STATUS_FILE_H
#define STATUS_FILE_H

struct driver;

/*
 * Write status.json when what it says has changed (force: now). A write
 * that fails stops the driver (state_io_failed).
 */
void status_file_write(struct driver *d, int force);

#endif
