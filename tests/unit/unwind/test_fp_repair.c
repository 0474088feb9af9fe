// SPDX-License-Identifier: GPL-2.0
/* Unit tests of common/unwind/fp_repair.c: joining DWARF prefixes to fp walks. */
#include <string.h>

#include "unwind/fp_repair.h"
#include "test.h"

#define N(a) ((int)(sizeof(a) / sizeof(a[0])))

static int same(const uint64_t *a, int na, const uint64_t *b, int nb)
{
	return na == nb && !memcmp(a, b, na * sizeof(*a));
}

int main(void)
{
	/* vdso <- clock_gettime (frameless) <- hot_a <- phase_a <- main */
	const uint64_t walk[] = { 0x10, 0x20, 0x40, 0x50 };	/* no hot_a */
	const uint64_t dw[] = { 0x10, 0x20, 0x30, 0x40 };
	const uint64_t want[] = { 0x10, 0x20, 0x30, 0x40, 0x50 };
	const uint64_t dw_short[] = { 0x10, 0x20, 0x30 };
	const uint64_t other[] = { 0x10, 0x99, 0x98 };
	const uint64_t sig_walk[] = { 0x10, 0x20, 0x70, 0x80 };
	const uint64_t sig_dw[] = { 0x10, 0x20, 0x71, 0x80 };
	uint64_t out[16], inplace[16];
	int n, added;

	n = fp_repair__merge(walk, N(walk), dw, N(dw), false, out, 16, &added);
	CHECK(same(out, n, want, N(want)) && added == 1,
	      "fp_repair: the frameless function's caller is restored");
	/* DWARF ran out of stack before the walk's next frame. */
	n = fp_repair__merge(walk, N(walk), dw_short, N(dw_short), false,
			     out, 16, &added);
	CHECK(same(out, n, want, N(want)) && added == 1,
	      "fp_repair: a short DWARF prefix, the walk's tail follows");
	memcpy(inplace, walk, sizeof(walk));
	n = fp_repair__merge(inplace, N(walk), dw, N(dw), false, inplace, 16,
			     &added);
	CHECK(same(inplace, n, want, N(want)),
	      "fp_repair: merged in place");
	n = fp_repair__merge(walk, N(walk), other, N(other), false, out, 16,
			     &added);
	CHECK(same(out, n, walk, N(walk)) && added == 0,
	      "fp_repair: DWARF disagreeing with the walk is ignored");
	n = fp_repair__merge(walk, N(walk), walk, N(walk), false, out, 16,
			     &added);
	CHECK(same(out, n, walk, N(walk)) && added == 0,
	      "fp_repair: nothing missing, nothing added");
	n = fp_repair__merge(sig_walk, N(sig_walk), sig_dw, N(sig_dw), false,
			     out, 16, &added);
	CHECK(n == 4 && added == 0 && out[3] == 0x80,
	      "fp_repair: a signal frame's address + 1 matches the walk's");
	n = fp_repair__merge(walk, N(walk), dw, N(dw), false, out, 3, &added);
	CHECK(n == 3 && same(out, 3, want, 3),
	      "fp_repair: bounded by max");
	n = fp_repair__merge(walk, N(walk), dw, 1, false, out, 16, &added);
	CHECK(same(out, n, walk, N(walk)),
	      "fp_repair: a one-frame DWARF result changes nothing");
	/* A frameless leaf: DWARF has its caller, the walk skipped it. */
	{
		const uint64_t lwalk[] = { 0x10, 0x40, 0x50 };
		const uint64_t ldw[] = { 0x10, 0x30 };
		const uint64_t lwant[] = { 0x10, 0x30, 0x40, 0x50 };

		n = fp_repair__merge(lwalk, N(lwalk), ldw, N(ldw), true, out,
				     16, &added);
		CHECK(same(out, n, lwant, N(lwant)) && added == 1,
		      "fp_repair: a frameless leaf's caller, DWARF stopped "
		      "at the copied words' end");
		n = fp_repair__merge(lwalk, N(lwalk), ldw, N(ldw), false, out,
				     16, &added);
		CHECK(same(out, n, lwalk, N(lwalk)) && added == 0,
		      "fp_repair: DWARF ended elsewhere: the walk is kept");
	}
	return test_status();
}
