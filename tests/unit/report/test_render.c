// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the report renderers in common/report/ (rank.c, tree.c,
 * diff.c, export.c, cells.c): a small profile built by hand, with a
 * kernel frame and modules, is printed through their API as text,
 * Markdown, JSON and folded, and the output must be exactly what
 * `ebprof report` prints for it.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "report/diff.h"
#include "report/export.h"
#include "report/rank.h"
#include "report/tree.h"
#include "report/view.h"
#include "test.h"

enum { F_MAIN = 1, F_WORK, F_MEMCPY, F_SYSCALL };

/* Adds the stack @ids (frame numbers above, root first) @n times. */
static void add(struct profile *p, const uint32_t *id, const int *ids,
		size_t depth, double n)
{
	struct pf_labels l = { .pid = 100, .tid = 101, .comm = "app" };
	uint32_t frames[8];
	size_t i;

	l.comm = profile__intern(p, l.comm);
	for (i = 0; i < depth; i++)
		frames[i] = id[ids[i]];
	profile__add(p, frames, depth, &l, &n);
}

/*
 * main -> work -> memcpy (libc) @copy times, main -> work @work times,
 * main -> do_syscall_64 (kernel) @sys times.
 */
static struct profile *build(double copy, double work, double sys)
{
	static const struct pf_frame f[] = {
		[F_MAIN] = { .name = "main", .module = "/usr/bin/app" },
		[F_WORK] = { .name = "work", .module = "/usr/bin/app" },
		[F_MEMCPY] = { .name = "memcpy", .module = "/lib/libc.so.6" },
		[F_SYSCALL] = { .name = "do_syscall_64", .kind = PF_KERNEL },
	};
	static const int s1[] = { F_MAIN, F_WORK, F_MEMCPY };
	static const int s2[] = { F_MAIN, F_WORK };
	static const int s3[] = { F_MAIN, F_SYSCALL };
	struct profile *p = profile__new();
	uint32_t id[F_SYSCALL + 1] = { 0 };
	int i;

	if (!p)
		return NULL;
	for (i = F_MAIN; i <= F_SYSCALL; i++)
		id[i] = profile__frame(p, &f[i]);
	add(p, id, s1, 3, copy);
	add(p, id, s2, 2, work);
	if (sys)
		add(p, id, s3, 2, sys);
	return p;
}

static char *const inputs[] = { "new.pb.gz" };
static char *const bases[] = { "base.pb.gz" };

static void view_init(struct report_view *v, enum report_format fmt)
{
	memset(v, 0, sizeof(*v));
	report_keys__parse(&v->keys, "sym,dso");
	v->limit = -1;
	v->fmt = fmt;
	v->inputs = inputs;
	v->nr_inputs = 1;
	v->bases = bases;
	v->nr_bases = 1;
	v->fail_pct = -1;
	v->min_samples = 10;
	v->alpha = 0.001;
}

/* A renderer's output: out_begin() gives its FILE, out_end() the text. */
static char *out_buf;
static size_t out_len;

static FILE *out_begin(void)
{
	out_buf = NULL;
	out_len = 0;
	return open_memstream(&out_buf, &out_len);
}

/* What was written to @f, or NULL when the renderer returned @r != 0. */
static char *out_end(FILE *f, int r)
{
	fclose(f);
	if (r) {
		free(out_buf);
		return NULL;
	}
	return out_buf;
}

/* What report_rank__print() prints, or NULL when it fails. */
static char *rank(const struct profile *p, const struct report_view *v)
{
	FILE *f = out_begin();

	return out_end(f, report_rank__print(f, p, 0, profile__total(p), v));
}

static bool same(const char *got, const char *want)
{
	if (got && !strcmp(got, want))
		return true;
	printf("# got:\n%s# want:\n%s", got ? got : "(nothing)\n", want);
	return false;
}

static void test_rank_text(void)
{
	struct profile *p = build(6, 3, 1);
	struct report_view v;
	char *out;

	view_init(&v, REPORT_FMT_TEXT);
	out = rank(p, &v);
	CHECK(same(out,
		   "# ebprof report: 10 samples (count), ranked by self share\n"
		   "# Samples: self samples\n"
		   "#\n"
		   "#   Self    Total   Samples  Symbol             Module\n"
		   "  60.00%   60.00%         6  [.] memcpy         libc.so.6\n"
		   "  30.00%   90.00%         3  [.] work           app\n"
		   "  10.00%   10.00%         1  [k] do_syscall_64  "
		   "[kernel.kallsyms]\n"
		   "   0.00%  100.00%         0  [.] main           app\n"),
	      "rank as text: self order, kind tags, module base names");
	free(out);

	/* --children -n 2: by total, two rows, the rest counted */
	v.by_total = true;
	v.max_rows = 2;
	out = rank(p, &v);
	CHECK(same(out,
		   "# ebprof report: 10 samples (count), ranked by total "
		   "share\n"
		   "# Samples: total samples\n"
		   "#\n"
		   "#   Self    Total   Samples  Symbol    Module\n"
		   "   0.00%  100.00%        10  [.] main  app\n"
		   "  30.00%   90.00%         9  [.] work  app\n"
		   "# 2 more rows below the limits\n"),
	      "rank as text by total, cut at -n 2");
	free(out);
	profile__free(p);
}

static void test_rank_json(void)
{
	struct profile *p = build(6, 3, 0);
	struct report_view v;
	char *out;

	view_init(&v, REPORT_FMT_JSON);
	v.limit = 50;
	out = rank(p, &v);
	CHECK(same(out,
		   "{\n"
		   "  \"schema\": 1,\n"
		   "  \"mode\": \"rank\",\n"
		   "  \"inputs\": [\n"
		   "    \"new.pb.gz\"\n"
		   "  ],\n"
		   "  \"sample_type\": \"samples\",\n"
		   "  \"unit\": \"count\",\n"
		   "  \"total\": 9,\n"
		   "  \"input_total\": 9,\n"
		   "  \"order\": \"self\",\n"
		   "  \"sort\": [\n"
		   "    \"sym\",\n"
		   "    \"dso\"\n"
		   "  ],\n"
		   "  \"rows\": [\n"
		   "    {\n"
		   "      \"sym\": \"memcpy\",\n"
		   "      \"kind\": \"user\",\n"
		   "      \"dso\": \"/lib/libc.so.6\",\n"
		   "      \"self\": 6,\n"
		   "      \"total\": 6,\n"
		   "      \"self_pct\": 66.6667,\n"
		   "      \"total_pct\": 66.6667\n"
		   "    }\n"
		   "  ],\n"
		   "  \"more_rows\": 2\n"
		   "}\n"),
	      "rank as JSON: full module path, --percent-limit 50");
	free(out);

	view_init(&v, REPORT_FMT_MARKDOWN);
	out = rank(p, &v);
	CHECK(same(out,
		   "| Self % | Total % | Samples | Symbol | Module |\n"
		   "|---:|---:|---:|---|---|\n"
		   "| 66.67 | 66.67 | 6 | memcpy | libc.so.6 |\n"
		   "| 33.33 | 100.00 | 3 | work | app |\n"
		   "| 0.00 | 100.00 | 0 | main | app |\n"),
	      "rank as Markdown");
	free(out);
	profile__free(p);
}

static void test_tree_text(void)
{
	struct profile *p = build(6, 3, 1);
	struct report_view v;
	FILE *f;
	char *out;

	view_init(&v, REPORT_FMT_TEXT);
	v.limit = 15;
	f = out_begin();
	out = out_end(f, report_tree__print(f, p, 0, false, &v));
	CHECK(same(out,
		   "# ebprof report: call graph (caller), 10 samples; nodes "
		   "under 15.00% hidden\n"
		   "#  Total     Self  function, then its callees below it\n"
		   " 100.00%    0.00%  [.] main\n"
		   "  90.00%   30.00%    [.] work\n"
		   "  60.00%   60.00%      [.] memcpy\n"),
	      "caller tree as text, a node under the limit hidden");
	free(out);
	profile__free(p);
}

static void test_compare(void)
{
	struct profile *base = build(20, 60, 20), *nw = build(60, 20, 20);
	struct report_view v;
	bool failed = false;
	FILE *f;
	char *out;

	view_init(&v, REPORT_FMT_TEXT);
	v.fail_pct = 5;
	v.max_rows = 1;
	f = out_begin();
	out = out_end(f, report_compare__print(f, base, 0, nw, 0, &v,
					       &failed));
	/* z = 0.4 / sqrt(0.4 * 0.6 * 2 / 100) = 5.77 */
	CHECK(out && failed, "compare: memcpy's growth fails the gate");
	CHECK(same(out,
		   "# ebprof report: base 100, new 100 samples; self shares, "
		   "by growth\n"
		   "# gate: fail when a self share grows by more than 5.00 "
		   "points with at least 10 samples and z-test p < 0.001\n"
		   "#\n"
		   "#   Base      New   Delta        z   Symbol      Module\n"
		   "  20.00%   60.00%  +40.00     5.77!  [.] memcpy  "
		   "libc.so.6\n"
		   "# 1 regression (marked !)\n"),
	      "compare as text, the regression marked");
	free(out);

	/* the same growth without a gate: reported, not failed */
	v.fail_pct = -1;
	f = out_begin();
	out = out_end(f, report_compare__print(f, base, 0, nw, 0, &v,
					       &failed));
	CHECK(out && !failed, "compare without --fail-on-regression passes");
	free(out);
	profile__free(base);
	profile__free(nw);
}

static void test_export_folded(void)
{
	struct profile *p = build(6, 3, 1);
	FILE *f = out_begin();
	char *out = out_end(f, report_profile__write(f, p, REPORT_FMT_FOLDED));

	CHECK(same(out,
		   "app-100/101;main;do_syscall_64_[k] 1\n"
		   "app-100/101;main;work 3\n"
		   "app-100/101;main;work;memcpy 6\n"),
	      "folded export names the thread in the root frame");
	free(out);
	profile__free(p);
}

static void test_formats(void)
{
	CHECK(report_format__parse("markdown") == REPORT_FMT_MARKDOWN &&
	      report_format__parse("pprof") == REPORT_FMT_PPROF &&
	      report_format__parse("xml") < 0 &&
	      !strcmp(report_format__name(REPORT_FMT_FOLDED), "folded"),
	      "format names");
}

int main(void)
{
	log_verbosity = -1;	/* the gate's warnings */
	test_formats();
	test_rank_text();
	test_rank_json();
	test_tree_text();
	test_compare();
	test_export_folded();
	return test_status();
}
