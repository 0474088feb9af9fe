// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload: C++ templates inlined into their caller.  run_ints (not
 * inlined) folds a range with Acc<unsigned long>::add through
 * fold<Acc<unsigned long>>, both always inlined; run_cold calls burn.
 * CPU split: about 70% inside the inlined templates, 30% under run_cold.
 * Usage: inline_tmpl [SECONDS].
 */
#include "burn.h"

static volatile unsigned long tmpl_sink;

template <typename T> struct Acc {
	T v;
	__attribute__((always_inline)) inline void add(T x)
	{
		v ^= v >> 7;
		v = v * 2862933555777941757UL + x;
	}
};

template <typename A>
__attribute__((always_inline)) inline A fold(A a, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		a.add(i);
	return a;
}

__attribute__((noinline)) void run_ints()
{
	volatile unsigned long pad = 0;
	Acc<unsigned long> a = { tmpl_sink + pad };

	tmpl_sink = fold(a, 7 * 20000).v;
}

__attribute__((noinline)) void run_cold()
{
	burn(3);
}

int main(int argc, char **argv)
{
	double until = wl_now() + wl_seconds(argc, argv, 3);

	while (wl_now() < until) {
		run_ints();
		run_cold();
	}
	return 0;
}
