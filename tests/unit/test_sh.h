/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the unit tests that build their fixtures with the system's
 * tools: fmt() (an allocated printf; aborts on ENOMEM) and sh() (runs a
 * shell command, true when it exits 0, the command on stderr when not).
 */
#ifndef EBPROF_TEST_SH_H
#define EBPROF_TEST_SH_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static inline char *fmt(const char *f, ...)
	__attribute__((format(printf, 1, 2)));
static inline char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

static inline bool sh(const char *f, ...) __attribute__((format(printf, 1, 2)));
static inline bool sh(const char *f, ...)
{
	va_list ap;
	char *cmd;
	int rc;

	va_start(ap, f);
	if (vasprintf(&cmd, f, ap) < 0)
		abort();
	va_end(ap);
	rc = system(cmd);
	if (rc)
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
	free(cmd);
	return rc == 0;
}

#endif
