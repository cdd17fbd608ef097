/*
 * fuzz_attributes - replay.attributes.events alone: the fixed layout's
 * header and records, then the lookups the kind of game makes on them.
 * Seeds: the replay.attributes.events members of ../shared/replays,
 * extracted by mkseeds into build/fuzz/seeds/attributes.
 */
#include <string.h>

#include "attributes.h"
#include "fuzz.h"
#include "protocol.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf why = { 0 };
	struct attributes a;
	volatile size_t sink = 0;
	size_t i;

	if (attributes_parse(&a, data, size, &why) == 0) {
		/* Every record was in the member; every value is text of at
		 * most four bytes. */
		if (ATTR_HEADER_SIZE + a.n * ATTR_RECORD_SIZE != size)
			__builtin_trap();
		for (i = 0; i < a.n; i++) {
			if (strlen(a.v[i].value) > ATTR_VALUE_SIZE)
				__builtin_trap();
			sink += a.v[i].id == ATTR_COMMANDER &&
			    a.v[i].scope != ATTR_SCOPE_GLOBAL;
		}
		attributes_free(&a);
	} else if (a.v != NULL || a.n != 0 || why.len == 0) {
		__builtin_trap();	/* refused: nothing kept, a reason given */
	}
	sb_free(&why);
	(void)sink;
	return 0;
}
