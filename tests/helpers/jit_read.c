// SPDX-License-Identifier: GPL-2.0
/*
 * jit_read PID ADDR...: reads the JIT symbols of process PID as a
 * recording does (its perf map or jitdump, in its root, through
 * jit_syms.c), looks up each hex ADDR, and prints the names and the time
 * the reading and the first lookup (the sort) took, in wall-clock and in
 * CPU time (a busy machine makes the first much larger), for
 * scripts/bench-jit.sh:
 *   READ_MS SORT_MS READ_CPU_MS SORT_CPU_MS
 *   ADDR NAME|-
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "runtime/jit_syms.h"

static double now_ms(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct jit_syms *js = jit_syms__new();
	const char *name, *source;
	double t0, t1, t2, c0, c1, c2;
	pid_t pid;
	int i;

	if (argc < 2 || !js) {
		fprintf(stderr, "usage: jit_read PID [ADDR...]\n");
		return 2;
	}
	pid = atoi(argv[1]);
	jit_syms__set_jvm_attach(js, false);
	t0 = now_ms(CLOCK_MONOTONIC);
	c0 = now_ms(CLOCK_THREAD_CPUTIME_ID);
	jit_syms__touch(js, pid);
	t1 = now_ms(CLOCK_MONOTONIC);
	c1 = now_ms(CLOCK_THREAD_CPUTIME_ID);
	jit_syms__lookup(js, pid, 0, &name, &source);
	t2 = now_ms(CLOCK_MONOTONIC);
	c2 = now_ms(CLOCK_THREAD_CPUTIME_ID);
	printf("%.2f %.2f %.2f %.2f\n", t1 - t0, t2 - t1, c1 - c0, c2 - c1);
	for (i = 2; i < argc; i++) {
		int rc = jit_syms__lookup(js, pid, strtoull(argv[i], NULL, 16),
					  &name, &source);

		printf("%s %s\n", argv[i], rc > 0 ? name : "-");
	}
	jit_syms__free(js);
	return 0;
}
