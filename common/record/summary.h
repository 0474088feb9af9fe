/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a sampling session says about itself when it ends: samples and
 * losses (with a lower -F to suggest), how whole the user, kernel, DWARF
 * and Python stacks were, the off-CPU counters, then the unsymbolized
 * frames.  Lines go to the FILE * given, each prefixed like lib/log.h's
 * ("ebprof record: ...") and silenced the same way (-q; debug lines with
 * -v).  Not here: the numbers themselves (recorder, sampler, python) or
 * what the caller prints around them.
 */
#ifndef EBPROF_SUMMARY_H
#define EBPROF_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "profile/profile.h"
#include "record/session.h"
#include "runtime/python.h"

/*
 * The summary of @s after its last profile @p (its distinct stacks are
 * counted), @secs long.
 */
void summary__print(FILE *f, struct session *s, const struct profile *p,
		    double secs);

/*
 * How whole the Python stacks were (nothing without Python processes);
 * with @details, also why the others were not.
 */
void summary__python(FILE *f, const struct python_stats *ps, bool details);

#endif
