/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the pprof and folded fuzz targets: the round-trip property.
 * Whatever a reader accepted, the pprof writer must encode, our reader
 * must read back, and the stacks must come out the same, in the cases
 * where the formats can say the same thing: integral values below 2^53
 * (pprof values are int64, folded.c prints them through long long),
 * unique sample type names (pprof names the default type), and valid UTF-8
 * (the writer replaces invalid bytes, as protobuf strings must be UTF-8).
 */
#ifndef EBPROF_PPROF_FUZZ_H
#define EBPROF_PPROF_FUZZ_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/folded.h"
#include "format/pprof.h"
#include "lib/utf8.h"

static char *fuzz_folded_of(const struct profile *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (folded__write(p, f, 0)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static int fuzz_utf8_ok(const unsigned char *s)
{
	uint32_t cp;
	size_t n;

	while (*s) {
		n = utf8__decode(s, &cp);
		if (!n)
			return 0;
		s += n;
	}
	return 1;
}

static int fuzz_comparable(const struct profile *p)
{
	size_t i, j;

	for (i = 0; i < p->nr_types; i++)
		for (j = i + 1; j < p->nr_types; j++)
			if (!strcmp(p->types[i].type, p->types[j].type))
				return 0;
	for (i = 0; i < p->nr_samples; i++)
		for (j = 0; j < p->nr_types; j++) {
			double v = p->samples[i].values[j];

			if (v != floor(v) || fabs(v) >= 0x1p53)
				return 0;
		}
	return 1;
}

static void fuzz_round_trip(const struct profile *p)
{
	struct profile *q;
	char err[256], *a = NULL, *b = NULL;
	void *buf;
	size_t len;
	int r, cmp = fuzz_comparable(p);

	r = pprof__encode(p, p->nr_samples & 1, &buf, &len);
	if (r == -ENOMEM)
		return;
	if (r) {
		fprintf(stderr, "encode failed: %s\n", strerror(-r));
		abort();
	}
	q = profile__new();
	if (!q) {
		free(buf);
		return;
	}
	r = pprof__read(q, buf, len, NULL, err, sizeof(err));
	if (r && r != -ENOMEM) {
		fprintf(stderr, "own output does not read back: %s\n", err);
		abort();
	}
	if (!r && cmp) {
		a = fuzz_folded_of(p);
		b = fuzz_folded_of(q);
		if (a && b && fuzz_utf8_ok((unsigned char *)a) &&
		    strcmp(a, b)) {
			fprintf(stderr, "round trip changed the stacks:\n"
				"--- before\n%s--- after\n%s", a, b);
			abort();
		}
	}
	free(a);
	free(b);
	free(buf);
	profile__free(q);
}

#endif
