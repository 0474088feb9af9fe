// SPDX-License-Identifier: GPL-2.0
/*
 * The table of workloads linked into ebprof (see selftest_wl.h).  Their
 * entry points are the renamed main() of each build of
 * tests/workloads/unwind_chains.c (mk/selftest.mk).
 *
 * Not here: the workloads themselves, or what the self-test expects of
 * their stacks.
 */
#include <string.h>

#include "selftest_wl.h"

int wl_unwind_chains_fp(int argc, char **argv);
int wl_unwind_chains_nofp(int argc, char **argv);

static const struct {
	const char *name;
	selftest_wl_fn main;
} workloads[] = {
	{ "unwind_chains-fp", wl_unwind_chains_fp },
	{ "unwind_chains-nofp", wl_unwind_chains_nofp },
};

selftest_wl_fn selftest_wl__find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		if (!strcmp(workloads[i].name, name))
			return workloads[i].main;
	return NULL;
}
