/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Folded stacks (FlameGraph's format): `root;...;leaf COUNT` a line.
 * The reader accepts exactly what flamegraph.pl accepts; the writer
 * produces what flamegraph.pl and every stackcollapse-* consumer read.
 */
#ifndef EBPROF_FOLDED_H
#define EBPROF_FOLDED_H

#include <stdio.h>

#include "profile/profile.h"

struct folded_stats {
	size_t lines;		/* lines read, blank ones included */
	size_t bad;		/* lines that did not parse */
	size_t first_bad;	/* line number of the first of them, or 0 */
	size_t cut;		/* stacks cut to PROFILE_MAX_DEPTH */
};

/*
 * Adds every line of @f to @p: frames become name-only frames whose kind
 * comes from their _[k] _[j] _[i] _[w] suffix (stripped), the count goes to
 * the default sample type.  Returns 0 or -errno (I/O, ENOMEM); lines that do
 * not parse are only counted in @st.
 */
int folded__read(struct profile *p, FILE *f, struct folded_stats *st);

/*
 * Splits the trailing count off line[0..*len) as flamegraph.pl does
 * (`^(.*)\s+?(\d+(?:\.\d*)?)$`): *len becomes the stack's length, white
 * space before the count excluded.  0, or -1 when there is no count.
 */
int folded__split_count(const char *line, size_t *len, double *count);

/* Parses one line (no newline); 0 or -EINVAL, -ENOMEM. */
int folded__parse_line(struct profile *p, char *line, size_t len);

#define FOLDED_PER_PID		0x1	/* root frame "comm-PID" */
#define FOLDED_PER_THREAD	0x2	/* root frame "comm-PID/TID" */
#define FOLDED_PER_CONTAINER	0x4	/* a root frame above the thread: the
					 * container's name, else "[host]" */

/*
 * Writes @p's default sample type as folded lines, sorted, identical
 * lines merged, zero counts left out.  The root frame is the sample's
 * thread name (or process name) when it has one.  0 or -errno.
 */
int folded__write(const struct profile *p, FILE *f, unsigned int flags);

/*
 * Appends @name to @buf made safe for the format: ';' becomes ':', control
 * characters become '?' (they would break lines).
 */
struct strbuf;
int folded__escape_name(struct strbuf *buf, const char *name);

#endif
