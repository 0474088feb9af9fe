// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the CPython line-table decoder (python__line()):
 * co_linetable bytes come from the memory of a process we profile, so any
 * bytes must decode without reading past the table.  Input: one byte
 * picking the format (3.10 or 3.11+), two bytes of instruction index, then
 * the table, copied to a buffer of its exact size for ASan.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/python.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int minor;
	uint8_t *t;
	int lasti, line;

	if (size < 3)
		return 0;
	minor = 10 + data[0] % 4;
	lasti = (int)(data[1] | data[2] << 8) - 1;
	t = malloc(size - 3 ? size - 3 : 1);
	if (!t)
		return 0;
	memcpy(t, data + 3, size - 3);
	line = python__line(minor, t, size - 3, 7, lasti);
	if (lasti < 0 && line != 7)
		abort();
	free(t);
	return 0;
}
