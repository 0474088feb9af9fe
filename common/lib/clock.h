/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A clock read as one number: CLOCK_MONOTONIC for durations and
 * deadlines (clock__mono_*), CLOCK_REALTIME for timestamps written out.
 */
#ifndef EBPROF_CLOCK_H
#define EBPROF_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock__ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline uint64_t clock__mono_ns(void)
{
	return clock__ns(CLOCK_MONOTONIC);
}

static inline uint64_t clock__mono_ms(void)
{
	return clock__ns(CLOCK_MONOTONIC) / 1000000;
}

static inline double clock__mono_s(void)
{
	return clock__ns(CLOCK_MONOTONIC) / 1e9;
}

#endif
