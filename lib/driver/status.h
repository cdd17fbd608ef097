/* status.h - bgtrain status: what a state folder says, beside a running driver */
#ifndef STATUS_H
#define STATUS_H

struct driver_options;

/*
 * What the state folder says: done, queued, running, failed; as text, or
 * as one JSON object. Takes no lock and changes nothing, but with repair:
 * then, under the driver's lock, the ledger is rewritten with every record
 * that holds. Returns 0, or a sysexits(3) status after one message on
 * stderr.
 */
int driver_status(const struct driver_options *o, int json, int repair);
/*
 * bgtrain report: the state folder's history as one HTML page, written
 * atomically to output (NULL: STATE/report.html; "-": standard output).
 * Takes no lock. Returns 0, or a sysexits(3) status after one message.
 */
int driver_report(const struct driver_options *o, const char *output);

#endif
