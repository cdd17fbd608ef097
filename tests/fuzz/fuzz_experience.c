/*
 * fuzz_experience - the check policy-train makes of each exp_*.npz, from
 * memory (experience_parse, which experience_read reads a file through),
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
	struct strbuf why = { 0 };
	struct episode e;

	if (experience_parse(data, size, 0, POLICY_MAX_ACTIONS, &e, &why) == 0)
		episode_free(&e);
	sb_free(&why);
	return 0;
}
