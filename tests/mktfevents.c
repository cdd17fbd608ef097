/*
 * mktfevents - the TensorBoard writer of lib/history, driven from a test
 *
 *   mktfevents --crc STRING         its CRC-32C and masked CRC-32C, in hex
 *   mktfevents DIR WALL STEP TAG=VALUE...   append one event to DIR's file
 *
 * t_tfevents.sh checks what this writes with an independent decoder
 * (protoc's Python code over TensorBoard's own message definitions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "tfevents.h"

int
main(int argc, char **argv)
{
	struct tfevents t;
	struct strbuf why = { 0 };
	struct tb_scalar *v;
	int i, n;

	if (argc == 3 && strcmp(argv[1], "--crc") == 0) {
		printf("%08x %08x\n", crc32c(0, argv[2], strlen(argv[2])),
		    crc32c_masked(argv[2], strlen(argv[2])));
		return 0;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: mktfevents --crc STRING | DIR WALL STEP TAG=VALUE...\n");
		return 64;
	}
	if (tfevents_open(&t, argv[1], strtod(argv[2], NULL), &why) < 0) {
		fprintf(stderr, "mktfevents: %s\n", why.data);
		return 1;
	}
	n = argc - 4;
	v = calloc((size_t)n + 1, sizeof *v);
	for (i = 0; i < n; i++) {
		char *eq = strchr(argv[4 + i], '=');

		if (eq == NULL)
			return 64;
		*eq = '\0';
		v[i].prefix = NULL;
		v[i].tag = argv[4 + i];
		v[i].value = strtod(eq + 1, NULL);
	}
	if (tfevents_write(&t, strtod(argv[2], NULL), strtoll(argv[3], NULL, 10),
	    v, (size_t)n) < 0) {
		perror("mktfevents");
		return 1;
	}
	printf("%s\n", t.path);
	tfevents_close(&t);
	free(v);
	return 0;
}
