/* experience.h - the bot's experience files: one game each */
#ifndef EXPERIENCE_H
#define EXPERIENCE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* Members larger than this are refused before they are inflated. */
#define EXPERIENCE_MEMBER_LIMIT	(256u << 20)

/* The MD5 of a file's bytes: how a game is known, whatever its name. */
#define GAME_ID_SIZE 16

struct episode {
	uint8_t id[GAME_ID_SIZE];	/* MD5 of the file's bytes */
	size_t steps;
	int features;
	float *states;		/* steps x features */
	int32_t *actions;
	double *rewards;
	float *behavior;	/* behavior_probs: mu of each action taken, or NULL */
	size_t nonfinite;	/* state features that were not finite, read as 0 */
};

/* What experience_read() returns besides 0 (each with a reason in why). */
enum {
	EXP_BAD = -1,		/* claims to be experience and is broken */
	EXP_UNREADABLE = -2,	/* cannot be read: permissions, a FIFO, a folder */
	EXP_NOT_EXPERIENCE = -3	/* a zip with none of states, actions, rewards */
};

/*
 * Read and check exp_*.npz: T >= 1, states (T, features), actions (T,) in
 * [0, actions), rewards (T,) finite, and behavior_probs (T,) in (0, 1] when
 * present. A non-finite state feature is read as 0 and counted in
 * e->nonfinite. The file is read once: e->id is the MD5 of the bytes
 * checked. Returns 0 or one of the above.
 */
int experience_read(const char *path, int features, int actions,
		    struct episode *e, struct strbuf *why);
/* The same for a file's bytes in memory, data[0..size), which experience_read() reads. */
int experience_parse(const uint8_t *data, size_t size, int features,
		     int actions, struct episode *e, struct strbuf *why);
void episode_free(struct episode *e);

#endif
