/* slots.h - how many jobs may run, which start next, which stop */
#ifndef SLOTS_H
#define SLOTS_H

struct driver;

/*
 * Sample the machine and our own workers: the gate's verdict (our workers
 * left out) and, for --jobs auto, how many jobs fit.
 */
void slots_sample(struct driver *d, double t);
/*
 * The host probe: --host-probe's command, or in WSL the installed
 * res-gate.exe; says at start-up which gate the driver uses.
 */
void slots_host_open(struct driver *d);
void slots_host_close(struct driver *d);
/* Verdict "far over": stop the youngest job and put its inputs back. */
void slots_stop_youngest(struct driver *d);
/* Start jobs into the free slots, by --priority, while there is work. */
void slots_start_jobs(struct driver *d);
/*
 * SIGTERM to every job, SIGKILL to those still running after --grace
 * seconds; their inputs stay queued for the next run.
 */
void slots_stop_all(struct driver *d);
/*
 * --job-timeout: SIGTERM to a job that ran longer, SIGKILL --grace seconds
 * later. Its failure then isolates the input that stalls (land.c).
 */
void slots_enforce_timeout(struct driver *d, double t);
/* once: whether the gate has stayed closed too long with nothing running. */
int slots_gave_up(struct driver *d, double t);

#endif
