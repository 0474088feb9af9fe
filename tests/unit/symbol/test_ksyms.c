// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of common/symbol/ksyms.c: kernel symbol lookup in a
 * kallsyms file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "symbol/ksyms.h"
#include "test.h"

static void test_ksyms(void)
{
	char path[256];
	const char *mod, *name;
	struct ksyms *ks;
	uint64_t start;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kallsyms", test_tmpdir());
	f = fopen(path, "w");
	fputs("ffffffff81000300 T second_func\n"
	      "ffffffff81000000 T _stext\n"
	      "ffffffff81000100 t first_func\n"
	      "ffffffff81000200 D some_data\n"
	      "0000000000000000 A absolute\n"
	      "ffffffffc0001000 t mod_func\t[mymod]\n", f);
	fclose(f);
	ks = ksyms__load(path);
	CHECK(ks != NULL, "ksyms: load");
	if (!ks)
		return;
	name = ksyms__lookup(ks, 0xffffffff81000150ULL, &start, &mod);
	CHECK(name && !strcmp(name, "first_func") &&
	      start == 0xffffffff81000100ULL &&
	      !strcmp(mod, "[kernel.kallsyms]"),
	      "ksyms: address inside a function (unsorted input)");
	name = ksyms__lookup(ks, 0xffffffff81000250ULL, NULL, NULL);
	CHECK(name && !strcmp(name, "first_func"),
	      "ksyms: data symbols are not functions");
	name = ksyms__lookup(ks, 0xffffffffc0001010ULL, NULL, &mod);
	CHECK(name && !strcmp(name, "mod_func") && !strcmp(mod, "mymod"),
	      "ksyms: module symbol and its module");
	CHECK(!ksyms__lookup(ks, 0x1000, NULL, NULL),
	      "ksyms: below every symbol");
	CHECK(!ksyms__lookup(ks, 0xffffffffc0100000ULL, NULL, NULL),
	      "ksyms: far past the last symbol");
	ksyms__free(ks);

	f = fopen(path, "w");
	fputs("0000000000000000 T _stext\n0000000000000000 t x\n", f);
	fclose(f);
	ks = ksyms__load(path);
	CHECK(!ks && errno == EPERM, "ksyms: hidden addresses (kptr_restrict) are EPERM");
	ksyms__free(ks);
}

int main(void)
{
	test_ksyms();
	return test_status();
}
