/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The output of `ebprof report --annotate SYMBOL`: the percent and samples
 * of each instruction of one function, like `perf annotate`, as text or
 * JSON.  Not here: the annotation itself (annotate.h, annotate_src.h).
 */
#ifndef EBPROF_REPORT_ANNOTATE_OUT_H
#define EBPROF_REPORT_ANNOTATE_OUT_H

#include <stdio.h>

#include "profile/profile.h"
#include "report/view.h"

/*
 * Annotates @symbol with @fp's value @type and prints it to @f in @a's
 * format (text or JSON).  0, or -errno after a message.
 */
int report_annotate__print(FILE *f, const struct profile *fp, size_t type,
			   const char *symbol, const struct report_view *a);

#endif
