/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Debug files from debuginfod servers, by build id, through libdebuginfod
 * (the elfutils client: its cache, its DEBUGINFOD_* environment).  Used
 * after sampling stops, for the sampled modules that still lack symbols:
 * fetched in parallel, within a total time bound, so that a slow or dead
 * server never delays a recording by more than that.  Not here: choosing
 * the servers (DEBUGINFOD_URLS, set by the command) or reading the files
 * (elf_syms.c).
 */
#ifndef EBPROF_DEBUGINFOD_H
#define EBPROF_DEBUGINFOD_H

#include <stddef.h>

#include "sample/proc_maps.h"
#include "symbol/symbolizer.h"

/* Bound on the whole fetch, and on servers that do not answer at all. */
#define DEBUGINFOD_TOTAL_SECONDS 30.0
#define DEBUGINFOD_ANSWER_SECONDS 4.0

struct debuginfod_fetch {
	const char *build_id;	/* hex */
	char *path;		/* the cached debug file, or NULL */
	int err;		/* 0 or a positive errno: ENOENT, ETIME, ... */
};

/*
 * Fetches the debug files of @n build ids in parallel, giving up on all
 * after @seconds.  Shows a progress line on stderr when it is a terminal
 * (and not -q).  Fills @f[i].path / .err; returns how many were fetched.
 */
size_t debuginfod__fetch(struct debuginfod_fetch *f, size_t n,
			 double seconds);

/*
 * For every module of @pm that @sym resolved addresses in (so: sampled),
 * that has a build id and no symbols but .dynsym's, fetches its debug file
 * and gives it to the symbolizer.  Says on stderr (pr_info) what was
 * fetched and what was not.  Returns how many modules gained symbols.
 */
size_t debuginfod__resolve(struct proc_maps *pm, struct symbolizer *sym);

#endif
