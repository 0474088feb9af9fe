/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `ebprof report -F folded|pprof`: the profile the filters left, written
 * in a format other tools (and ebprof flame) read.  Not here: the writers
 * themselves (format/folded.h, format/pprof.h).
 */
#ifndef EBPROF_REPORT_EXPORT_H
#define EBPROF_REPORT_EXPORT_H

#include <stdio.h>

#include "profile/profile.h"
#include "report/view.h"

/*
 * Writes @fp to @f as pprof, or as folded stacks (@fmt REPORT_FMT_FOLDED)
 * with the thread, else the process, of each sample in its root frame
 * when the samples carry them.  0, or -errno; a message unless @f's error
 * flag is set (a failed write, which the caller reports).
 */
int report_profile__write(FILE *f, const struct profile *fp,
			  enum report_format fmt);

#endif
