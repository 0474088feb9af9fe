/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the profile/ unit tests: a profile from folded text, its root frame
 * (comm-PID/TID) made into labels as report and live take it.
 */
#ifndef EBPROF_TEST_FROM_FOLDED_H
#define EBPROF_TEST_FROM_FOLDED_H

#include <stdio.h>
#include <string.h>

#include "format/folded.h"
#include "profile/report.h"

static inline struct profile *from_folded(const char *text)
{
	struct profile *raw = profile__new(), *p;
	struct folded_stats st = { 0 };
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	folded__read(raw, f, &st);
	fclose(f);
	p = report__comm_from_root(raw);
	profile__free(raw);
	return p;
}

#endif
