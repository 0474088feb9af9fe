// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the folded reader: the input is folded-stack text
 * (as any stackcollapse script or a hand edit can produce).  Whatever it
 * accepts must survive the pprof round trip of pprof_fuzz.h: folded ->
 * pprof -> folded gives the same stacks.  Seeds in tests/fuzz/corpus/folded/.
 */
#include <errno.h>
#include <stdint.h>

#include "pprof_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct folded_stats st = { 0 };
	struct profile *p;
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	p = profile__new();
	if (p && folded__read(p, f, &st) == 0) {
		if (st.bad > st.lines || (st.bad && !st.first_bad)) {
			fprintf(stderr, "inconsistent folded stats\n");
			abort();
		}
		fuzz_round_trip(p);
	}
	fclose(f);
	profile__free(p);
	return 0;
}
