/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `ebprof report`'s renderers are told: the output format, the sort
 * keys and order, the row and percent limits, the inputs the JSON names,
 * and the thresholds of the regression gate.  cmd/report.c fills it from
 * its options; the renderers (rank.c, tree.c, diff.c, threads.c,
 * annotate_out.c, export.c) only read it.  Not here: option parsing.
 */
#ifndef EBPROF_REPORT_VIEW_H
#define EBPROF_REPORT_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "profile/report.h"

enum report_format {
	REPORT_FMT_TEXT, REPORT_FMT_JSON, REPORT_FMT_MARKDOWN,
	REPORT_FMT_FOLDED, REPORT_FMT_PPROF,
};

struct report_view {
	struct report_keys keys;
	bool by_total;		/* rank by total rather than self share */
	double limit;		/* --percent-limit; < 0: not given */
	size_t max_rows;	/* 0: all */
	enum report_format fmt;
	char *const *inputs;	/* the recordings, as named */
	size_t nr_inputs;
	char *const *bases;	/* the base recordings of a comparison */
	size_t nr_bases;
	double fail_pct;	/* regression gate in points; < 0: no gate */
	double min_samples, alpha;	/* the gate's noise floor */
};

/* "text", "json", ... -> the format; -1 for a name that is none. */
int report_format__parse(const char *name);
const char *report_format__name(enum report_format fmt);

#endif
