/*
 * filenames.c - which files in the bot's folders are ours to read, by name
 *
 * The driver, replay-analyze and policy-train must agree on these rules, and
 * the driver links neither the replay nor the learning layer: so they live
 * here, below both.
 */
#include "filenames.h"
#include "walk.h"

int
is_replay_name(const char *path)
{
	return has_suffix(path, ".SC2Replay");
}

int
is_zip_name(const char *path)
{
	return has_suffix(path, ".zip");
}

int
replay_input_wanted(const char *path)
{
	return is_replay_name(path) || is_zip_name(path);
}

int
is_bot_tmp_name(const char *path)
{
	return has_suffix(path, ".tmp.npz");
}

/* The bot writes *.tmp.npz and renames: those are never read. */
int
experience_wanted(const char *path)
{
	return has_suffix(path, ".npz") && !is_bot_tmp_name(path);
}
