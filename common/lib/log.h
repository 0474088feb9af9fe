/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Diagnostics on stderr, one line each, prefixed with the command name:
 * "ebprof record: cannot open 'x': No such file or directory".
 * Verbosity: -q (-1) silences warnings and info, each -v adds a level of
 * debug output.  Data never goes through here: it goes to stdout or a file.
 */
#ifndef EBPROF_LOG_H
#define EBPROF_LOG_H

#include <stdarg.h>
#include <stdio.h>

extern int log_verbosity;	/* -1 quiet, 0 default, >0 debug levels */
extern const char *log_prefix;	/* "ebprof" or "ebprof record" */

void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * One line as the pr_*() functions write it ("ebprof record: " @level
 * message), to @f, whatever the verbosity: for text a caller may capture
 * (record's summary).
 */
void log__vprint(FILE *f, const char *level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
