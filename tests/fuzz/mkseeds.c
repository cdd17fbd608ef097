/*
 * mkseeds - seeds for the harnesses that no file in ../shared is as it is
 *
 *   mkseeds members OUTDIR REPLAY...   the header (user data) and the
 *       versioned members of each replay, as OUTDIR/N.MEMBER
 *   mkseeds attributes OUTDIR REPLAY...   each replay's
 *       replay.attributes.events (fixed layout), as OUTDIR/N.MEMBER
 *   mkseeds ledger OUTDIR              ledgers written by the ledger's own
 *       writers: every kind of record, with checksums, folded into a
 *       snapshot (ledger.snap), and the tail after it
 *   mkseeds hashcache OUTDIR           a hash cache (OUTDIR/hashes.cache)
 *       written by its own writer, of the files in OUTDIR's parent
 *
 * Built with the release library (it is no harness); `make fuzz` and
 * tests/t_fuzz.sh run it into build/fuzz/seeds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic.h"
#include "file.h"
#include "hashcache.h"
#include "ledger.h"
#include "mpq.h"
#include "protocol.h"
#include "replay.h"

static int
put(const char *dir, size_t n, const char *name, const uint8_t *data,
    size_t size)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%zu.%s", dir, n, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(data, 1, size, f) != size ||
	    fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

static uint8_t *
slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)len + 1)) == NULL ||
	    fread(buf, 1, (size_t)len, f) != (size_t)len) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*size = (size_t)len;
	return buf;
}

static const char *const versioned_members[] = { MEMBER_DETAILS,
	MEMBER_INITDATA, MEMBER_TRACKER, NULL };
static const char *const attributes_member[] = { MEMBER_ATTRIBUTES, NULL };

/* The members names[] of each replay; with_header: its user data too. */
static int
members(const char *dir, const char *const *names, int with_header, int argc,
	char **argv)
{
	int i, j;

	for (i = 0; i < argc; i++) {
		struct strbuf why = { 0 };
		struct mpq m;
		uint8_t *file, *out;
		size_t size, out_size;

		if ((file = slurp(argv[i], &size)) == NULL)
			continue;
		if (mpq_open(&m, file, size, &why) == 0) {
			if (with_header && m.user_data != NULL)
				put(dir, (size_t)i, "header", m.user_data,
				    m.user_data_size);
			for (j = 0; names[j] != NULL; j++) {
				if (mpq_read(&m, names[j], REPLAY_MEMBER_LIMIT, &out,
				    &out_size, &why) != MPQ_OK)
					continue;
				/* the tracker is large: its first 64 KiB do */
				put(dir, (size_t)i, names[j], out,
				    out_size > 65536 ? 65536 : out_size);
				free(out);
			}
			mpq_close(&m);
		}
		sb_free(&why);
		free(file);
	}
	return 0;
}

static int
ledgers(const char *dir)
{
	char hashes[3][MD5_HEX_SIZE] = { "0123456789abcdef0123456789abcdef",
		"fedcba9876543210fedcba9876543210",
		"00112233445566778899aabbccddeeff" };
	char *paths[] = { "/in/a b.SC2Replay", "/in/exp_1.npz", "/in/c\\d" };
	char full[4096];
	struct ledger l;
	size_t damaged;

	if (ledger_open(&l, dir, 1, &damaged) < 0) {
		perror(dir);
		return 1;
	}
	ledger_produced(&l, 1, JOB_ANALYSIS, "/state/out/1.json",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 2, hashes, paths);
	ledger_produced(&l, 2, JOB_TRAINING, "/state/out/2.npz",
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 1, hashes + 1, paths + 1);
	ledger_merged(&l, 1);
	ledger_lost(&l, 2);
	ledger_bad(&l, hashes[2], paths[2], "replay-analyze: bad data\there");
	ledger_not_input(&l, "99999999999999999999999999999999", "/in/notes.txt",
	    "not a replay");
	ledger_produced(&l, 3, JOB_ANALYSIS, "/state/out/3.json",
	    "cccccccccccccccccccccccccccccccc", 1, hashes + 2, paths + 2);
	/* --relearn: the analysis before it void, then one after it. */
	ledger_relearn(&l, "/state/learned_build_orders.json.bak");
	ledger_produced(&l, 4, JOB_ANALYSIS, "/state/out/4.json",
	    "dddddddddddddddddddddddddddddddd", 1, hashes, paths);
	ledger_relearn(&l, "");
	/* Jobs on a cluster: one submitted, answered, ended and produced; one open. */
	ledger_submitted(&l, 5, JOB_ANALYSIS, 2, hashes, paths);
	ledger_ext_id(&l, 5, "1234");
	ledger_submitted(&l, 6, JOB_TRAINING, 1, hashes + 1, paths + 1);
	ledger_ended(&l, 5);
	ledger_produced(&l, 5, JOB_ANALYSIS, "/state/out/5.json",
	    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", 1, hashes, paths);
	/* An analysis on a cluster that a --relearn makes void while it runs. */
	ledger_submitted(&l, 7, JOB_ANALYSIS, 1, hashes + 2, paths + 2);
	ledger_ext_id(&l, 7, "1235_3");
	ledger_relearn(&l, "/state/learned_build_orders.json.bak2");
	/* All that as a tail (full.tsv), then its snapshot and a tail after it. */
	snprintf(full, sizeof full, "%s/full.tsv", dir);
	if (atomic_copy(l.path, full) < 0 || ledger_snapshot(&l) < 0 ||
	    ledger_cut(&l) < 0) {
		perror(dir);
		ledger_close(&l);
		return 1;
	}
	ledger_merged(&l, 3);
	ledger_close(&l);
	return 0;
}

static int
hashcaches(const char *dir)
{
	const char *files[] = { ".", "..", "/", "/dev/null" };
	struct hashcache c;
	struct stat st;
	size_t i;

	hashcache_load(&c, dir);
	for (i = 0; i < sizeof files / sizeof files[0]; i++)
		if (stat(files[i], &st) == 0)
			hashcache_put(&c, &st, "0123456789abcdef0123456789abcdef");
	if (hashcache_save(&c) < 0) {
		perror(dir);
		hashcache_free(&c);
		return 1;
	}
	hashcache_free(&c);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "members") == 0)
		return members(argv[2], versioned_members, 1, argc - 3, argv + 3);
	if (argc >= 3 && strcmp(argv[1], "attributes") == 0)
		return members(argv[2], attributes_member, 0, argc - 3, argv + 3);
	if (argc == 3 && strcmp(argv[1], "ledger") == 0)
		return ledgers(argv[2]);
	if (argc == 3 && strcmp(argv[1], "hashcache") == 0)
		return hashcaches(argv[2]);
	fprintf(stderr, "usage: mkseeds members|attributes OUTDIR REPLAY... | "
	    "ledger OUTDIR | hashcache OUTDIR\n");
	return 64;
}
