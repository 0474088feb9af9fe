/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal unit-test harness: CHECK(cond, name...) prints "ok - name" or
 * "not ok - name: file:line: cond"; main returns test_status().
 */
#ifndef EBPROF_TEST_H
#define EBPROF_TEST_H

#include <stdio.h>

static int test_failed;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (cond) {                                               \
			printf("ok - ");                                  \
			printf(__VA_ARGS__);                              \
			printf("\n");                                     \
		} else {                                                  \
			test_failed++;                                    \
			printf("not ok - ");                              \
			printf(__VA_ARGS__);                              \
			printf(": %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                         \
		fflush(stdout);                                           \
	} while (0)

#define SKIP(why, ...)                                                    \
	do {                                                              \
		printf("skip - ");                                        \
		printf(__VA_ARGS__);                                      \
		printf(": %s\n", why);                                    \
	} while (0)

static inline int test_status(void)
{
	return test_failed ? 1 : 0;
}

#endif
