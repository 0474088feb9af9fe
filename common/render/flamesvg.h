/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flame-graph SVG writer: boxes from flamegraph.h become rectangles,
 * labels and tooltips in one self-contained SVG (styles and the script of
 * flame.js inline, no external resource), streamed to a FILE.  Every name
 * is escaped for XML and made valid UTF-8.
 */
#ifndef EBPROF_FLAMESVG_H
#define EBPROF_FLAMESVG_H

#include <stdbool.h>
#include <stdio.h>

#include "render/flamegraph.h"
#include "render/palette.h"

struct flamesvg_opts {
	const char *title;	/* NULL: by mode ("Flame Graph", ...) */
	const char *subtitle;	/* NULL: none (a legend for diffs) */
	const char *countname;	/* "samples" */
	double width;		/* image width, px */
	double frame_height;	/* px */
	double fontsize;	/* px */
	double minwidth;	/* px, or percent with minwidth_pct */
	bool minwidth_pct;
	enum palette palette;
	bool hash;		/* colour by name hash */
	bool inverted;		/* icicle: root at the top */
	bool flamechart;	/* for the default title */
};

void flamesvg__defaults(struct flamesvg_opts *o);

/*
 * Most frames drawn (about 110 bytes of SVG each).  Beyond, the narrowest
 * are merged as if -m were larger, whatever the input describes.
 */
#define FLAMESVG_MAX_FRAMES 500000

/* Frames wide enough for -m that FLAMESVG_MAX_FRAMES left out. */
size_t flamesvg__dropped(const struct flamegraph *fg,
			 const struct flamesvg_opts *o);

/*
 * Writes @fg (finished) as SVG.  A graph without samples is still a valid
 * SVG that says so.  0 or -errno (-EIO on write errors, -ENOMEM).
 */
int flamesvg__write(FILE *f, const struct flamegraph *fg,
		    const struct flamesvg_opts *o);

/*
 * Appends @s to @f as XML character data: & < > " ' become references,
 * invalid UTF-8, control characters and non-characters become U+FFFD.  At
 * most @max characters (code points) are written.  Returns the number of
 * characters @s has in total after that cleaning.
 */
size_t flamesvg__put_escaped(FILE *f, const char *s, size_t max);

/* Formats @v with thousands separators ("1,234,567", "1,234.50"). */
void flamesvg__fmt_count(char *buf, size_t size, double v);

#endif
