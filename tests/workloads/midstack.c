// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload: a frameless function in the middle of the stack.
 * main -> phase_a -> hot_a -> clock_gettime (libc, no frame pointer) ->
 * the vDSO, 60% of the CPU time, and main -> phase_a -> cold_a -> burn,
 * 40%.  A frame-pointer walk from the vDSO skips hot_a: clock_gettime
 * keeps hot_a's %rbp, so hot_a's return address is never read.  The split
 * is by the thread's CPU time, read with syscall(2) rather than through
 * clock_gettime, so that every clock_gettime under phase_a is hot_a's.
 * Usage: midstack [SECONDS] (default 3).
 */
#define _GNU_SOURCE	/* syscall() */
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "burn.h"

static volatile long sink;

static double cpu_now(void)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) void hot_a(double until)
{
	struct timespec ts;
	int i;

	do {
		for (i = 0; i < 200; i++) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			sink += ts.tv_nsec;
		}
	} while (cpu_now() < until);
}

__attribute__((noinline)) void cold_a(double until)
{
	do
		burn(1);
	while (cpu_now() < until);
}

__attribute__((noinline)) void phase_a(double secs)
{
	double end = cpu_now() + secs, t;

	while ((t = cpu_now()) < end) {
		hot_a(t + 0.006);
		cold_a(cpu_now() + 0.004);
	}
}

int main(int argc, char **argv)
{
	phase_a(wl_seconds(argc, argv, 3));
	return 0;
}
