/*
 * fuzz_model - a model and a candidate, from memory (model_parse and
 * candidate_parse, which model_read and candidate_read read files
 * through), then a merge of two: merge-results' merge_models with the
 * input as both the target and the candidate, as `merge-results model
 * TARGET CANDIDATE` runs it (that run locks and replaces files, so it
 * takes them from a folder).
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
	struct strbuf why = { 0 };
	struct model m;
	struct candidate c;
	int cand_ok;

	if (model_parse(data, size, &m, &why) == 0)
		model_free(&m);
	sb_reset(&why);
	cand_ok = candidate_parse(data, size, &c, &why) == 0;
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
