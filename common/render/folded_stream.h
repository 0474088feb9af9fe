/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Folded stacks streamed into a consumer without building a profile: the
 * fast path of flame graphs and the ordered path of flame charts.
 *
 * Text is read in chunks of a bounded size, so memory does not grow with
 * the input.  Within a chunk, lines are either kept in input order (flame
 * charts: the x axis is time) or sorted, which puts stacks with a common
 * prefix next to each other.  For every line the consumer is told how many
 * leading frames it shares with the previous line of the chunk and gets
 * only the frames after those, so a consumer that keeps the previous path
 * (flamegraph__add_shared()) looks up only what changed.
 *
 * The grammar is folded__read()'s (flamegraph.pl's): the count is the last
 * whitespace-separated token (a decimal allowed), frames split on ';', the
 * _[k] _[j] _[i] _[w] suffixes give the kind and are stripped.  Lines with
 * a NUL byte are not folded stacks.
 */
#ifndef EBPROF_FOLDED_STREAM_H
#define EBPROF_FOLDED_STREAM_H

#include <stdio.h>

#include "format/folded.h"
#include "render/flamegraph.h"

#define FOLDED_STREAM_SORT	0x1	/* sort lines within a chunk */

/*
 * Called for every stack: the first @same frames are those of the previous
 * call's stack (0 at the start of each chunk), @rest the frames after them
 * (valid during the call).
 */
typedef int (*folded_stream_fn)(size_t same, const struct fg_frame *rest,
				size_t nrest, double count, void *ctx);

/*
 * Calls @fn for each line of @head[0..headlen) followed by the rest of @f
 * (@head: bytes already read from @f, may be NULL); other non-blank lines
 * are counted in @st.  A stack deeper than PROFILE_MAX_DEPTH is cut as
 * profile__add() cuts it (counted in @st).  Returns 0, -errno (I/O,
 * ENOMEM, EFBIG after INPUT_MAX_BYTES) or @fn's first non-zero return.
 */
int folded_stream__read(FILE *f, const char *head, size_t headlen,
			unsigned int flags, folded_stream_fn fn, void *ctx,
			struct folded_stats *st);

/*
 * Splits one line (no newline) into @frames (grown as needed, *cap
 * entries) and its count.  Returns the depth, or -EINVAL / -ENOMEM.
 */
long folded_stream__parse(const char *line, size_t len,
			  struct fg_frame **frames, size_t *cap,
			  double *count);

#endif
