// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the perf map parser: the input is a perf map (a
 * file any user can write for their own processes).  It is parsed whole,
 * and read incrementally from a memfd written in two parts: both must give
 * the same symbols, each with a name of one line and a range that does
 * not wrap.  Seeds in tests/fuzz/corpus/perf_map/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime/perf_map.h"

struct acc {
	uint64_t n, sum;
};

static int add(void *ctx, uint64_t start, uint64_t size, const char *name,
	       size_t len)
{
	struct acc *a = ctx;

	if (!len || !size || start + size < start || memchr(name, '\n', len) ||
	    len > PERF_MAP_MAX_LINE)
		__builtin_trap();
	a->n++;
	a->sum += start ^ size ^ len ^ (unsigned char)name[0];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acc whole = { 0 }, inc = { 0 };
	struct perf_map_reader rd = { 0 };
	size_t used, half = size / 2;
	int err, fd;

	used = perf_map__parse((const char *)data, size, 0, add, &whole, &err);
	if (used > size)
		__builtin_trap();
	fd = memfd_create("fuzz", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, half) == (ssize_t)half &&
	    !perf_map__read(fd, &rd, 1 << 30, add, &inc) &&
	    write(fd, data + half, size - half) == (ssize_t)(size - half) &&
	    !perf_map__read(fd, &rd, 1 << 30, add, &inc)) {
		if (inc.n != whole.n || inc.sum != whole.sum)
			__builtin_trap();
	}
	close(fd);
	return 0;
}
