/*
 * executor.c - which executor runs the jobs, and the options it needs
 *
 * The one place that knows there are two: executor_local.c (children of
 * the driver) and executor_slurm.c (batch jobs on a cluster).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "driver.h"
#include "executor.h"
#include "path.h"

const struct executor *
executor_of(const struct driver_options *o)
{
	return o->executor == EXECUTOR_SLURM ? &executor_slurm : &executor_local;
}

/* path made absolute against the folder the driver started in. */
static const char *
absolute(const char *path, const char *cwd, char **owned)
{
	if (path == NULL || path[0] == '/' || cwd == NULL)
		return path;
	*owned = path_join(cwd, path);
	return *owned;
}

const struct driver_options *
executor_options(const struct driver_options *o, struct driver_options *copy,
		 char *owned[EXECUTOR_PATHS])
{
	char *cwd;

	memset(owned, 0, EXECUTOR_PATHS * sizeof owned[0]);
	if (o->executor == EXECUTOR_LOCAL)
		return o;
	*copy = *o;
	cwd = getcwd(NULL, 0);
	/* The paths a job's command line is made of (job.c). */
	copy->state = absolute(o->state, cwd, &owned[0]);
	copy->replays = absolute(o->replays, cwd, &owned[1]);
	copy->experience = absolute(o->experience, cwd, &owned[2]);
	copy->model = absolute(o->model, cwd, &owned[3]);
	/* An analysis job reads these too: --skip-known, --password-file. */
	copy->learned = absolute(o->learned, cwd, &owned[4]);
	copy->analysis.password_file = absolute(o->analysis.password_file, cwd,
	    &owned[5]);
	free(cwd);
	return copy;
}
