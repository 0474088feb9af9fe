// SPDX-License-Identifier: GPL-2.0
/* Kernel symbols from /proc/kallsyms; see ksyms.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "strpool.h"

struct ksym {
	uint64_t addr;
	const char *name;
	const char *module;
};

struct ksyms {
	struct ksym *syms;
	size_t nr, cap;
	struct strpool strings;
	uint64_t end;		/* past the last text symbol */
};

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct ksyms *ksyms__load(const char *path)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	char *line = NULL, name[512], mod[128], type;
	const char *kernel;
	size_t cap = 0;
	FILE *f;

	if (!ks)
		return NULL;
	strpool__init(&ks->strings);
	kernel = strpool__intern(&ks->strings, "[kernel.kallsyms]");
	f = fopen(path ? path : "/proc/kallsyms", "re");
	if (!f || !kernel)
		goto fail;
	while (getline(&line, &cap, f) > 0) {
		unsigned long long addr;
		struct ksym *s;
		int n;

		mod[0] = '\0';
		n = sscanf(line, "%llx %c %511s [%127[^]]]", &addr, &type,
			   name, mod);
		if (n < 3 || !addr)
			continue;
		/* Only code: text and weak symbols. */
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (ks->nr == ks->cap) {
			size_t c = ks->cap ? ks->cap * 2 : 65536;

			s = realloc(ks->syms, c * sizeof(*s));
			if (!s)
				goto fail;
			ks->syms = s;
			ks->cap = c;
		}
		s = &ks->syms[ks->nr];
		s->addr = addr;
		s->name = strpool__intern(&ks->strings, name);
		s->module = mod[0] ? strpool__intern(&ks->strings, mod) :
				     kernel;
		if (!s->name || !s->module)
			goto fail;
		ks->nr++;
	}
	free(line);
	fclose(f);
	if (!ks->nr) {		/* all addresses zero: kptr_restrict */
		errno = EPERM;
		ksyms__free(ks);
		return NULL;
	}
	qsort(ks->syms, ks->nr, sizeof(*ks->syms), cmp_ksym);
	/* The last symbol covers a page at most: beyond is not code. */
	ks->end = ks->syms[ks->nr - 1].addr + 4096;
	return ks;
fail:
	free(line);
	if (f)
		fclose(f);
	ksyms__free(ks);
	errno = ENOMEM;
	return NULL;
}

void ksyms__free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	strpool__release(&ks->strings);
	free(ks);
}

const char *ksyms__lookup(const struct ksyms *ks, uint64_t addr,
			  uint64_t *start, const char **module)
{
	size_t lo = 0, hi = ks->nr;

	if (!ks->nr || addr < ks->syms[0].addr || addr >= ks->end)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (start)
		*start = ks->syms[lo].addr;
	if (module)
		*module = ks->syms[lo].module;
	return ks->syms[lo].name;
}
