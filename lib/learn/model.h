/* model.h - rl_agent_model.npz: the bot's layout plus our optimiser state */
#ifndef MODEL_H
#define MODEL_H

#include <stdint.h>

#include "digest.h"
#include "experience.h"
#include "hashmap.h"
#include "layout.h"
#include "optim.h"
#include "strbuf.h"

/* Written into every model, so later versions can read older files. */
#define MODEL_FORMAT_VERSION 1

struct model {
	struct policy net;
	double baseline;		/* kept as it is: the update does not use it */
	int64_t episode_count;
	int64_t optim_step;		/* optimiser steps taken so far */
	double *adam_m, *adam_v;	/* n_params each, zeros when absent */
	struct hashmap merged;		/* hex MD5s of the candidates merged in */
	/*
	 * trained_md5: the raw MD5 (GAME_ID_SIZE bytes) of every experience
	 * file trained into the model, so that no game counts twice whatever
	 * happens to the driver's state. A candidate file holds only the games
	 * it added. Empty for the bot's own models, which have none.
	 */
	struct hashmap trained;
	char md5[MD5_HEX_SIZE];		/* of the file model_read() read, or "" */
};

/* model_read() and candidate_read(): the file cannot be read at all (66, not 65). */
#define MODEL_UNREADABLE (-2)

/*
 * Read a model the bot or the suite wrote: W1..WL, b1..bL (float64 or
 * float32), baseline, episode_count, and, when present, the optimiser
 * state and trained_md5. Returns 0, or -1 (bad content) or MODEL_UNREADABLE
 * with a reason in why.
 */
int model_read(const char *path, struct model *m, struct strbuf *why);
/* The same for a file's bytes in memory, data[0..size), which model_read() reads. */
int model_parse(const uint8_t *data, size_t size, struct model *m,
		struct strbuf *why);
/* A fresh model of the given widths, initialised from seed. */
void model_create(struct model *m, int n_layers, const int *width, uint64_t seed);
void model_free(struct model *m);

/* Extra members of a candidate (policy-train --out): what merge-results adds. */
struct candidate_info {
	const struct model *base;	/* the model training started from */
	const char *base_md5;		/* hex MD5 of its file, or "" for --init */
	int64_t games, steps;
	const struct hashmap *added;	/* the games it adds (trained_md5) */
};

/* Write m atomically to path; with c, also delta_<name> = m - base and the record. */
int model_write(const struct model *m, const char *path,
		const struct candidate_info *c, struct strbuf *why);

/* A candidate read back: its model, its change and where it started. */
struct candidate {
	struct model m;
	double *delta;			/* n_params: the candidate minus its base */
	int64_t games, steps;
	char base_md5[MD5_HEX_SIZE];
	/*
	 * Its identity: the MD5 of what it changes (base, change, games,
	 * steps), not of its bytes, so that the same candidate written twice
	 * (zip timestamps differ) is one candidate.
	 */
	char md5[MD5_HEX_SIZE];
	char file_md5[MD5_HEX_SIZE];	/* of the file's bytes: older models recorded this */
};

int candidate_read(const char *path, struct candidate *c, struct strbuf *why);
/* The same from memory; candidate_read() reads through it. */
int candidate_parse(const uint8_t *data, size_t size, struct candidate *c,
		    struct strbuf *why);
void candidate_free(struct candidate *c);
/* Whether m has the game of this id (experience.h) in its record; add it. */
int model_has_game(const struct model *m, const uint8_t *id);
void model_add_game(struct model *m, const uint8_t *id);
/* Whether m has had the candidate of this MD5 merged in; record that it has. */
int model_has_merged(const struct model *m, const char *md5);
void model_add_merged(struct model *m, const char *md5);

#endif
