/*
 * fuzz_history - the history read back and drawn: each line of the input
 * through history_data_add (metrics.jsonl and system.jsonl lines), then the
 * whole dashboard rendered from what it kept, so that damaged or hostile
 * numbers (huge, tiny, equal, out of order) reach the charts' arithmetic;
 * and each line through flat_numbers, the scanner of the children's --json
 * summaries (whose numbers must be JSON numbers that read as they say).
 * Seeds: tests/fuzz/seeds/history.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dashboard.h"
#include "flat.h"
#include "fuzz.h"
#include "table.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct history_data h;
	struct dashboard_options o = { "fuzz", 1.7e9, 30 };
	struct strbuf page = { 0 };
	const char *p = (const char *)data, *end = p + size, *nl;

	history_data_init(&h);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) < HISTORY_LINE_MAX) {
			struct flat_number v[8];
			int i, n = flat_numbers(p, (size_t)(nl - p), v, 8);

			for (i = 0; i < n; i++)
				if (v[i].text_len == 0 || v[i].key + v[i].key_len > nl ||
				    v[i].text + v[i].text_len > nl)
					__builtin_trap();
			history_data_add(&h, p, (size_t)(nl - p));
		}
		p = nl + 1;
	}
	dashboard_render(&h, &o, &page);
	sb_free(&page);
	history_data_free(&h);
	return 0;
}
