// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of common/profile/report.c and common/format/json.c: exact self and total
 * values on profiles with known counts (recursion counted once), sort
 * keys, the folded root frame as comm / pid, filters, call trees, the
 * z-test and the regression gate, JSON string escaping.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format/folded.h"
#include "format/json.h"
#include "profile/report.h"
#include "from_folded.h"
#include "test.h"

static const struct report_row *row_of(const struct report *r,
				       const char *sym)
{
	size_t i;

	for (i = 0; i < r->nr_rows; i++)
		if (r->rows[i].id.sym && !strcmp(r->rows[i].id.sym, sym))
			return &r->rows[i];
	return NULL;
}

static struct report *rank(const struct profile *p, const char *keys)
{
	struct report_keys k;

	if (report_keys__parse(&k, keys))
		return NULL;
	return report__rank(p, p->default_type, &k);
}

static const char basic[] =
	"app-100;main;compute;inner 40\n"
	"app-100;main;compute 20\n"
	"app-100;main;parse 10\n"
	"app-100;main;fib;fib;fib 15\n"
	"app-100;main;fib;fib 5\n"
	"worker-200;start_thread;work;compute 10\n";

static void test_rank(void)
{
	struct profile *p = from_folded(basic);
	struct report *r = rank(p, "sym");
	const struct report_row *x;

	CHECK(r && r->total == 100, "rank: total of the fixture is 100");
	x = row_of(r, "inner");
	CHECK(x && x->self == 40 && x->total == 40, "rank: leaf self = total");
	x = row_of(r, "compute");
	CHECK(x && x->self == 30 && x->total == 70,
	      "rank: compute self 30, total 70 (two threads merged)");
	x = row_of(r, "fib");
	CHECK(x && x->self == 20 && x->total == 20,
	      "rank: recursion counts once in total (20, not 55)");
	x = row_of(r, "main");
	CHECK(x && x->self == 0 && x->total == 90, "rank: main total 90");
	CHECK(!row_of(r, "app") && !row_of(r, "app-100"),
	      "rank: the folded root frame is the comm, not a function");
	report__sort(r, false);
	CHECK(!strcmp(r->rows[0].id.sym, "inner") &&
	      !strcmp(r->rows[1].id.sym, "compute") &&
	      !strcmp(r->rows[2].id.sym, "fib"), "rank: sorted by self");
	report__sort(r, true);
	CHECK(!strcmp(r->rows[0].id.sym, "main") &&
	      !strcmp(r->rows[1].id.sym, "compute"), "rank: sorted by total");
	report__free(r);

	r = rank(p, "comm,pid");
	CHECK(r && r->nr_rows == 2, "rank: two (comm, pid) rows");
	report__sort(r, false);
	CHECK(r && !strcmp(r->rows[0].id.comm, "app") &&
	      r->rows[0].id.pid == 100 && r->rows[0].self == 90 &&
	      !strcmp(r->rows[1].id.comm, "worker") &&
	      r->rows[1].id.pid == 200 && r->rows[1].total == 10,
	      "rank: comm-PID root frames give comm and pid");
	report__free(r);

	r = rank(p, "comm,sym");
	x = NULL;
	if (r) {
		size_t i;

		for (i = 0; i < r->nr_rows; i++)
			if (!strcmp(r->rows[i].id.sym, "compute") &&
			    !strcmp(r->rows[i].id.comm, "worker"))
				x = &r->rows[i];
	}
	CHECK(x && x->self == 10 && x->total == 10,
	      "rank: comm,sym splits compute per thread");
	report__free(r);
	profile__free(p);
}

static void test_keys_and_dso(void)
{
	struct report_keys k;
	struct profile *p;
	struct report *r;
	const struct report_row *x;
	size_t i;
	bool kernel = false, unknown = false;

	CHECK(!report_keys__parse(&k, "dso,sym") && k.nr == 2 &&
	      k.k[0] == REPORT_KEY_DSO, "keys: parse dso,sym");
	CHECK(report_keys__parse(&k, "sym,sym") &&
	      report_keys__parse(&k, "bogus") && report_keys__parse(&k, "") &&
	      report_keys__parse(&k, "sym,"), "keys: bad lists refused");

	p = from_folded("app;main;[libc.so.6];__read_[k] 3\n"
			"app;main;do_work 7\n"
			"worker-3;loop 10\n");
	r = rank(p, "sym,dso");
	for (i = 0; r && i < r->nr_rows; i++) {
		const struct report_row *row = &r->rows[i];

		if (!strcmp(row->id.sym, "__read"))
			kernel = row->id.kind == PF_KERNEL &&
				 !strcmp(row->id.dso, "[kernel.kallsyms]");
		if (!strcmp(row->id.sym, "do_work"))
			unknown = !strcmp(row->id.dso, "[unknown]");
	}
	CHECK(kernel, "dso: kernel frames are [kernel.kallsyms]");
	CHECK(unknown, "dso: plain folded frames are [unknown]");
	x = row_of(r, "[libc.so.6]");
	CHECK(x && !strcmp(x->id.dso, "[libc.so.6]"),
	      "dso: a [lib.so] frame is its own module");
	report__free(r);
	r = rank(p, "comm,pid");
	report__sort(r, false);
	CHECK(r && r->nr_rows == 2 && !strcmp(r->rows[0].id.comm, "app") &&
	      !strcmp(r->rows[1].id.comm, "worker-3") &&
	      r->rows[1].id.pid == 0 && r->rows[1].self == 10,
	      "comm: 'worker-3' stays whole when other roots have no pid");
	report__free(r);
	profile__free(p);

	p = from_folded("a-1/11;f 1\nb-2/22;g 1\n");
	CHECK(p && p->nr_samples == 2 && p->samples[0].labels.pid == 1 &&
	      p->samples[0].labels.tid == 11 &&
	      !strcmp(p->samples[0].labels.comm, "a"),
	      "comm: comm-PID/TID root frames parse");
	profile__free(p);
}

static void test_filter(void)
{
	struct profile *p = from_folded(basic), *f;
	const char *comms[] = { "worker" };
	int32_t pids[] = { 100 };
	struct report_filter flt = { 0 };
	regex_t re;
	struct report *r;

	flt.comms = comms;
	flt.nr_comms = 1;
	f = report__filter(p, 0, &flt);
	CHECK(f && profile__total(f) == 10, "filter: --comm worker keeps 10");
	r = rank(f, "sym");
	CHECK(r && row_of(r, "compute") && row_of(r, "compute")->self == 10 &&
	      !row_of(r, "inner"), "filter: only the worker's stacks remain");
	report__free(r);
	profile__free(f);

	memset(&flt, 0, sizeof(flt));
	flt.pids = pids;
	flt.nr_pids = 1;
	f = report__filter(p, 0, &flt);
	CHECK(f && profile__total(f) == 90, "filter: --pid 100 keeps 90");
	profile__free(f);

	memset(&flt, 0, sizeof(flt));
	regcomp(&re, "^fib$", REG_EXTENDED | REG_NOSUB);
	flt.focus = &re;
	f = report__filter(p, 0, &flt);
	CHECK(f && profile__total(f) == 20, "filter: --focus ^fib$ keeps 20");
	profile__free(f);
	flt.focus = NULL;
	flt.ignore = &re;
	f = report__filter(p, 0, &flt);
	CHECK(f && profile__total(f) == 80, "filter: --ignore ^fib$ keeps 80");
	profile__free(f);
	regfree(&re);
	profile__free(p);
}

static uint32_t find_child(const struct report_tree *t, uint32_t parent,
			   const char *sym)
{
	uint32_t c;

	for (c = t->nodes[parent].child; c; c = t->nodes[c].next)
		if (!strcmp(t->nodes[c].sym, sym))
			return c;
	return 0;
}

static void test_tree(void)
{
	struct profile *p = from_folded(basic);
	struct report_tree *t = report__tree(p, 0, false);
	uint32_t m, c, f1, f2, f3, i, n = 0;

	m = t ? find_child(t, 0, "main") : 0;
	c = m ? find_child(t, m, "compute") : 0;
	CHECK(m && t->nodes[m].total == 90 && c && t->nodes[c].total == 60 &&
	      t->nodes[c].self == 20, "tree caller: main 90 > compute 60/20");
	f1 = m ? find_child(t, m, "fib") : 0;
	f2 = f1 ? find_child(t, f1, "fib") : 0;
	f3 = f2 ? find_child(t, f2, "fib") : 0;
	CHECK(f3 && t->nodes[f1].total == 20 && t->nodes[f2].total == 20 &&
	      t->nodes[f2].self == 5 && t->nodes[f3].self == 15 &&
	      t->nodes[f3].depth == 4, "tree caller: recursion is a path");
	CHECK(t && t->nodes[t->nodes[0].child].total >=
	      t->nodes[t->nodes[t->nodes[0].child].next].total,
	      "tree: siblings ordered by total");
	for (i = t ? report_tree__next(t, 0, true) : 0; i;
	     i = report_tree__next(t, i, true))
		n++;
	CHECK(t && n == t->nr_nodes - 1, "tree: the walk visits every node");
	report_tree__free(t);

	t = report__tree(p, 0, true);
	c = t ? find_child(t, 0, "compute") : 0;
	CHECK(c && t->nodes[c].total == 30 && find_child(t, c, "main") &&
	      t->nodes[find_child(t, c, "main")].total == 20 &&
	      find_child(t, c, "work") &&
	      t->nodes[find_child(t, c, "work")].total == 10,
	      "tree callee: compute 30 called from main 20 and work 10");
	report_tree__free(t);
	profile__free(p);
}

/* A profile of @n samples over four functions with these weights. */
static struct profile *weighted(const double *w, double n)
{
	static const char *const names[] = { "a", "b", "c", "d" };
	char text[256];
	size_t i, len = 0;

	for (i = 0; i < 4; i++)
		len += snprintf(text + len, sizeof(text) - len, "x;main;%s %.0f\n",
				names[i], w[i] * n);
	return from_folded(text);
}

static void test_gate(void)
{
	double base_w[] = { 0.4, 0.3, 0.2, 0.1 };
	double slow_w[] = { 0.35, 0.25, 0.15, 0.25 };	/* d: +15 points */
	double near_w[] = { 0.39, 0.29, 0.20, 0.12 };	/* d: +2 points */
	struct report_gate g = { 5, 10, 0.001, false, 1, 1 };
	struct profile *b, *n;
	struct report *rb, *rn;
	struct report_diff *d;
	double z, pv;

	pv = report__z_test(100, 1000, 100, 1000, &z);
	CHECK(z == 0 && fabs(pv - 0.5) < 1e-12, "z-test: equal shares, z 0");
	pv = report__z_test(100, 1000, 200, 1000, &z);
	/* pooled 0.15: z = 0.1 / sqrt(0.15 * 0.85 * 2 / 1000) */
	CHECK(fabs(z - 6.2622) < 1e-3 && pv < 1e-9,
	      "z-test: 10%% -> 20%% of 1000 is z 6.26");
	pv = report__z_test(1, 10, 3, 10, &z);
	CHECK(pv > 0.1, "z-test: 1/10 -> 3/10 is not significant");

	b = weighted(base_w, 1000);
	n = weighted(slow_w, 1000);
	rb = rank(b, "sym");
	rn = rank(n, "sym");
	d = report__diff(rb, rn, &g);
	CHECK(d && d->nr_regressions == 1 && !strcmp(d->rows[0].id.sym, "d") &&
	      d->rows[0].regression && fabs(d->rows[0].delta - 15) < 1e-9,
	      "gate: d grew 10%% -> 25%%: one regression, first row");
	CHECK(d && d->nr_rows == 4 && d->rows[3].delta == -5 &&
	      d->rows[1].delta == -5 && !strcmp(d->rows[1].id.sym, "a"),
	      "gate: four self rows ordered by growth (main has no self)");
	report_diff__free(d);
	g.threshold = 20;
	d = report__diff(rb, rn, &g);
	CHECK(d && d->nr_regressions == 0, "gate: under the threshold passes");
	report_diff__free(d);
	report__free(rn);
	profile__free(n);

	/* Few samples: a big swing in share is still noise. */
	g.threshold = 5;
	n = weighted(slow_w, 20);
	rn = rank(n, "sym");
	d = report__diff(rb, rn, &g);
	CHECK(d && d->nr_regressions == 0,
	      "gate: 20 samples cannot fail (noise floor)");
	report_diff__free(d);
	g.min_samples = 0;
	g.alpha = 1;
	d = report__diff(rb, rn, &g);
	CHECK(d && d->nr_regressions == 1,
	      "gate: without the noise floor the same 20 samples fail");
	report_diff__free(d);
	report__free(rn);
	profile__free(n);

	g.min_samples = 10;
	g.alpha = 0.001;
	g.threshold = 1;
	n = weighted(near_w, 1000);
	rn = rank(n, "sym");
	d = report__diff(rb, rn, &g);
	CHECK(d && d->nr_regressions == 0 && d->rows[0].delta > 1,
	      "gate: +2 points over 1000 samples is within noise (p > 0.001)");
	report_diff__free(d);
	report__free(rn);
	profile__free(n);
	report__free(rb);
	profile__free(b);
}

static char *json_of(void (*fn)(struct json *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json__init(&j, f);
	fn(&j);
	json__finish(&j);
	fclose(f);
	return buf;
}

static void json_doc(struct json *j)
{
	json__begin_object(j);
	json__key(j, "s");
	json__string(j, "a\"b\\c\n\t\x01 \xc3\xa9 \xff end");
	json__key(j, "a");
	json__begin_array(j);
	json__int(j, -3);
	json__double(j, 1.5);
	json__double(j, NAN);
	json__bool(j, true);
	json__null(j);
	json__begin_object(j);
	json__end_object(j);
	json__end_array(j);
	json__key(j, "p");
	json__fixed(j, -0.00001, 2);
	json__end_object(j);
}

static void test_json(void)
{
	char *s = json_of(json_doc);

	CHECK(s && !strcmp(s, "{\n  \"s\": \"a\\\"b\\\\c\\n\\t\\u0001 \xc3\xa9 "
			   "\\ufffd end\",\n  \"a\": [\n    -3,\n    1.5,\n"
			   "    null,\n    true,\n    null,\n    {}\n  ],\n"
			   "  \"p\": 0.00\n}\n"),
	      "json: escapes, invalid UTF-8, nesting, NaN as null");
	free(s);
}

int main(void)
{
	test_rank();
	test_keys_and_dso();
	test_filter();
	test_tree();
	test_gate();
	test_json();
	return test_status();
}
