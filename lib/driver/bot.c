/*
 * bot.c - the bot's own folder (--bot DIR): where its files are, its folders made
 *
 * The bot (wicked_zerg_challenger) keeps everything the suite reads and
 * writes below DIR/local_training: its games in data/buffer, its model in
 * models/ (rl_agent_model.npz, and deployed_model.npz, which its
 * hot_reload.py watches), its learned build orders in scripts/. One option
 * names them all, so that a user points bgtrain at the bot and not at five
 * paths, any of which could be mistyped into a folder the bot never reads.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bot.h"
#include "die.h"
#include "path.h"

#define BOT_ROOT "local_training"

/* The folders below local_training that the bot's paths lie in, parents first. */
static const char *const bot_folders[] = {
	"data", "data/buffer", "models", "scripts", NULL
};

static char *
below(const char *dir, const char *rest)
{
	char *root = path_join(dir, BOT_ROOT), *p = path_join(root, rest);

	free(root);
	return p;
}

void
bot_paths(const char *dir, struct bot_paths *b)
{
	b->experience = below(dir, "data/buffer");
	b->model = below(dir, "models/rl_agent_model.npz");
	b->learned = below(dir, "scripts/learned_build_orders.json");
	b->deploy = below(dir, "models/deployed_model.npz");
}

void
bot_paths_free(struct bot_paths *b)
{
	free(b->experience);
	free(b->model);
	free(b->learned);
	free(b->deploy);
	memset(b, 0, sizeof *b);
}

int
bot_check(const char *dir, int make)
{
	char *root = path_join(dir, BOT_ROOT);
	struct stat st;
	size_t i;
	int rc = 0;

	if (stat(dir, &st) < 0) {
		warnmsg("%s: %s (--bot: the bot's folder)", dir, strerror(errno));
		rc = EX_NOINPUT;
	} else if (!S_ISDIR(st.st_mode)) {
		warnmsg("%s: not a folder (--bot: the bot's folder)", dir);
		rc = EX_NOINPUT;
	} else if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		warnmsg("%s: no %s/ folder in it: --bot names the bot's folder (such "
		    "as wicked_zerg_challenger) that holds %s/", dir, BOT_ROOT,
		    BOT_ROOT);
		rc = EX_NOINPUT;
	}
	for (i = 0; rc == 0 && make && bot_folders[i]; i++) {
		char *p = path_join(root, bot_folders[i]);

		/* Made as mkdir(1) makes them: the bot's own, under its umask. */
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			warnmsg("%s: cannot create: %s (--bot)", p, strerror(errno));
			rc = EX_CANTCREAT;
		} else if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
			warnmsg("%s: not a folder (--bot)", p);
			rc = EX_CANTCREAT;
		}
		free(p);
	}
	free(root);
	return rc;
}
