// SPDX-License-Identifier: GPL-2.0
/* Kernel symbols from /proc/kallsyms; see ksyms.h. */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strpool.h"
#include "symbol/ksyms.h"

/*
 * Compact: about 120,000 symbols on a distribution kernel, so an entry
 * is an address, an offset into one name buffer and a module index
 * (14 bytes), not three pointers and a hash table entry.
 */
struct ksyms {
	uint64_t *addrs;
	uint32_t *names;	/* offsets into name_buf */
	uint16_t *mods;		/* index into modules */
	size_t nr, cap;
	char *name_buf;
	size_t name_len, name_cap;
	const char **modules;	/* interned in strings; 0 is the kernel */
	size_t nr_modules;
	struct strpool strings;
	uint64_t end;		/* past the last text symbol */
};

static int grow(struct ksyms *ks)
{
	size_t c = ks->cap ? ks->cap * 2 : 65536;
	uint64_t *a = realloc(ks->addrs, c * sizeof(*a));
	uint32_t *n;
	uint16_t *m;

	if (!a)
		return -1;
	ks->addrs = a;
	n = realloc(ks->names, c * sizeof(*n));
	if (!n)
		return -1;
	ks->names = n;
	m = realloc(ks->mods, c * sizeof(*m));
	if (!m)
		return -1;
	ks->mods = m;
	ks->cap = c;
	return 0;
}

static int add_name(struct ksyms *ks, const char *name)
{
	size_t len = strlen(name) + 1;

	if (ks->name_len + len > ks->name_cap) {
		size_t c = ks->name_cap ? ks->name_cap * 2 : 1 << 20;
		char *n = realloc(ks->name_buf, c);

		if (!n || c > UINT32_MAX)
			return -1;
		ks->name_buf = n;
		ks->name_cap = c;
	}
	ks->names[ks->nr] = ks->name_len;
	memcpy(ks->name_buf + ks->name_len, name, len);
	ks->name_len += len;
	return 0;
}

static int module_index(struct ksyms *ks, const char *mod)
{
	const char *m = strpool__intern(&ks->strings, mod);
	size_t i;

	if (!m)
		return -1;
	/* Lines of one module come together: check the last one first. */
	for (i = ks->nr_modules; i-- > 0;)
		if (ks->modules[i] == m)
			return i;
	if (ks->nr_modules >= UINT16_MAX)
		return 0;
	if (!(ks->nr_modules & (ks->nr_modules - 1))) {
		const char **n = realloc(ks->modules, (ks->nr_modules ?
					 ks->nr_modules * 2 : 1) * sizeof(*n));

		if (!n)
			return -1;
		ks->modules = n;
	}
	ks->modules[ks->nr_modules] = m;
	return ks->nr_modules++;
}

/* Sorts the three arrays by address through a permutation. */
static const uint64_t *sort_addrs;

static int cmp_idx(const void *a, const void *b)
{
	uint64_t x = sort_addrs[*(const uint32_t *)a];
	uint64_t y = sort_addrs[*(const uint32_t *)b];

	return x < y ? -1 : x > y;
}

static int sort_syms(struct ksyms *ks)
{
	uint32_t *perm = malloc(ks->nr * sizeof(*perm)), i;
	uint64_t *a = malloc(ks->nr * sizeof(*a));
	uint32_t *n = malloc(ks->nr * sizeof(*n));
	uint16_t *m = malloc(ks->nr * sizeof(*m));
	int err = -1;

	if (!perm || !a || !n || !m)
		goto out;
	for (i = 0; i < ks->nr; i++)
		perm[i] = i;
	sort_addrs = ks->addrs;
	qsort(perm, ks->nr, sizeof(*perm), cmp_idx);
	for (i = 0; i < ks->nr; i++) {
		a[i] = ks->addrs[perm[i]];
		n[i] = ks->names[perm[i]];
		m[i] = ks->mods[perm[i]];
	}
	free(ks->addrs);
	free(ks->names);
	free(ks->mods);
	ks->addrs = a;
	ks->names = n;
	ks->mods = m;
	a = NULL;
	n = NULL;
	m = NULL;
	err = 0;
out:
	free(perm);
	free(a);
	free(n);
	free(m);
	return err;
}

struct ksyms *ksyms__load(const char *path)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	char *line = NULL, name[512], mod[128], type;
	size_t cap = 0;
	FILE *f = NULL;
	int err = ENOMEM;

	if (!ks)
		return NULL;
	strpool__init(&ks->strings);
	if (module_index(ks, "[kernel.kallsyms]"))
		goto fail;
	f = fopen(path ? path : "/proc/kallsyms", "re");
	if (!f) {
		err = errno;
		goto fail;
	}
	while (getline(&line, &cap, f) > 0) {
		unsigned long long addr;
		int n, mi = 0;

		mod[0] = '\0';
		n = sscanf(line, "%llx %c %511s [%127[^]]]", &addr, &type,
			   name, mod);
		if (n < 3 || !addr)
			continue;
		/* Only code: text and weak symbols. */
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (ks->nr == ks->cap && grow(ks))
			goto fail;
		if (mod[0] && (mi = module_index(ks, mod)) < 0)
			goto fail;
		if (add_name(ks, name))
			goto fail;
		ks->addrs[ks->nr] = addr;
		ks->mods[ks->nr] = mi;
		ks->nr++;
	}
	free(line);
	line = NULL;
	fclose(f);
	f = NULL;
	if (!ks->nr) {		/* all addresses zero: kptr_restrict */
		err = EPERM;
		goto fail;
	}
	if (sort_syms(ks))
		goto fail;
	/* The last symbol covers a page at most: beyond is not code. */
	ks->end = ks->addrs[ks->nr - 1] + 4096;
	return ks;
fail:
	free(line);
	if (f)
		fclose(f);
	ksyms__free(ks);
	errno = err;
	return NULL;
}

void ksyms__free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->addrs);
	free(ks->names);
	free(ks->mods);
	free(ks->name_buf);
	free(ks->modules);
	strpool__release(&ks->strings);
	free(ks);
}

const char *ksyms__lookup(const struct ksyms *ks, uint64_t addr,
			  uint64_t *start, const char **module)
{
	size_t lo = 0, hi = ks->nr;

	if (!ks->nr || addr < ks->addrs[0] || addr >= ks->end)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (start)
		*start = ks->addrs[lo];
	if (module)
		*module = ks->modules[ks->mods[lo]];
	return ks->name_buf + ks->names[lo];
}
