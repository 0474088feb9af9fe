// SPDX-License-Identifier: GPL-2.0
/* Diagnostics on stderr; see log.h. */
#include <stdarg.h>
#include <stdio.h>

#include "lib/log.h"

int log_verbosity;
const char *log_prefix = "ebprof";

void log__vprint(FILE *f, const char *level, const char *fmt, va_list ap)
{
	fprintf(f, "%s: %s", log_prefix, level);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

static void vlog(const char *level, const char *fmt, va_list ap)
{
	log__vprint(stderr, level, fmt, ap);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 0)
		return;
	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 0)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void pr_debug(int level, const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < level)
		return;
	va_start(ap, fmt);
	vlog("debug: ", fmt, ap);
	va_end(ap);
}
