/*
 * fuzz_versioned - the versioned decoder alone, over a member's bytes:
 * every value until the end or the first damage, with the lookups the
 * readers make on each.
 * Seeds: the replay.details, replay.initData and replay.tracker.events
 * members and the header (user data) of ../shared/replays, extracted by
 * mkseeds into build/fuzz/seeds/versioned.
 */
#include "fuzz.h"
#include "versioned.h"

static uint64_t
walk(const struct vvalue *v, int depth)
{
	uint64_t sum = 0;
	size_t len;
	uint32_t i;

	if (v == NULL || depth > 64)
		return 0;
	sum += (uint64_t)vv_int(v, 0);
	if (vv_blob(v, &len) != NULL)
		sum += len;
	for (i = 0; i < 8; i++)
		sum += (uint64_t)vv_field_int(v, i, 1);
	if (vv_field(v, 0) != NULL)
		sum += walk(vv_field(v, 0), depth + 1);
	if (v->type == V_ARRAY || v->type == V_STRUCT ||
	    v->type == V_CHOICE || v->type == V_OPTIONAL)
		for (i = 0; i < v->n && i < 16; i++)
			sum += walk(&v->kids[i], depth + 1);
	return sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vdecoder d;
	struct vvalue *v;
	volatile uint64_t sink = 0;
	int n = 0;

	vd_init(&d, data, size);
	while (!vd_at_end(&d) && (v = vd_value(&d)) != NULL) {
		sink += walk(v, 0);
		if (++n % 64 == 0)
			vd_reset(&d);
	}
	vd_free(&d);
	(void)sink;
	return 0;
}
