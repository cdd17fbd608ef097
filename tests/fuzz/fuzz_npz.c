/*
 * fuzz_npz - an .npz from memory: npz_holds_any, then npz_parse (every
 * member) with the experience files' member limit, then each member read.
 * Seeds: ../shared/experience, the .npz files of ../shared/hostile.
 */
#include "experience.h"
#include "fuzz.h"
#include "npz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "states", "actions", "rewards",
		"W1", "episode_count", NULL };
	struct npz_bytes b = { (uint8_t *)data, size };
	struct strbuf why = { 0 };
	struct npz z = { 0 };
	volatile double sink = 0;
	size_t i, k;

	sink += npz_holds_any(&b, names);
	if (npz_parse(&b, EXPERIENCE_MEMBER_LIMIT, &z, &why) == 0) {
		for (i = 0; i < z.n; i++) {
			const struct npy_array *a = npz_get(&z, z.m[i].name);

			for (k = 0; a != NULL && k < a->count && k < 4096; k++)
				sink += npy_f64(a, k);
		}
		npz_free(&z);
	}
	(void)sink;
	sb_free(&why);
	return 0;
}
