/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `ebprof report --base BASE NEW`: the shares of the base and the new
 * recording compared row by row, and the regression gate CI runs on them
 * (--fail-on-regression, with a noise floor).  Not here: the statistics
 * (profile/report.c), reading the recordings (inputs.h), the exit
 * status (cmd/report.c).
 */
#ifndef EBPROF_REPORT_DIFF_H
#define EBPROF_REPORT_DIFF_H

#include <stdbool.h>
#include <stdio.h>

#include "profile/profile.h"
#include "report/view.h"

/*
 * Ranks the filtered base @fbase (value @bt) and new @fp (value @type)
 * under @a's keys, compares them and prints the comparison to @f in @a's
 * format; each regression is also a warning.  *@failed: the gate is on
 * (@a->fail_pct >= 0) and found regressions.  0, or -errno after a
 * message (-ENODATA: no samples left after the filters).
 */
int report_compare__print(FILE *f, const struct profile *fbase, size_t bt,
			  const struct profile *fp, size_t type,
			  const struct report_view *a, bool *failed);

#endif
