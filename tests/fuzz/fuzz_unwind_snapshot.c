// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the unwind snapshot parser (unwind_snapshot.c):
 * the input is snapshot text, as a hand edit or a corrupted fixture can
 * produce.  What it accepts is written back and must parse again to the
 * same snapshot.  Seeds in tests/fuzz/corpus/unwind_snapshot/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unwind/unwind_snapshot.h"

static bool same(const struct unwind_snapshot *a,
		 const struct unwind_snapshot *b)
{
	size_t i;

	if (strcmp(a->name, b->name) || memcmp(a->regs, b->regs,
					       sizeof(a->regs)) ||
	    a->size != b->size || memcmp(a->stack, b->stack, a->size) ||
	    a->nr_maps != b->nr_maps || a->nr_expect != b->nr_expect ||
	    a->has_redzone != b->has_redzone ||
	    (a->has_redzone && memcmp(a->redzone, b->redzone,
				      sizeof(a->redzone))))
		return false;
	for (i = 0; i < a->nr_maps; i++)
		if (a->maps[i].map.start != b->maps[i].map.start ||
		    a->maps[i].map.end != b->maps[i].map.end ||
		    a->maps[i].map.pgoff != b->maps[i].map.pgoff ||
		    strcmp(a->maps[i].file, b->maps[i].file) ||
		    !a->maps[i].build_id != !b->maps[i].build_id ||
		    (a->maps[i].build_id &&
		     strcmp(a->maps[i].build_id, b->maps[i].build_id)))
			return false;
	for (i = 0; i < a->nr_expect; i++)
		if (strcmp(a->expect[i], b->expect[i]))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct unwind_snapshot *s, *t = NULL;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (unwind_snapshot__parse((const char *)data, size, &s, err,
				   sizeof(err)))
		return 0;
	f = open_memstream(&buf, &len);
	if (!f || unwind_snapshot__write(s, f))
		abort();
	fclose(f);
	if (unwind_snapshot__parse(buf, len, &t, err, sizeof(err)) ||
	    !same(s, t))
		abort();
	unwind_snapshot__free(t);
	unwind_snapshot__free(s);
	free(buf);
	return 0;
}
