/* config.h - "key = value" files whose keys are a program's long options */
#ifndef CONFIG_H
#define CONFIG_H

/*
 * Read path and call set(ctx, key, value) for each setting (opt_set_key,
 * so that a key is set as its command-line option is); blank lines and
 * lines starting with '#' are skipped. set returns 0, or -1 with a message
 * already printed. Returns 0, or -1 after a "FILE:LINE: reason" message.
 */
int config_read(const char *path, int (*set)(void *ctx, const char *key,
		const char *value), void *ctx);

#endif
