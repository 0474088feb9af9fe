// SPDX-License-Identifier: GPL-2.0
/*
 * The flame-graph SVG writer (see flamesvg.h).  Geometry follows the
 * classic flame graph: 10 px side margins, a title band on top, a details
 * line at the bottom, one row of frame_height px per stack level.  Output
 * is streamed box by box, so memory does not grow with the picture.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gen/flame_js.h"
#include "lib/utf8.h"
#include "render/flamesvg.h"

#define XPAD		10.0
#define FONT_WIDTH	0.59	/* average glyph width / font size */
#define MATCH_COLOR	"#e040e0"
#define AGG_COLOR	0xc8c8c8

void flamesvg__defaults(struct flamesvg_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->countname = "samples";
	o->width = 1200;
	o->frame_height = 16;
	o->fontsize = 12;
	o->minwidth = 0.1;
	o->palette = PAL_HOT;
}

size_t flamesvg__put_escaped(FILE *f, const char *str, size_t max)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t chars = 0;

	while (*s) {
		uint32_t cp;
		size_t n = utf8__decode(s, &cp);

		if (!n) {		/* invalid: one byte, shown as U+FFFD */
			cp = 0xfffd;
			n = 1;
		}

		if (f && chars < max) {
			/* XML 1.0 allows neither C0 controls nor U+FFFE/F. */
			if (cp < 0x20 || cp == 0xfffe || cp == 0xffff ||
			    (cp == 0xfffd && n == 1))
				fputs("\xef\xbf\xbd", f);
			else if (cp == '&')
				fputs("&amp;", f);
			else if (cp == '<')
				fputs("&lt;", f);
			else if (cp == '>')
				fputs("&gt;", f);
			else if (cp == '"')
				fputs("&quot;", f);
			else if (cp == '\'')
				fputs("&#39;", f);
			else
				fwrite(s, 1, n, f);
		}
		chars++;
		s += n;
	}
	return chars;
}

void flamesvg__fmt_count(char *buf, size_t size, double v)
{
	char tmp[64];
	size_t i, j = 0, digits, start;

	if (!isfinite(v) || fabs(v) >= 1e18) {
		snprintf(buf, size, "%g", v);
		return;
	}
	/* "%lld" prints what "%.0f" would, without the floating point. */
	if (fabs(v - llround(v)) < 1e-9)
		snprintf(tmp, sizeof(tmp), "%lld", llround(v));
	else
		snprintf(tmp, sizeof(tmp), "%.2f", v);
	start = tmp[0] == '-';
	digits = strcspn(tmp + start, ".");
	for (i = 0; tmp[i] && j + 2 < size; i++) {
		if (i > start && i < start + digits &&
		    (start + digits - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = tmp[i];
	}
	buf[j] = '\0';
}

/*
 * A coordinate with one decimal, without a useless ".0": "%.1f", which is
 * most of the time spent writing large graphs, so done here in integers
 * when @v is the double nearest to some k/10, as round1()'s results are.
 * "%.1f" then prints exactly k/10: @v is within half a unit in the last
 * place of it, far less than the 0.05 that would round elsewhere.
 */
static void put_num(FILE *f, double v)
{
	char b[48], *p = b + sizeof(b);
	long long k;
	unsigned long long u;
	int n;

	if (fabs(v) < 1e13) {
		k = llround(v * 10);
		if ((double)k / 10 == v && !(k == 0 && signbit(v))) {
			u = k < 0 ? -(unsigned long long)k : (unsigned long long)k;
			*--p = '\0';
			if (u % 10) {
				*--p = '0' + u % 10;
				*--p = '.';
			}
			u /= 10;
			do {
				*--p = '0' + u % 10;
				u /= 10;
			} while (u);
			if (k < 0)
				*--p = '-';
			fputs(p, f);
			return;
		}
	}
	n = snprintf(b, sizeof(b), "%.1f", v);
	if (n > 2 && b[n - 2] == '.' && b[n - 1] == '0')
		b[n - 2] = '\0';
	fputs(b, f);
}

static double round1(double v)
{
	return floor(v * 10 + 0.5) / 10;
}

struct svgw {
	FILE *f;
	const struct flamesvg_opts *o;
	struct palette_state ps;
	char *countname;	/* escaped */
	double scale;		/* px per sample */
	double ypad1, y0;	/* y of the top band's end, of depth 0 */
	double total, base_total, maxdelta;
	bool diff;
};

static void put_label(struct svgw *w, const char *name, double px)
{
	const struct flamesvg_opts *o = w->o;
	long chars = lrint(floor(px / (o->fontsize * FONT_WIDTH)));
	size_t len;

	if (chars < 3)
		return;
	len = flamesvg__put_escaped(NULL, name, 0);
	if (len <= (size_t)chars) {
		flamesvg__put_escaped(w->f, name, SIZE_MAX);
	} else {
		flamesvg__put_escaped(w->f, name, chars - 2);
		fputs("..", w->f);
	}
}

static void put_details(struct svgw *w, const struct fg_box *b)
{
	char n1[64], n2[64];
	double p_new = w->total > 0 ? 100 * b->value / w->total : 0;
	double p_base = w->base_total > 0 ?
		100 * b->base_raw / w->base_total : 0;

	flamesvg__fmt_count(n1, sizeof(n1), b->value);
	flamesvg__fmt_count(n2, sizeof(n2), b->base_raw);
	if (!w->diff) {
		fprintf(w->f, "%s %s, %.2f%%", n1, w->countname, p_new);
	} else if (b->flags & FG_BOX_VANISHED) {
		fprintf(w->f, "vanished; base %s %s, %.2f%%; %+.2f pp", n2,
			w->countname, p_base, p_new - p_base);
	} else {
		fprintf(w->f, "%s %s, %.2f%%; base %s, %.2f%%; %+.2f pp", n1,
			w->countname, p_new, n2, p_base, p_new - p_base);
	}
}

static uint32_t box_color(struct svgw *w, const struct fg_box *b)
{
	if (b->flags & FG_BOX_AGGREGATE)
		return AGG_COLOR;
	if (w->diff)
		return palette__diff(w->maxdelta > 0 ?
				     (b->value - b->base) / w->maxdelta : 0);
	return palette__color(&w->ps, b->name, b->kind);
}

static int put_box(const struct fg_box *b, void *ctx)
{
	struct svgw *w = ctx;
	const struct flamesvg_opts *o = w->o;
	FILE *f = w->f;
	double x1 = round1(XPAD + b->x * w->scale);
	double x2 = round1(XPAD + (b->x + b->width) * w->scale);
	double y = o->inverted ? w->ypad1 + b->depth * o->frame_height :
		w->y0 - b->depth * o->frame_height;
	char agg[64];
	const char *name = b->name;

	if (b->flags & FG_BOX_AGGREGATE) {
		snprintf(agg, sizeof(agg), "[%zu narrow frames]",
			 b->nr_merged);
		name = agg;
	}
	if (b->flags & FG_BOX_AGGREGATE)
		fputs("<g class=\"agg\">", f);
	else if (b->flags & FG_BOX_VANISHED)
		fputs("<g class=\"van\">", f);
	else
		fputs("<g>", f);
	fputs("<title>", f);
	flamesvg__put_escaped(f, name, SIZE_MAX);
	fputs(" (", f);
	put_details(w, b);
	fputs(")</title><rect x=\"", f);
	put_num(f, x1);
	fputs("\" y=\"", f);
	put_num(f, y);
	fputs("\" width=\"", f);
	put_num(f, x2 - x1);
	fputs("\" height=\"", f);
	put_num(f, o->frame_height - 1);
	if ((b->flags & FG_BOX_VANISHED) && !(b->flags & FG_BOX_AGGREGATE))
		fputs("\" fill=\"url(#van)\"/>", f);
	else
		fprintf(f, "\" fill=\"#%06x\"/>", box_color(w, b));
	if (floor((x2 - x1) / (o->fontsize * FONT_WIDTH)) >= 3) {
		fputs("<text x=\"", f);
		put_num(f, x1 + 3);
		fputs("\" y=\"", f);
		put_num(f, round1(y + (o->frame_height - 1) / 2 +
				  o->fontsize * 0.35));
		fputs("\">", f);
		put_label(w, name, x2 - x1);
		fputs("</text>", f);
	}
	fputs("</g>\n", f);
	return ferror(f) ? -EIO : 0;
}

static int max_delta(const struct fg_box *b, void *ctx)
{
	struct svgw *w = ctx;
	double d = fabs(b->value - b->base);

	if (d > w->maxdelta)
		w->maxdelta = d;
	return 0;
}

static const char *default_title(const struct flamesvg_opts *o, bool diff)
{
	if (o->flamechart)
		return "Flame Chart";
	if (diff)
		return o->inverted ? "Differential Icicle Graph" :
			"Differential Flame Graph";
	return o->inverted ? "Icicle Graph" : "Flame Graph";
}

static void put_header(struct svgw *w, double height, bool empty)
{
	const struct flamesvg_opts *o = w->o;
	FILE *f = w->f;
	double top = o->fontsize * 2;
	double bottom = height - o->fontsize - 3;
	double right = o->width - XPAD;
	const char *sub = o->subtitle;

	if (!sub && w->diff && !empty)
		sub = "red: grew, blue: shrank, hatched: vanished since base";
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\" "
		   "standalone=\"no\"?>\n"
		   "<svg version=\"1.1\" width=\"%g\" height=\"%g\" "
		   "viewBox=\"0 0 %g %g\" "
		   "xmlns=\"http://www.w3.org/2000/svg\">\n"
		   "<!-- written by ebprof flame: hover for details, click "
		   "to zoom, Ctrl-F to search -->\n",
		o->width, height, o->width, height);
	fprintf(f, "<defs>\n"
		   "<linearGradient id=\"bg\" x1=\"0\" y1=\"0\" x2=\"0\" "
		   "y2=\"1\"><stop stop-color=\"#eeeeee\" offset=\"5%%\"/>"
		   "<stop stop-color=\"%s\" offset=\"95%%\"/>"
		   "</linearGradient>\n"
		   "<pattern id=\"van\" width=\"6\" height=\"6\" "
		   "patternUnits=\"userSpaceOnUse\" "
		   "patternTransform=\"rotate(45)\"><rect width=\"6\" "
		   "height=\"6\" fill=\"#dcdcf0\"/><rect width=\"2\" "
		   "height=\"6\" fill=\"#6a6aa8\"/></pattern>\n"
		   "</defs>\n",
		w->diff ? "#e0e0ff" : "#eeeeb0");
	fprintf(f, "<style type=\"text/css\">\n"
		   "text { font-family: Verdana, sans-serif; "
		   "font-size: %gpx; fill: #000; }\n"
		   "#title { text-anchor: middle; font-size: %gpx; }\n"
		   "#subtitle { text-anchor: middle; fill: #808080; }\n"
		   "#matched, #search, #ignorecase { text-anchor: end; }\n"
		   "#frames text { pointer-events: none; }\n"
		   "#frames g:hover rect { stroke: #000; stroke-width: 0.5; "
		   "cursor: pointer; }\n"
		   ".van rect { stroke: #6a6aa8; stroke-dasharray: 2 1; }\n"
		   ".agg rect { stroke: #909090; }\n"
		   ".cur rect { stroke: #000; stroke-width: 2; }\n"
		   ".parent { opacity: 0.5; }\n"
		   ".hide { display: none; }\n"
		   ".button { cursor: pointer; fill: #404040; }\n"
		   ".button:hover { fill: #000; text-decoration: "
		   "underline; }\n"
		   "#ignorecase.on { fill: " MATCH_COLOR "; "
		   "font-weight: bold; }\n"
		   "</style>\n",
		o->fontsize, o->fontsize + 5);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%g\" height=\"%g\" "
		   "fill=\"url(#bg)\"/>\n", o->width, height);
	fprintf(f, "<text id=\"title\" x=\"%g\" y=\"%g\">", o->width / 2,
		top);
	flamesvg__put_escaped(f, o->title ? o->title :
			      default_title(o, w->diff), SIZE_MAX);
	fputs("</text>\n", f);
	if (sub) {
		fprintf(f, "<text id=\"subtitle\" x=\"%g\" y=\"%g\">",
			o->width / 2, top + o->fontsize * 1.5);
		flamesvg__put_escaped(f, sub, SIZE_MAX);
		fputs("</text>\n", f);
	}
	if (empty) {
		fprintf(f, "<text id=\"details\" x=\"%g\" y=\"%g\" "
			   "style=\"text-anchor: middle\">No samples in the "
			   "input</text>\n</svg>\n", o->width / 2,
			height / 2 + o->fontsize);
		return;
	}
	fprintf(f, "<text id=\"unzoom\" class=\"button hide\" x=\"%g\" "
		   "y=\"%g\">Reset Zoom</text>\n", XPAD, top);
	fprintf(f, "<text id=\"search\" class=\"button\" x=\"%g\" "
		   "y=\"%g\">Search</text>\n", right - 4.5 * o->fontsize, top);
	fprintf(f, "<text id=\"prev\" class=\"button hide\" x=\"%g\" "
		   "y=\"%g\">&#9664;</text>\n", right - 4 * o->fontsize, top);
	fprintf(f, "<text id=\"next\" class=\"button hide\" x=\"%g\" "
		   "y=\"%g\">&#9654;</text>\n", right - 2.8 * o->fontsize,
		top);
	fprintf(f, "<text id=\"ignorecase\" class=\"button\" x=\"%g\" "
		   "y=\"%g\">ic</text>\n", right, top);
	fprintf(f, "<text id=\"details\" x=\"%g\" y=\"%g\"> </text>\n",
		XPAD, bottom);
	fprintf(f, "<text id=\"matched\" x=\"%g\" y=\"%g\"> </text>\n",
		right, bottom);
}

static char *escape_dup(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	flamesvg__put_escaped(m, s, SIZE_MAX);
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Narrowest frame drawn, in samples: -m, raised to FLAMESVG_MAX_FRAMES. */
static double min_samples(const struct flamegraph *fg,
			  const struct flamesvg_opts *o, double total_w,
			  double scale, size_t *dropped)
{
	double minw = o->minwidth_pct ? total_w * o->minwidth / 100 :
		      o->minwidth / scale;
	size_t n;

	minw = flamegraph__cap_minwidth(fg, minw, FLAMESVG_MAX_FRAMES, &n);
	if (dropped)
		*dropped = n;
	return minw;
}

size_t flamesvg__dropped(const struct flamegraph *fg,
			 const struct flamesvg_opts *o)
{
	double total_w = flamegraph__width(fg);
	size_t n = 0;

	if (total_w > 0)
		min_samples(fg, o, total_w, (o->width - 2 * XPAD) / total_w,
			    &n);
	return n;
}

int flamesvg__write(FILE *f, const struct flamegraph *fg,
		    const struct flamesvg_opts *o)
{
	struct svgw w = { .f = f, .o = o };
	double total_w = flamegraph__width(fg), minw, height, ypad2;
	uint32_t depth;
	int err = 0;

	w.total = flamegraph__total(fg);
	w.base_total = flamegraph__base_total(fg);
	w.diff = flamegraph__is_diff(fg);
	palette__init(&w.ps, o->palette, o->hash);
	w.countname = escape_dup(o->countname ? o->countname : "samples");
	if (!w.countname)
		return -ENOMEM;
	w.ypad1 = o->fontsize * 3 + (o->subtitle || w.diff ?
				     o->fontsize * 1.5 : 0);
	ypad2 = o->fontsize * 2 + 10;
	if (!(total_w > 0)) {
		height = w.ypad1 + ypad2 + o->frame_height * 2;
		put_header(&w, height, true);
		goto out;
	}
	w.scale = (o->width - 2 * XPAD) / total_w;
	minw = min_samples(fg, o, total_w, w.scale, NULL);
	depth = flamegraph__max_depth(fg, minw);
	height = w.ypad1 + ypad2 + (depth + 1.0) * o->frame_height;
	w.y0 = height - ypad2 - o->frame_height;
	if (w.diff) {
		err = flamegraph__layout(fg, minw, max_delta, &w);
		if (err)
			goto out;
	}
	put_header(&w, height, false);
	fputs("<g id=\"frames\">\n", f);
	err = flamegraph__layout(fg, minw, put_box, &w);
	if (err)
		goto out;
	fputs("</g>\n<script type=\"text/ecmascript\"><![CDATA[\n", f);
	fprintf(f, "var fg_cfg = { width: %g, xpad: %g, fh: %g, y0: %g, "
		   "inverted: %d, fontsize: %g, fontwidth: %g, "
		   "match: \"%s\" };\n", o->width, XPAD, o->frame_height,
		o->inverted ? w.ypad1 : w.y0, o->inverted ? 1 : 0,
		o->fontsize, FONT_WIDTH, MATCH_COLOR);
	fputs(flame_js, f);
	fputs("]]></script>\n</svg>\n", f);
out:
	free(w.countname);
	if (!err && (fflush(f) || ferror(f)))
		err = -EIO;
	return err;
}
