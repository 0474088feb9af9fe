// SPDX-License-Identifier: GPL-2.0
/*
 * The names of report's output formats (see view.h).  Not here: what each
 * format looks like (the renderers).
 */
#include <string.h>

#include "report/view.h"

static const char *const fmt_names[] = {
	[REPORT_FMT_TEXT] = "text", [REPORT_FMT_JSON] = "json",
	[REPORT_FMT_MARKDOWN] = "markdown", [REPORT_FMT_FOLDED] = "folded",
	[REPORT_FMT_PPROF] = "pprof",
};

int report_format__parse(const char *name)
{
	size_t k;

	for (k = 0; k < sizeof(fmt_names) / sizeof(*fmt_names); k++)
		if (!strcmp(name, fmt_names[k]))
			return (int)k;
	return -1;
}

const char *report_format__name(enum report_format fmt)
{
	return fmt_names[fmt];
}
