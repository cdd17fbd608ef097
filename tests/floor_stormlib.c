/*
 * floor_stormlib - the benchmark's floor: open each replay with StormLib and
 * read the four members replay-analyze needs, nothing more.
 *
 * Paths come one a line on standard input; prints how many were read.
 */
#include <StormLib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

static const char *const members[] = {
	MEMBER_DETAILS, MEMBER_TRACKER, MEMBER_GAMEMETADATA, MEMBER_ATTRIBUTES,
};

int
main(void)
{
	char path[4096];
	size_t done = 0, i;
	unsigned long long bytes = 0;

	while (fgets(path, sizeof path, stdin)) {
		HANDLE archive;

		path[strcspn(path, "\n")] = '\0';
		if (!SFileOpenArchive(path, 0, STREAM_FLAG_READ_ONLY, &archive))
			continue;
		for (i = 0; i < sizeof members / sizeof members[0]; i++) {
			HANDLE f;
			DWORD size, got = 0;
			char *buf;

			if (!SFileOpenFileEx(archive, members[i], 0, &f))
				continue;
			size = SFileGetFileSize(f, NULL);
			buf = malloc(size + 1);
			if (buf && SFileReadFile(f, buf, size, &got, NULL))
				bytes += got;
			free(buf);
			SFileCloseFile(f);
		}
		SFileCloseArchive(archive);
		done++;
	}
	printf("%zu %llu\n", done, bytes);
	return 0;
}
