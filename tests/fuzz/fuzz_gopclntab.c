// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for gopclntab: the input is a pclntab section (as a
 * hostile Go binary would carry), parsed with a text start taken from its
 * first bytes, then walked function by function and looked up at PCs
 * around each function and from the input's tail.
 */
#include <stdint.h>
#include <string.h>

#include "symbol/gopclntab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gopclntab *t = gopclntab__new(data, size, size & 1 ? 0x401000 : 0);
	uint64_t start, end, pc;
	const char *name, *file;
	size_t i, n;
	int line;

	if (!t)
		return 0;
	n = gopclntab__count(t);
	for (i = 0; i < n && i < 4096; i++) {
		name = gopclntab__func(t, i, &start, &end);
		if (!name)
			continue;
		if (!*name || end <= start)
			__builtin_trap();	/* broken invariant */
		gopclntab__lookup(t, start, &start, &file, &line);
		gopclntab__lookup(t, end - 1, &start, &file, &line);
	}
	for (i = 0; i + 8 <= size && i < 64; i += 8) {
		memcpy(&pc, data + size - 8 - i, 8);
		name = gopclntab__lookup(t, pc, &start, &file, &line);
		if (name && (start > pc || (file && !line)))
			__builtin_trap();
	}
	gopclntab__free(t);
	return 0;
}
