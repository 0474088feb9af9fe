// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload: inlined code.  hot_outer (not inlined) runs hot_loop,
 * which runs hot_step, both always inlined; cold_outer calls burn.
 * CPU split: about 70% in hot_outer (all of it inside the inlined
 * hot_loop -> hot_step), 30% under cold_outer.  Usage: inline [SECONDS].
 */
#include "burn.h"

static volatile unsigned long inl_sink;

static inline __attribute__((always_inline)) unsigned long
hot_step(unsigned long x)
{
	x ^= x >> 7;
	x *= 2862933555777941757UL;
	return x + 3037000493UL;
}

static inline __attribute__((always_inline)) unsigned long
hot_loop(unsigned long x, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		x = hot_step(x);
	return x;
}

__attribute__((noinline)) void hot_outer(void)
{
	volatile unsigned long pad = 0;	/* a frame, as burn() has */

	inl_sink = hot_loop(inl_sink + pad, 7 * 20000);
}

__attribute__((noinline)) void cold_outer(void)
{
	burn(3);
}

int main(int argc, char **argv)
{
	double until = wl_now() + wl_seconds(argc, argv, 3);

	while (wl_now() < until) {
		hot_outer();
		cold_outer();
	}
	return 0;
}
