// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for elf_syms: the input is an ELF image (as a vDSO read
 * from a hostile process would be), opened from memory, then queried at
 * addresses taken from the tail of the input, walking back through the
 * symbol table from each.  Seeds in tests/fuzz/corpus/elf/ are tiny
 * programs (-nostdlib -Os, static / static-pie / shared / -m32, a
 * stripped one with its --only-keep-debug file, one with DWARF) built
 * from a three-function C file.
 */
#include <stdint.h>
#include <string.h>

#include "symbol/elf_syms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_syms *es = elf_syms__open_mem(data, size, "fuzz");
	uint64_t addr, start, v;
	const char *name;
	size_t i, n;

	if (!es)
		return 0;
	elf_syms__build_id(es);
	elf_syms__count(es);
	for (i = 0; i + 8 <= size && i < 8 * 8; i += 8) {
		memcpy(&addr, data + size - 8 - i, 8);
		elf_syms__offset_to_vaddr(es, addr, &v);
		elf_syms__offset_to_vaddr(es, addr & 0xffff, &v);
		/* walk back through the table from addr, symbol by symbol */
		for (n = 0; n < 64; n++) {
			name = elf_syms__lookup(es, addr, &start);
			if (!name)
				break;
			if (!*name || start > addr)
				__builtin_trap();	/* broken invariant */
			if (!start)
				break;
			addr = start - 1;
		}
	}
	elf_syms__free(es);
	return 0;
}
