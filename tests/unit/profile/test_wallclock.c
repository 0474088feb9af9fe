// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of common/profile/wallclock.c: the cpu / off_cpu / wall views of a
 * pprof-shaped profile (types cpu and off_cpu, nanoseconds) and of a
 * folded wall-clock file (one count in microseconds, off-CPU stacks ending
 * in a marker frame), the folded view's rounding, --sample-type names, and
 * per-thread sums.
 */
#include <stdlib.h>
#include <string.h>

#include "format/folded.h"
#include "profile/profile.h"
#include "profile/wallclock.h"
#include "test.h"

static void add(struct profile *p, const char *const *names, size_t n,
		int tid, const char *comm, const double *vals)
{
	uint32_t ids[8];
	struct pf_labels l = { .pid = 1, .tid = tid, .comm = comm };
	size_t i;

	for (i = 0; i < n; i++) {
		struct pf_frame f = { .name = names[i] };

		ids[i] = profile__frame(p, &f);
	}
	profile__add(p, ids, n, &l, vals);
}

static double total(const struct profile *p, const char *type)
{
	int t = profile__find_type(p, type);
	double s = 0;
	size_t i;

	for (i = 0; t >= 0 && i < p->nr_samples; i++)
		s += p->samples[i].values[t];
	return s;
}

static void test_pprof_shape(void)
{
	static const struct pf_value_type types[3] = {
		{ "samples", "count" }, { "cpu", "nanoseconds" },
		{ "off_cpu", "nanoseconds" },
	};
	static const char *const run[] = { "main", "work" };
	static const char *const wait[] = { "main", "read",
					    "[off-cpu: sleeping]" };
	static const char *const io[] = { "main", "fsync", "[off-cpu: disk]" };
	struct profile *p = profile__new();
	double v_run[3] = { 3, 3e6, 0 }, v_wait[3] = { 2, 0, 5.4e6 };
	double v_io[3] = { 1, 0, 1.6e6 };
	struct wallclock_thread *t;
	const char *unit;
	char err[128];
	size_t n;

	profile__set_types(p, types, 3);
	add(p, run, 2, 7, "w", v_run);
	add(p, wait, 3, 7, "w", v_wait);
	add(p, io, 3, 8, "x", v_io);
	CHECK(wallclock__add_views(p) == 1, "wallclock: pprof has views");
	CHECK(p->nr_types == 4 && total(p, "wall") == 10e6,
	      "wallclock: wall = cpu + off_cpu");
	CHECK(wallclock__add_views(p) == 1 && p->nr_types == 4,
	      "wallclock: views added once");
	CHECK(!wallclock__select(p, "off-cpu", err, sizeof(err)) &&
	      !strcmp(p->types[p->default_type].type, "off_cpu"),
	      "wallclock: off-cpu selects off_cpu");
	CHECK(wallclock__select(p, "bogus", err, sizeof(err)) &&
	      strstr(err, "bogus"), "wallclock: unknown type refused");
	CHECK(!wallclock__threads(p, &t, &n, &unit) && n == 2 &&
	      t[0].tid == 7 && t[0].wall == 8.4e6 && t[0].cpu == 3e6 &&
	      t[0].off[0] == 5.4e6 && t[1].off[1] == 1.6e6 &&
	      !strcmp(unit, "nanoseconds"), "wallclock: per-thread sums");
	free(t);
	profile__free(p);
}

static void test_folded_shape(void)
{
	struct profile *p = profile__new();
	struct folded_stats st;
	char text[] = "w;main;work 3000\n"
		      "w;main;read;[off-cpu: sleeping] 5400\n"
		      "w;[off-cpu: blocks under 20 us];[off-cpu: runnable] 600\n"
		      "w;main;read;[off-cpu: sleeping];try_to_wake_up_[w];"
		      "write_[w];f_[w] 1000\n";
	FILE *f = fmemopen(text, strlen(text), "r");
	char err[128];

	folded__read(p, f, &st);
	fclose(f);
	CHECK(wallclock__add_views(p) == 1, "wallclock: folded file has views");
	CHECK(total(p, "cpu") == 3000 && total(p, "off_cpu") == 7000 &&
	      total(p, "wall") == 10000,
	      "wallclock: folded split by marker, waker frames above it");
	CHECK(!strcmp(p->types[profile__find_type(p, "wall")].unit,
		      "microseconds"), "wallclock: folded unit microseconds");
	CHECK(!wallclock__select(p, NULL, err, sizeof(err)) &&
	      !strcmp(p->types[p->default_type].type, "wall"),
	      "wallclock: wall by default");
	profile__free(p);

	p = profile__new();
	f = fmemopen("a;b 5\n", 6, "r");
	folded__read(p, f, &st);
	fclose(f);
	CHECK(wallclock__add_views(p) == 0 && p->nr_types == 1,
	      "wallclock: plain CPU file untouched");
	profile__free(p);
}

static void test_folded_view(void)
{
	static const struct pf_value_type types[3] = {
		{ "samples", "count" }, { "cpu", "nanoseconds" },
		{ "off_cpu", "nanoseconds" },
	};
	static const char *const s[] = { "main" };
	struct profile *p = profile__new();
	double v[3] = { 1, 1001001, 1498 };

	profile__set_types(p, types, 3);
	add(p, s, 1, 1, "w", v);
	CHECK(!wallclock__folded_view(p) &&
	      !strcmp(p->types[p->default_type].type, "wall") &&
	      p->samples[0].values[p->default_type] == 1002,
	      "wallclock: folded view in rounded microseconds");
	profile__free(p);
}

int main(void)
{
	CHECK(!strcmp(wallclock__type_name("off-cpu"), "off_cpu") &&
	      !strcmp(wallclock__type_name("cpu"), "cpu"),
	      "wallclock: --sample-type names");
	test_pprof_shape();
	test_folded_shape();
	test_folded_view();
	return test_status();
}
