/* bot.h - the bot's own folder (--bot DIR): where its files are, its folders made */
#ifndef BOT_H
#define BOT_H

/*
 * The bot's paths below DIR/local_training (allocated; bot_paths_free):
 * its experience buffer, its model, its learned file, and the model its
 * hot reload watches.
 */
struct bot_paths {
	char *experience, *model, *learned, *deploy;
};

void bot_paths(const char *dir, struct bot_paths *b);
void bot_paths_free(struct bot_paths *b);
/*
 * DIR must hold local_training/: 0, or EX_NOINPUT after one line naming
 * what is missing. With make, the folders of bot_paths below it that are
 * missing are made (EX_CANTCREAT when one cannot be).
 */
int bot_check(const char *dir, int make);

#endif
