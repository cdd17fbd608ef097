/*
 * test_mpq_oracle - our MPQ reader against StormLib, member by member
 *
 * For every replay in ../shared/replays (edge files included), each member
 * the suite reads must come out byte-identical to what StormLib extracts,
 * or be refused where StormLib refuses it too. StormLib can hang on
 * damaged files, so each file is read in a child with an alarm.
 */
#include <sys/wait.h>

#include <StormLib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mpq.h"
#include "protocol.h"
#include "testutil.h"

static const char *const members[] = {
	MEMBER_DETAILS, MEMBER_DETAILS_BACKUP, MEMBER_TRACKER,
	MEMBER_GAMEMETADATA, MEMBER_INITDATA, MEMBER_ATTRIBUTES,
};

/* Returns the number of mismatches in this file; prints each. */
static int
check_file(const char *path)
{
	struct stat st;
	uint8_t *file;
	struct mpq m;
	struct strbuf why = { 0 };
	HANDLE archive = NULL;
	int fd, bad = 0, ours_open, storm_open;
	size_t i;

	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) < 0) {
		printf("%s: %s\n", path, strerror(errno));
		return 1;
	}
	file = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	ours_open = mpq_open(&m, file, (size_t)st.st_size, &why) == 0;
	storm_open = SFileOpenArchive(path, 0, STREAM_FLAG_READ_ONLY, &archive);
	if (!storm_open || !ours_open) {
		/* Both must refuse, or StormLib refuses what we read: never the reverse. */
		if (storm_open && !ours_open) {
			printf("%s: StormLib opens it, we do not: %s\n", path,
			    why.data);
			bad++;
		}
		goto out;
	}
	for (i = 0; i < sizeof members / sizeof members[0]; i++) {
		HANDLE f = NULL;
		uint8_t *ours = NULL, *theirs = NULL;
		size_t ours_size = 0;
		DWORD size = 0, got = 0;
		int have = SFileOpenFileEx(archive, members[i], 0, &f);
		enum mpq_status st2;

		sb_reset(&why);
		st2 = mpq_read(&m, members[i], 1u << 28, &ours, &ours_size, &why);

		if (have) {
			size = SFileGetFileSize(f, NULL);
			theirs = malloc(size + 1);
			have = SFileReadFile(f, theirs, size, &got, NULL) && got == size;
			SFileCloseFile(f);
		}
		if (have && st2 != MPQ_OK) {
			printf("%s: %s: StormLib reads %u bytes, we fail (%s)\n",
			    path, members[i], (unsigned)size,
			    st2 == MPQ_MISSING ? "missing" : why.data);
			bad++;
		} else if (have && (ours_size != size || memcmp(ours, theirs, size))) {
			printf("%s: %s: bytes differ (%zu vs %u)\n", path,
			    members[i], ours_size, (unsigned)size);
			bad++;
		} else if (!have && st2 == MPQ_OK) {
			printf("%s: %s: we read what StormLib cannot\n", path,
			    members[i]);
			bad++;
		}
		free(ours);
		free(theirs);
	}
out:
	if (storm_open)
		SFileCloseArchive(archive);
	if (ours_open)
		mpq_close(&m);
	munmap(file, (size_t)st.st_size);
	sb_free(&why);
	return bad;
}

int
main(void)
{
	struct strlist replays = { 0 };
	size_t i, compared = 0;
	int failures = 0;

	if (shared_replays(&replays) < 0)
		return skip_or_fail("test_mpq_oracle");
	for (i = 0; i < replays.n; i++) {
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			alarm(20);
			_exit(check_file(replays.v[i]) ? 1 : 0);
		}
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			if (WIFSIGNALED(status))
				printf("%s: signal %d (StormLib hang?)\n",
				    replays.v[i], WTERMSIG(status));
			failures++;
		}
		compared++;
	}
	printf("test_mpq_oracle: %zu replays, %d with differences\n", compared,
	    failures);
	strlist_free(&replays);
	EXPECT(compared >= 104);
	return failures ? 1 : test_exit();
}
