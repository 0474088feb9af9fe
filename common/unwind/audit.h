/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Why stacks through a file are (in)complete: `unwind-test FILE...` and
 * `unwind-test -p PID`.  Not here: the live self-test of the stack modes.
 */
#ifndef EBPROF_UNWIND_AUDIT_H
#define EBPROF_UNWIND_AUDIT_H

#include <stddef.h>
#include <stdio.h>

/*
 * Writes each file's audit and, for several, an overall verdict to @out;
 * a file under /proc/PID/root/ is opened inside that root and shown
 * without it.  0, or -1 when a file could not be audited (said on stderr;
 * the others still are).
 */
int unwind_audit__files(FILE *out, char *const *files, size_t nr);

#endif
