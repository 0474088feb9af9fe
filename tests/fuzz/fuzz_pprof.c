// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the pprof reader: the input is a pprof file,
 * gzipped or raw, as a hostile or broken tool could write it.  A rejected
 * input must come with a reason; an accepted one must survive the round
 * trip of pprof_fuzz.h, and each sample type must be selectable.  Seeds in
 * tests/fuzz/corpus/pprof/: ebprof's own output (synthetic profiles like
 * `record` makes, a name-only one from folded input) and pprof-format's
 * (tests/node/pprof-check.mjs encode), gzipped and raw.
 */
#include <errno.h>
#include <stdint.h>

#include "pprof_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile *p = profile__new();
	char err[256];
	int r;

	if (!p)
		return 0;
	err[0] = '\0';
	r = pprof__read(p, data, size, NULL, err, sizeof(err));
	if (r && !err[0]) {
		fprintf(stderr, "error %d without a message\n", r);
		abort();
	}
	if (!r) {
		const char *t = p->nr_types ? p->types[0].type : NULL;
		struct profile *q = profile__new();

		fuzz_round_trip(p);
		if (q && t && pprof__read(q, data, size, t, err, sizeof(err)) ==
		    0 && strcmp(q->types[q->default_type].type, t)) {
			fprintf(stderr, "--sample-type %s not chosen\n", t);
			abort();
		}
		profile__free(q);
	}
	profile__free(p);
	return 0;
}
