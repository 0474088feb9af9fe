// SPDX-License-Identifier: GPL-2.0
/*
 * The recordings `ebprof report` reads (see inputs.h): merged into one
 * profile, with folded files' root frames moved into the labels and the
 * wall-clock views added, and the sample type to report picked.  Warnings
 * and errors go to the log.  Not here: reading one file in its format
 * (format/input.c), the filters (profile/report.c).
 */
#include <string.h>

#include "format/input.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "profile/report.h"
#include "profile/wallclock.h"
#include "report/inputs.h"

/*
 * Reads and merges @paths.  Folded files name the thread in their root
 * frame: it moves into the samples' labels, as pprof input has it.
 */
struct profile *report_inputs__load(char *const *paths, size_t n)
{
	struct profile *all = profile__new();
	size_t i, stdin_uses = 0;

	if (!all) {
		pr_err("out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		struct profile *one = profile__new(), *norm = NULL;
		struct input_stats st;
		char why[256] = "";
		int r;

		if (!strcmp(paths[i], "-") && ++stdin_uses > 1) {
			pr_err("standard input ('-') given twice");
			goto fail_one;
		}
		if (!one) {
			pr_err("out of memory");
			goto fail_one;
		}
		r = input__read(one, paths[i], &st, why, sizeof(why));
		if (r) {
			pr_err("cannot read '%s': %s", paths[i], why);
			goto fail_one;
		}
		if (st.format == INPUT_FOLDED && st.bad_lines)
			pr_warn("'%s': %zu line%s not in folded format "
				"(first: line %zu)", paths[i], st.bad_lines,
				st.bad_lines == 1 ? " is" : "s are",
				st.first_bad);
		if (one->cut_stacks)
			pr_warn("'%s': cut %zu stack%s deeper than %d frames "
				"(the frames in the middle are replaced by "
				"'%s')", paths[i], one->cut_stacks,
				one->cut_stacks == 1 ? "" : "s",
				PROFILE_MAX_DEPTH, PROFILE_CUT_FRAME);
		if (st.format == INPUT_FOLDED) {
			norm = report__comm_from_root(one);
			if (!norm) {
				pr_err("out of memory");
				goto fail_one;
			}
		}
		if (profile__merge(all, norm ? norm : one)) {
			pr_err("out of memory");
			profile__free(norm);
			goto fail_one;
		}
		profile__free(norm);
		profile__free(one);
		if (i + 1 == n && wallclock__add_views(all) < 0) {
			pr_err("out of memory");
			profile__free(all);
			return NULL;
		}
		continue;
fail_one:
		profile__free(one);
		profile__free(all);
		return NULL;
	}
	return all;
}

/* Index of the sample type to report, or -1 after a message. */
int report_inputs__type(const struct profile *p, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int t;

	if (!name)
		return (int)p->default_type;
	t = profile__find_type(p, wallclock__type_name(name));
	if (t >= 0)
		return t;
	for (i = 0; i < p->nr_types; i++)
		strbuf__addf(&sb, "%s%s", i ? ", " : "", p->types[i].type);
	pr_err("no sample type '%s' in the input (it has: %s)", name,
	       sb.buf ? sb.buf : "none");
	strbuf__release(&sb);
	return -1;
}
