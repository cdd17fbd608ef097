/* filenames.h - which files in the bot's folders are ours to read, by name */
#ifndef FILENAMES_H
#define FILENAMES_H

/* A replay: *.SC2Replay, any case. */
int is_replay_name(const char *path);
/* A replay pack: *.zip, any case. */
int is_zip_name(const char *path);
/*
 * What a replay folder holds for analysis: replays and the packs they come
 * in (replay-analyze reads a pack in place; the driver takes each as one
 * input).
 */
int replay_input_wanted(const char *path);
/* A finished experience file: *.npz but not the bot's half-written *.tmp.npz. */
int experience_wanted(const char *path);
/*
 * The bot's half-written experience file, *.tmp.npz, which it renames when
 * complete; its versions of February to April 2026 never did (bgtrain
 * --adopt-stale-tmp).
 */
int is_bot_tmp_name(const char *path);

#endif
