// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark workload: a fixed amount of CPU work (UNITS calls of burn,
 * default 3000) through a short call chain, whatever the clock says, so
 * that its run time alone and under a profiler can be compared.
 */
#include "burn.h"

__attribute__((noinline)) void step(void) { burn(1); }

int main(int argc, char **argv)
{
	long units = argc > 1 ? atol(argv[1]) : 3000, i;

	for (i = 0; i < units; i++)
		step();
	return 0;
}
