/*
 * fuzz_experience - experience_read, the check policy-train makes of each
 * exp_*.npz (it reads from a path: the input is written to a file first),
 * any width of states, actions below POLICY_MAX_ACTIONS.
 * Seeds: ../shared/experience, the .npz files of ../shared/hostile, the
 * off-policy reference's games (with behavior_probs).
 */
#include "experience.h"
#include "fuzz.h"
#include "layout.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("exp_fuzz.npz", data, size);
	struct strbuf why = { 0 };
	struct episode e;

	if (experience_read(path, 0, POLICY_MAX_ACTIONS, &e, &why) == 0)
		episode_free(&e);
	sb_free(&why);
	return 0;
}
