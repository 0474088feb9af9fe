// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for MiniDebugInfo: the input is the xz data of a
 * .gnu_debugdata section; when it decompresses, the image is opened as
 * an ELF file the way elf_syms does for the inner .symtab.
 */
#include <stdint.h>
#include <stdlib.h>

#include "symbol/elf_syms.h"
#include "symbol/minidebug.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;
	void *img = minidebug__decompress(data, size, &n);
	struct elf_syms *es;
	uint64_t start;

	if (!img)
		return 0;
	if (n > MINIDEBUG_MAX_SIZE)
		__builtin_trap();
	es = elf_syms__open_mem(img, n, "fuzz");
	if (es) {
		elf_syms__lookup(es, 0x1000, &start);
		elf_syms__free(es);
	}
	free(img);
	return 0;
}
