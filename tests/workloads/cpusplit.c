// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload: a known call chain main -> run -> work_{a,b,c} -> burn
 * and a known CPU split: 60% under work_a, 30% under work_b, 10% under
 * work_c.  Usage: cpusplit [SECONDS] (default 3).
 */
#include "burn.h"

__attribute__((noinline)) void work_a(void) { burn(6); }
__attribute__((noinline)) void work_b(void) { burn(3); }
__attribute__((noinline)) void work_c(void) { burn(1); }

__attribute__((noinline)) void run(double until)
{
	while (wl_now() < until) {
		work_a();
		work_b();
		work_c();
	}
}

int main(int argc, char **argv)
{
	run(wl_now() + wl_seconds(argc, argv, 3));
	return 0;
}
