/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `ebprof report --per-thread`: a table of the wall time of each thread
 * of an --off-cpu recording, and how much of it was on CPU, sleeping,
 * waiting for disk or runnable.  Not here: the sums (profile/wallclock.h).
 */
#ifndef EBPROF_REPORT_THREADS_H
#define EBPROF_REPORT_THREADS_H

#include <stdio.h>

#include "profile/profile.h"
#include "report/view.h"

/*
 * Prints the threads of @fp, largest wall time first, at most
 * @a->max_rows of them (0: all), to @f.  0, or -errno after a message
 * (-EINVAL: not an --off-cpu recording).
 */
int report_threads__print(FILE *f, const struct profile *fp,
			  const struct report_view *a);

#endif
