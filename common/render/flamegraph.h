/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frame tree behind flame graphs: stacks merged into a tree of frames
 * (or, for flame charts, merged only with the previous stack), laid out as
 * boxes on an axis of samples.  Knows nothing about SVG or colours: the
 * writer (flamesvg.c) turns boxes into pixels.
 *
 * Layout rules:
 *  - Children are ordered by name (input order for flame charts).
 *  - Children narrower than the minimum width are not drawn one by one:
 *    they become one aggregate box per parent, placed after the visible
 *    children, so children's widths always add up to their parent's.
 *  - Differential trees carry a NEW and a BASE value per frame.  A box is
 *    as wide as NEW, plus room for the paths that vanished in NEW: a frame
 *    whose NEW value is 0 is drawn with its (normalised) BASE width, and
 *    every ancestor grows by that much, so vanished code is still visible.
 */
#ifndef EBPROF_FLAMEGRAPH_H
#define EBPROF_FLAMEGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile/profile.h"

#define FG_FLAMECHART	0x1	/* input order, merge only adjacent */
#define FG_REVERSE	0x2	/* leaf first: stacks are reversed */

struct flamegraph;

/* One frame of a stack being added: a name (not NUL-terminated) and kind. */
struct fg_frame {
	const char *name;
	size_t len;
	uint8_t kind;		/* enum pf_kind */
};

struct flamegraph *flamegraph__new(unsigned int flags);
void flamegraph__free(struct flamegraph *fg);

/*
 * Adds a stack (root first, before any FG_REVERSE) with @value samples of
 * NEW and @base samples of BASE.  0 or -ENOMEM.
 */
int flamegraph__add(struct flamegraph *fg, const struct fg_frame *frames,
		    size_t depth, double value, double base);

/*
 * The fast way to add a stack when the caller knows it begins with the
 * first @same frames of the previous stack added (see folded_stream.h):
 * only the frames in @rest, which follow those, are looked up.  Not with
 * FG_REVERSE (-EINVAL).  0 or -ENOMEM.
 */
int flamegraph__add_shared(struct flamegraph *fg, size_t same,
			   const struct fg_frame *rest, size_t nrest,
			   double value, double base);

/*
 * Adds every sample of @p, value type @type, to NEW (or BASE when @base).
 * A sample's thread name (or process name) becomes its root frame, as in
 * folded output.  0 or -ENOMEM.
 */
int flamegraph__add_profile(struct flamegraph *fg, const struct profile *p,
			    size_t type, bool base);

/* Totals of NEW and BASE over all stacks. */
double flamegraph__total(const struct flamegraph *fg);
double flamegraph__base_total(const struct flamegraph *fg);
/* Does the tree have any BASE values (a differential graph)? */
bool flamegraph__is_diff(const struct flamegraph *fg);

/*
 * Sums the values up the tree (once) and computes the display widths.
 * With @normalize, BASE values are scaled so that BASE's total equals
 * NEW's.  Call after the last add, before the functions below.  0 or
 * -ENOMEM.
 */
int flamegraph__finish(struct flamegraph *fg, bool normalize);

/* Width of the whole graph in samples (NEW plus vanished room). */
double flamegraph__width(const struct flamegraph *fg);

#define FG_BOX_AGGREGATE	0x1	/* several narrow frames as one */
#define FG_BOX_VANISHED		0x2	/* in BASE only */
#define FG_BOX_ROOT		0x4	/* the "all" frame */

struct fg_box {
	const char *name;	/* NUL-terminated; NULL for aggregates */
	uint8_t kind;
	unsigned int flags;	/* FG_BOX_* */
	uint32_t depth;		/* 0: the root */
	double x, width;	/* on the sample axis, from the left */
	double value;		/* NEW samples */
	double base;		/* BASE samples, normalised when asked */
	double base_raw;	/* BASE samples as read */
	size_t nr_merged;	/* frames in an aggregate */
};

/*
 * The width (samples) from which at most @max frames are drawn, @minwidth
 * or more: a small input (a few KB of gzip) can describe millions of
 * frames wide enough to draw.  *dropped: frames left out by the raise.
 */
double flamegraph__cap_minwidth(const struct flamegraph *fg, double minwidth,
				size_t max, size_t *dropped);

/* Deepest depth that flamegraph__layout() will emit for @minwidth. */
uint32_t flamegraph__max_depth(const struct flamegraph *fg, double minwidth);

typedef int (*fg_box_fn)(const struct fg_box *box, void *ctx);

/*
 * Calls @fn for every box to draw, in pre-order (a frame, then the boxes
 * of its subtree, the aggregate last), for boxes at least @minwidth
 * samples wide.  Stops at the first non-zero return of @fn and returns it;
 * otherwise 0 or -ENOMEM.
 */
int flamegraph__layout(const struct flamegraph *fg, double minwidth,
		       fg_box_fn fn, void *ctx);

#endif
