/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recordings `ebprof report` reads: any number of files (folded,
 * pprof, gzip'd or not, '-' once for standard input) merged into one
 * profile, and the sample type to report.  Not here: reading one file
 * (format/input.h), filtering and ranking (profile/report.h).
 */
#ifndef EBPROF_REPORT_INPUTS_H
#define EBPROF_REPORT_INPUTS_H

#include <stddef.h>

#include "profile/profile.h"

/*
 * Reads and merges @paths[0, @n).  Folded files name the thread in their
 * root frame: it moves into the samples' labels, as pprof input has it;
 * wall-clock recordings get their cpu / off_cpu / wall views.  Lines not
 * in folded format and stacks cut for depth are warned about.  NULL after
 * a message.
 */
struct profile *report_inputs__load(char *const *paths, size_t n);
/*
 * Index of the sample type @name ("off-cpu" and "off_cpu" alike) in @p, or
 * @p's default type when @name is NULL; -1 after a message naming the
 * types there are.
 */
int report_inputs__type(const struct profile *p, const char *name);

#endif
