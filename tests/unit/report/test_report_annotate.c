// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of common/report/annotate.c on this very test binary: a profile is
 * built from the real runtime addresses of a function of ours and the
 * mapping /proc/self/maps shows for it, then the samples must land on the
 * instructions at the same offsets in the disassembly.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/annotate.h"
#include "test.h"

__attribute__((noinline)) int report_test_spin(int n)
{
	volatile int x = 0;
	int i;

	for (i = 0; i < n; i++)
		x += i * 3;
	return x;
}

/* The mapping of /proc/self/maps holding @addr. */
static int self_mapping(uintptr_t addr, struct pf_mapping *m, char *path,
			size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[1024];
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e, off;
		int pos = 0;

		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &s, &e, &off,
			   &pos) < 3 || !pos)
			continue;
		if (addr < s || addr >= e)
			continue;
		m->start = s;
		m->limit = e;
		m->offset = off;
		snprintf(path, len, "%s", line + pos);
		path[strcspn(path, "\n")] = '\0';
		m->file = path;
		m->build_id = NULL;
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

static void add_leaf(struct profile *p, uint32_t mapping, const char *name,
		     uint64_t addr, double v)
{
	struct pf_frame main_f = { "main", NULL, NULL, 0, 0, 0, 0 };
	struct pf_frame leaf = { name, NULL, NULL, addr, mapping, 0, 0 };
	uint32_t stack[2];

	leaf.module = p->mappings[mapping - 1].file;
	stack[0] = profile__frame(p, &main_f);
	stack[1] = profile__frame(p, &leaf);
	profile__add(p, stack, 2, NULL, &v);
}

int main(void)
{
	uintptr_t fn = (uintptr_t)report_test_spin;
	static const struct {
		unsigned int off;
		double v;
	} hits[] = { { 0, 5 }, { 1, 3 }, { 9, 7 }, { 17, 2 } };
	struct pf_mapping m;
	struct annotation *a = NULL;
	struct profile *p;
	char path[512], err[256];
	uint32_t mid;
	size_t i, k;
	bool ok = true, ret = false;
	double placed = 0;
	int r;

	report_test_spin(10);
	if (self_mapping(fn, &m, path, sizeof(path)) || path[0] != '/') {
		SKIP("no file mapping for our code", "annotate");
		return test_status();
	}
	p = profile__new();
	mid = profile__mapping(p, &m);
	for (i = 0; i < sizeof(hits) / sizeof(*hits); i++)
		add_leaf(p, mid, "report_test_spin", fn + hits[i].off,
			 hits[i].v);
	/* Named like the function, but the address is elsewhere. */
	add_leaf(p, mid, "report_test_spin", (uintptr_t)main, 4);

	r = annotate__symbol(p, 0, "report_test_spin", &a, err, sizeof(err));
	CHECK(r == 0 && a, "annotate: our own function (%s)", r ? err : "ok");
	if (!a)
		goto out;
	CHECK(a->nr_insns > 3 && a->insns[0].addr == a->start,
	      "annotate: disassembled from the symbol's start");
	for (i = 0; i < a->nr_insns; i++) {
		double want = 0;

		for (k = 0; k < sizeof(hits) / sizeof(*hits); k++)
			if (a->start + hits[k].off >= a->insns[i].addr &&
			    a->start + hits[k].off < a->insns[i].addr +
						     a->insns[i].size)
				want += hits[k].v;
		if (a->insns[i].value != want)
			ok = false;
		placed += a->insns[i].value;
		if (!strncmp(a->insns[i].text, "ret", 3))
			ret = true;
	}
	CHECK(ok, "annotate: each sample on the instruction at its offset");
	CHECK(placed == 17 && a->total == 21 && a->unplaced == 4,
	      "annotate: 17 placed, 4 outside the symbol, 21 in all");
	CHECK(ret, "annotate: the function's ret is in the listing");
	annotation__free(a);
	a = NULL;

	r = annotate__symbol(p, 0, "no_such_function", &a, err, sizeof(err));
	CHECK(r == -ENOENT && strstr(err, "no function"),
	      "annotate: unknown name is -ENOENT (%s)", err);
out:
	profile__free(p);

	/* Folded-style frames: names only. */
	p = profile__new();
	{
		struct pf_frame f = { "report_test_spin", NULL, NULL, 0, 0, 0,
				      0 };
		uint32_t id = profile__frame(p, &f);
		double v = 1;

		profile__add(p, &id, 1, NULL, &v);
	}
	r = annotate__symbol(p, 0, "report_test_spin", &a, err, sizeof(err));
	CHECK(r == -ENOTSUP, "annotate: frames without addresses: -ENOTSUP");
	profile__free(p);

	/* A mapping whose file is not ELF. */
	p = profile__new();
	m.file = "/proc/self/maps";
	mid = profile__mapping(p, &m);
	add_leaf(p, mid, "report_test_spin", fn, 1);
	r = annotate__symbol(p, 0, "report_test_spin", &a, err, sizeof(err));
	CHECK(r == -ENOEXEC, "annotate: a file that is not ELF: -ENOEXEC");
	profile__free(p);
	return test_status();
}
