// SPDX-License-Identifier: GPL-2.0
/*
 * Workload of the report tests: three leaf functions burning CPU in a
 * 5:3:2 ratio (the same loop body, iteration counts in that ratio), plus a
 * recursive function, for SECONDS (default 2) of CPU time.  Used to check
 * that `ebprof report` agrees with `perf report` on the same workload.
 */
#include <stdlib.h>
#include <time.h>

static volatile unsigned long sink;

#define BURN(n)								\
	do {								\
		unsigned long i_;					\
		for (i_ = 0; i_ < (n); i_++)				\
			sink += i_ ^ (sink >> 3);			\
	} while (0)

__attribute__((noinline)) void hot_a(unsigned long n) { BURN(5 * n); }
__attribute__((noinline)) void hot_b(unsigned long n) { BURN(3 * n); }
__attribute__((noinline)) void hot_c(unsigned long n) { BURN(2 * n); }

__attribute__((noinline)) void recurse(int depth, unsigned long n)
{
	if (depth > 0)
		recurse(depth - 1, n);
	else
		hot_c(n);
	sink++;
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2;
	double end = cpu_seconds() + secs;
	const unsigned long unit = 200000;

	while (cpu_seconds() < end) {
		hot_a(2 * unit);
		hot_b(2 * unit);
		hot_c(unit);
		recurse(3, unit);	/* hot_c's other half, 4 frames deep */
	}
	return 0;
}
