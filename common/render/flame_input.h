/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading `ebprof flame`'s inputs (folded stacks, pprof, gzip'd or not,
 * '-' for standard input) into a flame graph, as the new profile or as the
 * base of a differential graph, and what the reading found for the one
 * line said at the end.  Not here: options, drawing.
 */
#ifndef EBPROF_FLAME_INPUT_H
#define EBPROF_FLAME_INPUT_H

#include <stddef.h>

#include "render/flamegraph.h"

struct flame_input {
	unsigned int flags;		/* the graph's FG_* */
	const char *sample_type;	/* --sample-type, or NULL */
	/* found while reading: */
	char *base_type;	/* the type NEW was read as (pprof) */
	char *unit;		/* its unit, unless it counts samples */
	size_t cut;		/* stacks cut to PROFILE_MAX_DEPTH */
	size_t bad;		/* lines that did not parse */
	size_t first_line;	/* the first of them, in first_path */
	const char *first_path;
};

/*
 * Adds @inputs to @fg as NEW, then @bases as BASE (read as NEW's type).
 * 0, or -1 after a message.
 */
int flame_input__read_all(struct flamegraph *fg, struct flame_input *in,
			  char *const *inputs, size_t nr_inputs,
			  char *const *bases, size_t nr_bases);
void flame_input__release(struct flame_input *in);

#endif
