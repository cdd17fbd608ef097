/* driver.h - bgtrain: the suite's programs in parallel behind the gate */
#ifndef DRIVER_H
#define DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "analysis_flags.h"
#include "executor.h"
#include "gate.h"
#include "spawn.h"
#include "status.h"
#include "train_flags.h"

enum priority { PRIORITY_TRAINING, PRIORITY_ANALYSIS };

struct driver_options {
	const char *replays;		/* folder of .SC2Replay files */
	const char *experience;		/* the bot's experience folder */
	const char *state;		/* ledger, lock, work files, job log */
	int state_default;		/* the default one: made with its parents */
	const char *learned;		/* learned_build_orders.json */
	const char *model;		/* rl_agent_model.npz */
	const char *quarantine;		/* bad inputs go here, with the reason */
	const char *done_dir;		/* merged replays move here, if set */
	const char *bin_dir;		/* where replay-analyze and the others are */
	const char *bot;		/* --bot: the bot's folder; its paths fill the unset ones */
	const char *deploy;		/* each merged model is also published here */
	const char *on_merge;		/* run through /bin/sh -c after each merge */
	double adopt_stale_tmp;		/* train *.tmp.npz unchanged this long; < 0 never */
	struct train_flags train;	/* handed to every training job */
	int jobs;			/* workers; 0: follow free CPU and memory */
	enum priority priority;
	size_t replay_batch;		/* replays per analysis job */
	size_t train_batch;		/* experience files per training job */
	int stats_every;		/* print statistics every N finished jobs */
	double grace;			/* seconds between SIGTERM and SIGKILL */
	double job_timeout;		/* seconds a job may run; 0: no limit */
	double settle;			/* seconds a file must be still to be read */
	double tick;			/* seconds between gate samples and scans */
	double poll;			/* seconds between walks of the folders; < 0: inotify */
	struct gate_thresholds gate;
	const char *host_probe;		/* the host's figures too: CMD; "none";
					   NULL: res-gate.exe when in WSL */
	struct spawn_yield yield;	/* how the workers yield to the game */
	uint64_t log_max;		/* logs rotate at this size; 0: never */
	struct analysis_flags analysis;	/* handed to every analysis job */
	int relearn;			/* start a new learned file from every replay */
	int quiet;
	int no_history;			/* no metrics, TensorBoard events or dashboard */
	int dashboard_every;		/* seconds between dashboard rewrites; 0: none */
	enum executor_kind executor;	/* what runs the jobs */
	const char *sbatch_args;	/* --executor slurm: more sbatch options */
};

void driver_defaults(struct driver_options *o);
/*
 * Run until SIGINT/SIGTERM (once: until no work is left). Returns the exit
 * status (sysexits(3), 130 or 143); a driver that cannot start says why in
 * one message on stderr.
 */
int driver_run(const struct driver_options *o, int once);

#endif
