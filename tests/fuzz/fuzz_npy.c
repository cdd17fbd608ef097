/*
 * fuzz_npy - one .npy array from memory (npy_parse), each element read.
 * Seeds: the members of ../shared/experience's and ../shared/hostile's
 * .npz files, extracted into build/fuzz/seeds/npy.
 */
#include "fuzz.h"
#include "npy.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf why = { 0 }, out = { 0 };
	struct npy_array a;
	volatile double sink = 0;
	size_t i;

	if (npy_parse(data, size, &a, &why) == 0) {
		for (i = 0; i < a.count; i++)
			sink += npy_f64(&a, i) + (double)npy_i64(&a, i);
		/* and back: what the writers make of it parses again */
		npy_write(&out, a.dtype, a.ndim, a.shape, a.data);
		npy_free(&a);
		sb_reset(&why);
		if (npy_parse((const uint8_t *)out.data, out.len, &a, &why) != 0)
			__builtin_trap();
		npy_free(&a);
	}
	(void)sink;
	sb_free(&why);
	sb_free(&out);
	return 0;
}
