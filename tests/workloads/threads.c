// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload: two named threads, "alpha" running alpha_loop and "beta"
 * running beta_loop, for SECONDS (default 3).
 */
#define _GNU_SOURCE
#include <pthread.h>

#include "burn.h"

static double until;

__attribute__((noinline)) void *alpha_loop(void *arg)
{
	pthread_setname_np(pthread_self(), "alpha");
	while (wl_now() < until)
		burn(1);
	return NULL;
}

__attribute__((noinline)) void *beta_loop(void *arg)
{
	pthread_setname_np(pthread_self(), "beta");
	while (wl_now() < until)
		burn(1);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t a, b;

	until = wl_now() + wl_seconds(argc, argv, 3);
	pthread_create(&a, NULL, alpha_loop, NULL);
	pthread_create(&b, NULL, beta_loop, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
