/*
 * fuzz_model - a model and a candidate file (model_read, candidate_read:
 * from a path, so the input is written to a file first), then a merge of
 * two: merge-results' merge_models with the input as both the target and
 * the candidate, as `merge-results model TARGET CANDIDATE` runs it.
 * Seeds: ../shared/experience/legacy_model.npz, the .npz files of ../shared/hostile,
 * and a model and candidates that policy-train makes (build/fuzz/seeds/model).
 */
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "model.h"
#include "model_merge.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("model.npz", data, size);
	struct strbuf why = { 0 };
	struct model m;
	struct candidate c;
	int cand_ok;

	if (model_read(path, &m, &why) == 0)
		model_free(&m);
	sb_reset(&why);
	cand_ok = candidate_read(path, &c, &why) == 0;
	if (cand_ok)
		candidate_free(&c);
	sb_free(&why);
	if (cand_ok) {
		char *cands[1];
		const char *target;

		cands[0] = (char *)fuzz_file("candidate.npz", data, size);
		target = fuzz_file("target.npz", data, size);
		merge_models(target, cands, 1, size & 1, 1, 0);
		unlink(target);
		unlink(cands[0]);
	}
	return 0;
}
