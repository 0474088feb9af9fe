// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of common/profile/live.c: exact self and total shares of a window
 * fed with known intervals, the decay, kernel frames hidden (a
 * kernel-only stack as [kernel]), rows per process or not, the regular
 * expression filter, rows per container (and their callers), and the
 * callers tree of a row.
 */
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "format/folded.h"
#include "profile/live.h"
#include "profile/report.h"
#include "from_folded.h"
#include "test.h"

static int push(struct live *l, const char *text)
{
	struct profile *p = from_folded(text);
	int err = p ? live__push(l, p) : -1;

	profile__free(p);
	return err;
}

static const struct live_row *row(const struct live_view *v, const char *sym)
{
	size_t i;

	for (i = 0; i < v->nr_rows; i++)
		if (!strcmp(v->rows[i].sym, sym))
			return &v->rows[i];
	return NULL;
}

static bool near(double a, double b)
{
	return fabs(a - b) < 1e-6;
}

static const char split[] =
	"app-10;main;work_a;burn 60\n"
	"app-10;main;work_b;burn 30\n"
	"app-10;main;work_c;sys_read_[k] 10\n";

static void test_shares(void)
{
	struct live *l = live__new(1);
	struct live_view_opts o = { .kernel = true };
	struct live_view *v;
	const struct live_row *r;

	CHECK(l && !push(l, split), "live: push an interval");
	v = live__view(l, &o);
	CHECK(v && near(v->total, 100) && v->nr_rows == 6,
	      "live: 100 samples, 6 functions");
	if (!v)
		return;
	CHECK(!strcmp(v->rows[0].sym, "burn") && near(v->rows[0].self, 90) &&
	      near(v->rows[0].total, 90), "live: burn first, self 90%% total 90%%");
	r = row(v, "work_a");
	CHECK(r && near(r->self, 0) && near(r->total, 60),
	      "live: work_a self 0%% total 60%%");
	r = row(v, "sys_read");
	CHECK(r && r->kind == PF_KERNEL && near(r->self, 10) &&
	      !strcmp(r->dso, "[kernel.kallsyms]"),
	      "live: kernel frame with its kind and module");
	r = row(v, "main");
	CHECK(r && near(r->total, 100) && r->process &&
	      !strcmp(r->process, "app") && r->pid == 10 && r->nr_procs == 1,
	      "live: main total 100%%, process app[10]");
	live_view__free(v);

	o.by_total = true;
	v = live__view(l, &o);
	{
		bool sorted = v && !strcmp(v->rows[0].sym, "main");
		size_t i;

		for (i = 1; sorted && i < v->nr_rows; i++)
			sorted = v->rows[i - 1].total >= v->rows[i].total;
		CHECK(sorted, "live: sorted by total, main first");
	}
	live_view__free(v);
	live__free(l);
}

static void test_decay(void)
{
	struct live *l = live__new(0.5);
	struct live_view_opts o = { .kernel = true };
	struct live_view *v;
	const struct live_row *r;

	push(l, split);
	push(l, "app-10;main;work_c;burn 100\n");
	CHECK(near(live__weight(l), 150), "live: decayed window weighs 50 + 100");
	v = live__view(l, &o);
	r = v ? row(v, "work_c") : NULL;
	CHECK(r && near(r->total, 100.0 * 105 / 150),
	      "live: work_c total (5 + 100) / 150");
	live_view__free(v);
	live__free(l);

	l = live__new(0.0001);
	push(l, split);
	push(l, "app-10;main;other 1\n");
	v = live__view(l, &o);
	CHECK(v && v->nr_rows == 2 && row(v, "other") && near(v->total, 1),
	      "live: what decays under a hundredth of a sample goes");
	live_view__free(v);
	live__free(l);
}

static void test_kernel_hidden(void)
{
	struct live *l = live__new(1);
	struct live_view_opts o = { .kernel = false };
	struct live_view *v;
	const struct live_row *r;

	push(l, split);
	push(l, "app-10;irq_[k];tick_[k] 20\n");
	v = live__view(l, &o);
	CHECK(v && !row(v, "sys_read") && !row(v, "tick"),
	      "live: kernel frames hidden");
	r = v ? row(v, "work_c") : NULL;
	CHECK(r && near(r->self, 100.0 * 10 / 120),
	      "live: a system call counts in its caller");
	r = v ? row(v, "[kernel]") : NULL;
	CHECK(r && near(r->self, 100.0 * 20 / 120),
	      "live: a kernel-only stack shows as [kernel]");
	live_view__free(v);
	live__free(l);
}

static void test_processes_and_filter(void)
{
	struct live *l = live__new(1);
	struct live_view_opts o = { .kernel = true };
	struct live_view *v;
	const struct live_row *r;
	regex_t re;

	push(l, "a-1;main;f 10\nb-2;main;f 30\nb-2;main;g 60\n");
	v = live__view(l, &o);
	r = v ? row(v, "f") : NULL;
	CHECK(r && near(r->self, 40) && r->nr_procs == 2 && r->pid == 2 &&
	      !strcmp(r->process, "b"),
	      "live: one row for f, busiest process b[2] of 2");
	live_view__free(v);
	o.per_process = true;
	v = live__view(l, &o);
	CHECK(v && v->nr_rows == 5, "live: per process, main and f twice");
	live_view__free(v);
	o.per_process = false;
	regcomp(&re, "^[fg]$", REG_EXTENDED | REG_NOSUB);
	o.filter = &re;
	v = live__view(l, &o);
	CHECK(v && v->nr_rows == 2 && !strcmp(v->rows[0].sym, "g") &&
	      near(v->rows[0].self, 60), "live: the filter keeps f and g");
	live_view__free(v);
	regfree(&re);
	live__free(l);
}

static void test_containers(void)
{
	struct live *l = live__new(1);
	struct live_view_opts o = { .kernel = true, .per_container = true };
	struct profile *p = from_folded("a-1;main;f 10\nb-2;main;f 30\n"
					"c-3;main;f 60\n");
	struct live_view *v = NULL;
	struct live_callers *c = NULL;
	size_t i, nf = 0;
	bool ok = true;

	/* a and b run in container web, c on the host */
	for (i = 0; p && i < p->nr_samples; i++)
		if (p->samples[i].labels.pid != 3)
			p->samples[i].labels.origin[PF_CONTAINER_NAME] =
				profile__intern(p, "web");
	if (p && !live__push(l, p))
		v = live__view(l, &o);
	for (i = 0; v && i < v->nr_rows; i++) {
		const struct live_row *r = &v->rows[i];

		if (strcmp(r->sym, "f"))
			continue;
		nf++;
		if (!r->process || r->pid ||
		    !near(r->self, !strcmp(r->process, "web") ? 40 : 60) ||
		    (strcmp(r->process, "web") && strcmp(r->process, "[host]")))
			ok = false;
	}
	CHECK(v && ok && nf == 2, "live: per container, f in web (40) and "
	      "[host] (60)");
	CHECK(!strcmp(live__columns_of(&o), live__columns_container),
	      "live: per container, the CONTAINER column");
	for (i = 0; v && i < v->nr_rows; i++)
		if (!strcmp(v->rows[i].sym, "f") &&
		    !strcmp(v->rows[i].process, "web"))
			c = live__callers(l, &o, &v->rows[i]);
	CHECK(c && near(c->tree->total, 40), "live: callers of f in web only");
	live_callers__free(c);
	live_view__free(v);
	o.per_process = true;
	v = live__view(l, &o);
	CHECK(v && v->nr_rows == 6 && !strcmp(live__columns_of(&o),
					      live__columns),
	      "live: p over per container: rows per process");
	live_view__free(v);
	profile__free(p);
	live__free(l);
}

static void test_callers(void)
{
	struct live *l = live__new(1);
	struct live_view_opts o = { .kernel = true };
	struct live_view *v;
	struct live_callers *c;
	const struct report_tree *t;
	uint32_t i, n = 0;
	bool ok = true;

	push(l, split);
	push(l, "app-10;main;burn;helper 10\n");
	v = live__view(l, &o);
	c = v ? live__callers(l, &o, row(v, "burn")) : NULL;
	t = c ? c->tree : NULL;
	CHECK(t && near(t->total, 100), "live: callers of burn: 100 samples");
	for (i = 0; t && (i = report_tree__next(t, i, true)); n++) {
		const struct report_node *nd = &t->nodes[i];
		static const struct { const char *sym; unsigned d; double v; }
			want[] = { { "burn", 1, 100 }, { "work_a", 2, 60 },
				   { "main", 3, 60 }, { "work_b", 2, 30 },
				   { "main", 3, 30 }, { "main", 2, 10 } };

		if (n >= 6 || strcmp(nd->sym, want[n].sym) ||
		    nd->depth != want[n].d || !near(nd->total, want[n].v))
			ok = false;
	}
	CHECK(ok && n == 6, "live: burn <- work_a (60) <- main, work_b (30), "
	      "main (10, cut above helper)");
	live_callers__free(c);
	live_view__free(v);
	live__free(l);
}

int main(void)
{
	test_shares();
	test_decay();
	test_kernel_hidden();
	test_processes_and_filter();
	test_containers();
	test_callers();
	return test_status();
}
