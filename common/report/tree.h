/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Call trees of `ebprof report -g caller|callee`: each function with its
 * callees (or callers) below it, as text or JSON.  Not here: building the
 * tree (profile/report.c), the flat ranking (rank.h).
 */
#ifndef EBPROF_REPORT_TREE_H
#define EBPROF_REPORT_TREE_H

#include <stdbool.h>
#include <stdio.h>

#include "profile/profile.h"
#include "report/view.h"

/*
 * Builds the call tree of @fp's value @type, root-first or, with @callee,
 * leaf-first, and prints it to @f as text or JSON (@a's format), hiding
 * nodes under @a's limit (0.5% when not given; raised, with a warning,
 * so that at most REPORT_MAX_NODES show).  0, or -errno after a message.
 */
int report_tree__print(FILE *f, const struct profile *fp, size_t type,
		       bool callee, const struct report_view *a);

#endif
