/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ranking table of `ebprof report`: functions (or other sort keys)
 * ranked by self or total share, as text, Markdown or JSON.  Not here:
 * computing the ranks (profile/report.c), call trees (tree.h),
 * comparisons (diff.h).
 */
#ifndef EBPROF_REPORT_RANK_H
#define EBPROF_REPORT_RANK_H

#include <stdio.h>

#include "profile/profile.h"
#include "report/view.h"

/*
 * Ranks @fp's value @type under @a's keys and prints the table in @a's
 * format to @f.  @input_total: the value before the filters (text says
 * when they dropped some).  0, or -errno after a message.
 */
int report_rank__print(FILE *f, const struct profile *fp, size_t type,
		       double input_total, const struct report_view *a);

#endif
