/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the test workloads: a fixed amount of CPU work per call, so a
 * call count sets a CPU share, and a wall-clock deadline.
 */
#ifndef EBPROF_WL_BURN_H
#define EBPROF_WL_BURN_H

#include <stdlib.h>
#include <time.h>

static volatile unsigned long burn_sink;

/*
 * Not inlined: every workload's leaf is a real frame named burn.  The
 * volatile local makes gcc set up the frame even in this leaf (gcc 12
 * omits it in leaves that use no stack, -fno-omit-frame-pointer or not),
 * so frame-pointer builds have exact chains.
 */
__attribute__((noinline)) static void burn(unsigned long units)
{
	volatile unsigned long x = burn_sink;
	unsigned long i;

	for (i = 0; i < units * 20000; i++)
		x = x * 2862933555777941757UL + 3037000493UL;
	burn_sink = x;
}

static double wl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wl_seconds(int argc, char **argv, double def)
{
	return argc > 1 ? atof(argv[1]) : def;
}

#endif
