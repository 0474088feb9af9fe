/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal unit-test harness: CHECK(cond, name...) prints "ok - name" or
 * "not ok - name: file:line: cond"; main returns test_status().
 */
#ifndef EBPROF_TEST_H
#define EBPROF_TEST_H

#include <stdio.h>
#include <stdlib.h>

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

/*
 * A private scratch directory under /tmp, made on first use (NULL if it
 * cannot be) and removed with everything in it by test_status().
 */
static char test_tmp_path[] = "/tmp/ebprof-unit.XXXXXX";
static int test_tmp_made;

static inline const char *test_tmpdir(void)
{
	if (!test_tmp_made && mkdtemp(test_tmp_path))
		test_tmp_made = 1;
	return test_tmp_made ? test_tmp_path : NULL;
}

static inline int test_status(void)
{
	char cmd[64];

	if (test_tmp_made) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", test_tmp_path);
		if (system(cmd))
			return 1;
	}
	return test_failed ? 1 : 0;
}

#endif
