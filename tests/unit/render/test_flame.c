// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the flame-graph pieces: the frame tree and its layout
 * (merging, order, min-width aggregation, differential widths, flame
 * charts, reversal), the ordered folded reader, XML escaping, number
 * formatting and palettes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format/folded.h"
#include "render/flamegraph.h"
#include "render/flamesvg.h"
#include "render/folded_stream.h"
#include "render/palette.h"
#include "test.h"

#define MAX_BOXES 64

struct boxes {
	struct fg_box b[MAX_BOXES];
	char names[MAX_BOXES][32];
	size_t n;
};

static int collect(const struct fg_box *b, void *ctx)
{
	struct boxes *bx = ctx;

	if (bx->n == MAX_BOXES)
		return -1;
	bx->b[bx->n] = *b;
	snprintf(bx->names[bx->n], sizeof(bx->names[0]), "%s",
		 b->name ? b->name : "*agg*");
	bx->b[bx->n].name = bx->names[bx->n];
	bx->n++;
	return 0;
}

/* Adds the stacks of folded text to @fg, as folded_stream hands them. */
static int add_line(size_t same, const struct fg_frame *rest, size_t nrest,
		    double count, void *ctx)
{
	return flamegraph__add_shared(ctx, same, rest, nrest, count, 0);
}

/* The same through flamegraph__add(), a whole stack at a time. */
static int add_whole(const struct fg_frame *fr, size_t depth, double count,
		     void *ctx)
{
	return flamegraph__add(ctx, fr, depth, count, 0);
}

static struct flamegraph *graph(const char *text, unsigned int flags)
{
	struct flamegraph *fg = flamegraph__new(flags);
	struct folded_stats st = { 0 };
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	if (flags & FG_REVERSE) {
		/* The shared-prefix path does not reverse: whole stacks. */
		struct fg_frame *fr = NULL;
		char *line = NULL;
		size_t cap = 0, lcap = 0;
		ssize_t n;
		double c;
		long d;

		while ((n = getline(&line, &lcap, f)) > 0) {
			d = folded_stream__parse(line, n, &fr, &cap, &c);
			if (d >= 0)
				add_whole(fr, d, c, fg);
		}
		free(line);
		free(fr);
	} else {
		folded_stream__read(f, NULL, 0, (flags & FG_FLAMECHART) ? 0 :
				    FOLDED_STREAM_SORT, add_line, fg, &st);
	}
	fclose(f);
	flamegraph__finish(fg, true);
	return fg;
}

static void layout(struct flamegraph *fg, double minw, struct boxes *bx)
{
	memset(bx, 0, sizeof(*bx));
	flamegraph__layout(fg, minw, collect, bx);
}

/* Order of names in the layout, "all a b ...". */
static char *order(const struct boxes *bx)
{
	static char buf[1024];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < bx->n && len < sizeof(buf) - 40; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s:%u",
				i ? " " : "", bx->names[i], bx->b[i].depth);
	return buf;
}

static const struct fg_box *find(const struct boxes *bx, const char *name)
{
	size_t i;

	for (i = 0; i < bx->n; i++)
		if (!strcmp(bx->names[i], name))
			return &bx->b[i];
	return NULL;
}

static void test_tree(void)
{
	struct flamegraph *fg;
	struct boxes bx;
	const struct fg_box *b;

	fg = graph("m;z;y 2\nm;a 3\nm;z;y 1\nk;x_[k] 4\nm 1\n", 0);
	layout(fg, 0, &bx);
	CHECK(flamegraph__total(fg) == 11, "tree: total is the sum");
	CHECK(!strcmp(order(&bx), "all:0 k:1 x:2 m:1 a:2 z:2 y:3"),
	      "tree: pre-order, children by name (got %s)", order(&bx));
	b = find(&bx, "m");
	CHECK(b && b->value == 7 && b->x == 4 && b->width == 7,
	      "tree: equal stacks merge, x follows the siblings");
	b = find(&bx, "y");
	CHECK(b && b->value == 3 && b->x == 7, "tree: self time of m is "
	      "left at the end");
	b = find(&bx, "x");
	CHECK(b && b->kind == PF_KERNEL, "tree: kind from the suffix");
	CHECK(flamegraph__max_depth(fg, 0) == 3, "tree: max depth");
	flamegraph__free(fg);

	fg = graph("a;b 1\na;b_[k] 2\n", 0);
	layout(fg, 0, &bx);
	CHECK(bx.n == 4, "tree: same name, other kind: two frames");
	flamegraph__free(fg);
}

static void test_minwidth(void)
{
	struct flamegraph *fg;
	struct boxes bx;
	const struct fg_box *b;
	double sum = 0;
	size_t i;

	/* Under m: w 50 wide, then five frames of 1 each (one with kids). */
	fg = graph("m;w 50\nm;n1 1\nm;n2 1\nm;n3;deep 1\nm;n4 1\nm;n5 1\n"
		   "solo;t 1\nsolo 20\n", 0);
	layout(fg, 2, &bx);
	b = find(&bx, "*agg*");
	CHECK(b && b->nr_merged == 5 && b->width == 5 && b->value == 5 &&
	      b->depth == 2, "minwidth: narrow siblings become one frame");
	CHECK(b && b->x == find(&bx, "w")->x + 50,
	      "minwidth: the aggregate follows the visible children");
	CHECK(!find(&bx, "deep") && !find(&bx, "n3"),
	      "minwidth: nothing narrow is drawn on its own");
	for (i = 0; i < bx.n; i++)
		if (bx.b[i].depth == 2 && bx.b[i].x < find(&bx, "solo")->x)
			sum += bx.b[i].width;
	CHECK(sum == find(&bx, "m")->width,
	      "minwidth: children add up to their parent");
	b = find(&bx, "t");
	CHECK(b && b->width == 1 && !(b->flags & FG_BOX_AGGREGATE),
	      "minwidth: a lone narrow frame keeps its name");
	CHECK(flamegraph__max_depth(fg, 2) == 2,
	      "minwidth: max depth counts the aggregate row only");
	layout(fg, 0, &bx);
	CHECK(find(&bx, "deep") && !find(&bx, "*agg*"),
	      "minwidth 0: every frame drawn");
	flamegraph__free(fg);
}

static void test_flamechart(void)
{
	struct flamegraph *fg;
	struct boxes bx;

	fg = graph("m;b 1\nm;a 1\nm;b 2\nm;b;c 1\n", FG_FLAMECHART);
	layout(fg, 0, &bx);
	CHECK(!strcmp(order(&bx), "all:0 m:1 b:2 a:2 b:2 c:3"),
	      "flamechart: input order, only adjacent stacks merge (%s)",
	      order(&bx));
	CHECK(bx.n == 6 && bx.b[4].x == 2 && bx.b[4].width == 3,
	      "flamechart: x is input order");
	flamegraph__free(fg);

	fg = graph("m;b 1\nm;x 1\nm;y 1\nm;b 5\n", FG_FLAMECHART);
	layout(fg, 1.5, &bx);
	CHECK(!strcmp(order(&bx), "all:0 m:1 *agg*:2 b:2"),
	      "flamechart: a run of narrow frames merges in place (%s)",
	      order(&bx));
	flamegraph__free(fg);

	/* A stack that is a prefix of the one before (once a crash). */
	fg = graph("a;b 1\na 2\na;c 1\n", FG_FLAMECHART);
	layout(fg, 0, &bx);
	CHECK(!strcmp(order(&bx), "all:0 a:1 b:2 c:2") && bx.b[1].value == 4,
	      "flamechart: a stack ending inside the one before (%s)",
	      order(&bx));
	flamegraph__free(fg);
}

static void test_reverse(void)
{
	struct flamegraph *fg;
	struct boxes bx;

	fg = graph("a;b;c 2\nx;b;c 1\n", FG_REVERSE);
	layout(fg, 0, &bx);
	CHECK(!strcmp(order(&bx), "all:0 c:1 b:2 a:3 x:3"),
	      "reverse: leaves at the root (%s)", order(&bx));
	flamegraph__free(fg);
}

static void test_diff(void)
{
	struct flamegraph *fg = flamegraph__new(0);
	struct fg_frame m = { "m", 1, 0 }, st[2] = { { "m", 1, 0 },
						      { "x", 1, 0 } };
	struct boxes bx;
	const struct fg_box *b;

	/* NEW: m;a 10  m 10.  BASE (x2 scale): m;x 10  m;a 10  m 20. */
	st[1].name = "a";
	flamegraph__add(fg, st, 2, 10, 0);
	flamegraph__add(fg, &m, 1, 10, 0);
	flamegraph__add(fg, st, 2, 0, 10);
	st[1].name = "x";
	flamegraph__add(fg, st, 2, 0, 10);
	flamegraph__add(fg, &m, 1, 0, 20);
	flamegraph__finish(fg, true);
	CHECK(flamegraph__is_diff(fg), "diff: recognised");
	layout(fg, 0, &bx);
	b = find(&bx, "x");
	CHECK(b && (b->flags & FG_BOX_VANISHED) && b->value == 0 &&
	      b->base == 5 && b->base_raw == 10 && b->width == 5,
	      "diff: vanished path drawn from BASE, normalised");
	b = find(&bx, "m");
	CHECK(b && b->width == 25 && b->value == 20,
	      "diff: ancestors grow by the vanished room");
	CHECK(flamegraph__width(fg) == 25, "diff: graph width");
	b = find(&bx, "a");
	CHECK(b && b->base == 5 && !(b->flags & FG_BOX_VANISHED),
	      "diff: BASE normalised to NEW's total");
	flamegraph__finish(fg, false);
	layout(fg, 0, &bx);
	b = find(&bx, "x");
	CHECK(b && b->width == 10 && b->base == 10,
	      "diff: raw counts without normalising");
	flamegraph__free(fg);
}

static void test_stream(void)
{
	static const char *const lines[] = {
		"a;b 3", "a b;c d 1.5", "x 1.", "no count", "a;b 1.2.3",
		"a;b  7", "a;b\t4", "12", " 5", "a;b -3", "f_[k];g_[j] 2",
		"a;;b 1", "_[k] 1", "a;b 1e5",
	};
	struct fg_frame *fr = NULL;
	size_t cap = 0, i;
	bool agree = true;
	double c;
	long d;

	for (i = 0; i < sizeof(lines) / sizeof(*lines); i++) {
		struct profile *p = profile__new();
		char *dup = strdup(lines[i]);
		int want = folded__parse_line(p, dup, strlen(dup));

		d = folded_stream__parse(lines[i], strlen(lines[i]), &fr,
					 &cap, &c);
		if ((want == 0) != (d >= 0)) {
			agree = false;
			printf("# disagree on '%s'\n", lines[i]);
		}
		if (!want && d >= 0 && profile__total(p) != c)
			agree = false;
		free(dup);
		profile__free(p);
	}
	CHECK(agree, "stream: same grammar as folded__parse_line");
	d = folded_stream__parse("f_[k];a b;g_[j] 2.5", 19, &fr, &cap, &c);
	CHECK(d == 3 && c == 2.5 && fr[0].len == 1 &&
	      fr[0].kind == PF_KERNEL && fr[1].len == 3 &&
	      fr[2].kind == PF_JIT, "stream: frames, spaces, kinds, count");
	free(fr);
}

/* What folded_stream__read() handed over, rebuilt as text. */
struct replay {
	char *path[64];		/* the last stack's frames, "name#kind" */
	size_t depth;
	FILE *out;
	bool ok;
};

static int replay_line(size_t same, const struct fg_frame *rest,
		       size_t nrest, double count, void *ctx)
{
	struct replay *r = ctx;
	size_t i;

	if (same > r->depth || same + nrest > 64) {
		r->ok = false;
		return -1;
	}
	for (i = same; i < r->depth; i++)
		free(r->path[i]);
	for (i = 0; i < nrest; i++)
		if (asprintf(&r->path[same + i], "%.*s#%u", (int)rest[i].len,
			     rest[i].name, rest[i].kind) < 0)
			return -1;
	r->depth = same + nrest;
	for (i = 0; i < r->depth; i++)
		fprintf(r->out, "%s%s", i ? ";" : "", r->path[i]);
	fprintf(r->out, " %g\n", count);
	return 0;
}

struct sline {
	char text[160];		/* the stack, without its count */
	size_t idx;
	double count;
};

static int cmp_sline(const void *pa, const void *pb)
{
	const struct sline *a = pa, *b = pb;
	int c = strcmp(a->text, b->text);

	return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

/*
 * The sorting stream hands lines over in byte order (ties in input
 * order) and tells rightly what each shares with the line before: names
 * that are prefixes of others, that sort before and after ';', that differ
 * at and around the 8-byte steps of the sort, suffixes, duplicates.
 */
static void test_stream_sort(void)
{
	static const char *const names[] = {
		"a", "a.b", "a:b", "ab", "a b", "c_[k]", "c", "c_[j]",
		"aaaaaaa", "aaaaaaaa", "aaaaaaaaa", "aaaaaaaab",
		"ns::Cls::fn_1()", "ns::Cls::fn_2()", "ns::Cls::fn_10()",
	};
	enum { N = 4000 };
	struct sline *sl = calloc(N, sizeof(*sl));
	struct replay r = { .ok = true };
	struct folded_stats st = { 0 };
	struct fg_frame *fr = NULL;
	char *text = NULL, *got = NULL, *want = NULL;
	size_t tlen = 0, glen = 0, wlen = 0, cap = 0, i, j;
	uint32_t x = 12345;
	FILE *in = open_memstream(&text, &tlen), *f, *w;
	double c;
	long d;

	for (i = 0; i < N; i++) {
		size_t len = 0, depth;

		x = x * 1103515245 + 12345;
		depth = 1 + (x >> 16) % 8;
		for (j = 0; j < depth; j++) {
			x = x * 1103515245 + 12345;
			/* Few names near the root: long shared prefixes. */
			len += snprintf(sl[i].text + len,
					sizeof(sl[i].text) - len, "%s%s",
					j ? ";" : "",
					names[(x >> 16) % (j < 3 ? 3 : 15)]);
		}
		sl[i].idx = i;
		sl[i].count = 1 + (x >> 8) % 4 + ((x >> 20) % 2 ? 0.25 : 0);
		fprintf(in, "%s %g\n", sl[i].text, sl[i].count);
	}
	fclose(in);
	f = fmemopen(text, tlen, "r");
	r.out = open_memstream(&got, &glen);
	CHECK(folded_stream__read(f, NULL, 0, FOLDED_STREAM_SORT, replay_line,
				  &r, &st) == 0 && r.ok && st.lines == N,
	      "stream sort: read");
	fclose(f);
	fclose(r.out);
	qsort(sl, N, sizeof(*sl), cmp_sline);
	w = open_memstream(&want, &wlen);
	for (i = 0; i < N; i++) {
		char line[176];

		snprintf(line, sizeof(line), "%s 1", sl[i].text);
		d = folded_stream__parse(line, strlen(line), &fr, &cap, &c);
		for (j = 0; j < (size_t)(d > 0 ? d : 0); j++)
			fprintf(w, "%s%.*s#%u", j ? ";" : "", (int)fr[j].len,
				fr[j].name, fr[j].kind);
		fprintf(w, " %g\n", sl[i].count);
	}
	fclose(w);

	CHECK(got && want && !strcmp(got, want),
	      "stream sort: byte order, input order for ties, shared frames");
	for (i = 0; i < r.depth; i++)
		free(r.path[i]);
	free(fr);
	free(text);
	free(got);
	free(want);
	free(sl);
}

static char *escaped(const char *s, size_t max, size_t *chars)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*chars = flamesvg__put_escaped(f, s, max);
	fclose(f);
	return buf;
}

static void test_escape(void)
{
	size_t n;
	char *s;

	s = escaped("<script>&\"x'</script>]]>", SIZE_MAX, &n);
	CHECK(!strcmp(s, "&lt;script&gt;&amp;&quot;x&#39;&lt;/script&gt;"
		      "]]&gt;"), "escape: markup characters (%s)", s);
	free(s);
	s = escaped("h\xc3\xa9llo \xe6\x97\xa5", SIZE_MAX, &n);
	CHECK(!strcmp(s, "h\xc3\xa9llo \xe6\x97\xa5") && n == 7,
	      "escape: valid UTF-8 kept, counted in code points");
	free(s);
	s = escaped("a\xff\xc3(\x01\xed\xa0\x80\xef\xbf\xbe", SIZE_MAX, &n);
	CHECK(!strcmp(s, "a\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd"
		      "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"),
	      "escape: bad UTF-8, controls, surrogates, U+FFFE replaced");
	free(s);
	s = escaped("\xc0\xaf", SIZE_MAX, &n);
	CHECK(!strcmp(s, "\xef\xbf\xbd\xef\xbf\xbd"),
	      "escape: overlong encoding replaced");
	free(s);
	s = escaped("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 2, &n);
	CHECK(!strcmp(s, "\xe6\x97\xa5\xe6\x9c\xac") && n == 3,
	      "escape: truncation on code points");
	free(s);
	s = escaped("\xe6\x97", SIZE_MAX, &n);
	CHECK(!strcmp(s, "\xef\xbf\xbd\xef\xbf\xbd"),
	      "escape: truncated sequence at the end");
	free(s);
}

static void test_numbers(void)
{
	static const struct {
		double v;
		const char *s;
	} cases[] = {
		{ 0, "0" }, { 999, "999" }, { 1000, "1,000" },
		{ 1234567, "1,234,567" }, { 1234.5, "1,234.50" },
		{ -1234, "-1,234" }, { 0.25, "0.25" },
		{ 100000000000.0, "100,000,000,000" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		flamesvg__fmt_count(buf, sizeof(buf), cases[i].v);
		CHECK(!strcmp(buf, cases[i].s), "thousands: %s (got %s)",
		      cases[i].s, buf);
	}
}

static void test_palette(void)
{
	struct palette_state a, b;
	uint32_t c1, c2;

	CHECK(palette__parse("hot") == PAL_HOT &&
	      palette__parse("java") == PAL_ANNOTATE &&
	      palette__parse("annotate") == PAL_ANNOTATE &&
	      palette__parse("nope") < 0, "palette: names");
	palette__init(&a, PAL_HOT, true);
	palette__init(&b, PAL_HOT, true);
	palette__color(&b, "other", 0);
	c1 = palette__color(&a, "main", 0);
	c2 = palette__color(&b, "main", 0);
	CHECK(c1 == c2, "palette: --hash colours depend on the name only");
	palette__init(&a, PAL_ANNOTATE, true);
	c1 = palette__color(&a, "f", PF_KERNEL);
	c2 = palette__color(&a, "f", PF_USER);
	CHECK(c1 != c2 && (c1 & 0xff) == 0, "palette: annotate colours "
	      "kernel frames orange (%06x vs %06x)", c1, c2);
	palette__init(&a, PAL_HOT, false);
	CHECK(palette__color(&a, "--", 0) == 0xa0a0a0,
	      "palette: separators grey");
	CHECK(palette__diff(0) == 0xffffff && palette__diff(1) == 0xff2323 &&
	      palette__diff(-1) == 0x2323ff, "palette: diff scale");
}

int main(void)
{
	test_tree();
	test_minwidth();
	test_flamechart();
	test_reverse();
	test_diff();
	test_stream();
	test_stream_sort();
	test_escape();
	test_numbers();
	test_palette();
	return test_status();
}
