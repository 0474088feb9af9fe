// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload for stack unwinding: known call chains, each ending in
 * burn().  Usage: unwind_chains MODE [SECONDS] (default 2), MODE one of
 *   qsort    main;mode_qsort;sort_once;qsort...;cmp_burn;burn  (libc calls
 *            back into us: libc frames in the middle of the chain)
 *   recurse  main;mode_recurse;rec x150;burn  (deeper than perf's 127)
 *   threads  start_thread;thread_main;thr_work;burn  (two threads)
 *   signal   main;mode_signal;spin;...;__restore_rt;on_prof;sig_work;burn
 *   leaf     main;mode_leaf;call_getppid;getppid  (a frameless libc leaf)
 * Built with and without frame pointers (-fp, -nofp) by the Makefile.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "burn.h"

#define DEPTH 150

static volatile int sink;
static double until;

__attribute__((noinline)) int cmp_burn(const void *a, const void *b)
{
	burn(1);
	return *(const int *)a - *(const int *)b;
}

__attribute__((noinline)) void sort_once(void)
{
	int v[16];
	int i;

	for (i = 0; i < 16; i++)
		v[i] = (i * 7919) % 16;
	qsort(v, 16, sizeof(v[0]), cmp_burn);
	sink += v[0];
}

__attribute__((noinline)) void mode_qsort(void)
{
	while (wl_now() < until)
		sort_once();
}

__attribute__((noinline)) void rec(int n)
{
	if (n <= 1)
		burn(20);
	else
		rec(n - 1);
	sink++;		/* not a tail call */
}

__attribute__((noinline)) void mode_recurse(void)
{
	while (wl_now() < until)
		rec(DEPTH);
}

__attribute__((noinline)) void thr_work(void)
{
	burn(20);
}

__attribute__((noinline)) void *thread_main(void *arg)
{
	while (wl_now() < until)
		thr_work();
	return arg;
}

__attribute__((noinline)) void mode_threads(void)
{
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, thread_main, NULL);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
}

__attribute__((noinline)) void sig_work(void)
{
	burn(40);
}

__attribute__((noinline)) void on_prof(int sig)
{
	sig_work();
}

__attribute__((noinline)) void spin(void)
{
	burn(1);
}

__attribute__((noinline)) void mode_signal(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 10000 }, { 0, 10000 } };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_prof;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGPROF, &sa, NULL);
	setitimer(ITIMER_PROF, &it, NULL);
	while (wl_now() < until)
		spin();
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_PROF, &it, NULL);
}

__attribute__((noinline)) void call_getppid(void)
{
	sink += getppid();
}

__attribute__((noinline)) void mode_leaf(void)
{
	int i;

	while (wl_now() < until)
		for (i = 0; i < 1000; i++)
			call_getppid();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	until = wl_now() + (argc > 2 ? atof(argv[2]) : 2);
	if (!strcmp(mode, "qsort"))
		mode_qsort();
	else if (!strcmp(mode, "recurse"))
		mode_recurse();
	else if (!strcmp(mode, "threads"))
		mode_threads();
	else if (!strcmp(mode, "signal"))
		mode_signal();
	else if (!strcmp(mode, "leaf"))
		mode_leaf();
	else {
		fprintf(stderr, "usage: unwind_chains qsort|recurse|threads|"
			"signal|leaf [SECONDS]\n");
		return 2;
	}
	return 0;
}
