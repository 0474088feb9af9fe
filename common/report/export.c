// SPDX-License-Identifier: GPL-2.0
/*
 * `ebprof report -F folded|pprof` (see export.h): the filtered profile
 * written back out, folded stacks naming threads (or processes) in their
 * root frames when the samples carry them.  Not here: the writers
 * (format/folded.c, format/pprof.c), the output file (format/outfile.c).
 */
#include <stdio.h>
#include <string.h>

#include "format/folded.h"
#include "format/pprof.h"
#include "lib/log.h"
#include "report/export.h"

int report_profile__write(FILE *f, const struct profile *fp,
			  enum report_format fmt)
{
	unsigned int flags = 0;
	size_t i;
	int r;

	if (fmt == REPORT_FMT_PPROF) {
		r = pprof__write(fp, f);
	} else {
		for (i = 0; i < fp->nr_samples; i++) {
			if (fp->samples[i].labels.tid)
				flags |= FOLDED_PER_THREAD;
			else if (fp->samples[i].labels.pid)
				flags |= FOLDED_PER_PID;
		}
		if (flags & FOLDED_PER_THREAD)
			flags = FOLDED_PER_THREAD;
		r = folded__write(fp, f, flags);
	}
	if (r) {
		/* A failed write is told by the caller, with its errno. */
		if (!ferror(f))
			pr_err("cannot write %s: %s",
			       report_format__name(fmt), strerror(-r));
		return r;
	}
	return 0;
}
