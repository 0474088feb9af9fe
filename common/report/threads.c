// SPDX-License-Identifier: GPL-2.0
/*
 * `ebprof report --per-thread` (see threads.h): each thread's wall time
 * and its shares on CPU and off it, by state.  Not here: the sums
 * (profile/wallclock.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "profile/wallclock.h"
#include "report/threads.h"

int report_threads__print(FILE *f, const struct profile *fp,
			  const struct report_view *a)
{
	struct wallclock_thread *t;
	const char *unit;
	double scale;
	size_t n, i;

	if (profile__find_type(fp, "off_cpu") < 0) {
		pr_err("--per-thread needs a recording made with --off-cpu");
		return -EINVAL;
	}
	if (wallclock__threads(fp, &t, &n, &unit)) {
		pr_err("out of memory");
		return -ENOMEM;
	}
	scale = !strcmp(unit, "nanoseconds") ? 1e-6 : 1e-3;
	fprintf(f, "# ebprof report: wall time per thread (milliseconds), "
		"shares of each thread's wall time\n");
	fprintf(f, "#%-23s %8s %8s %11s %7s %8s %7s %8s\n", "thread", "pid",
		"tid", "wall ms", "cpu", "sleeping", "disk", "runnable");
	for (i = 0; i < n && (!a->max_rows || i < a->max_rows); i++) {
		double w = t[i].wall ? t[i].wall : 1;

		fprintf(f, " %-23s %8d %8d %11.1f %6.1f%% %7.1f%% %6.1f%% "
			"%7.1f%%\n", t[i].comm ? t[i].comm : "[unknown]",
			t[i].pid, t[i].tid, t[i].wall * scale,
			100 * t[i].cpu / w, 100 * t[i].off[0] / w,
			100 * t[i].off[1] / w, 100 * t[i].off[2] / w);
	}
	free(t);
	return 0;
}
