// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the jitdump reader: the input is a jitdump file (a
 * runtime, or a user posing as one, writes it).  It is read from a memfd
 * in one go and again as it would be while being written, in three
 * parts: both readings must give the same loads and moves.  Seeds in
 * tests/fuzz/corpus/jitdump/.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime/jitdump.h"

struct acc {
	uint64_t n, sum;
};

static int load(void *ctx, uint64_t addr, uint64_t size, const char *name)
{
	struct acc *a = ctx;
	size_t len = strlen(name);

	if (len >= JITDUMP_MAX_NAME)
		__builtin_trap();
	a->n++;
	a->sum += addr ^ size ^ len;
	return 0;
}

static int move(void *ctx, uint64_t old, uint64_t new, uint64_t size)
{
	struct acc *a = ctx;

	a->n++;
	a->sum += old ^ new ^ size;
	return 0;
}

static void read_all(int fd, struct jitdump_reader *rd, struct acc *a)
{
	int i;

	for (i = 0; i < 4; i++)
		jitdump__read(fd, rd, 1 << 20, load, move, a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jitdump_reader r1 = { 0 }, r2 = { 0 };
	struct acc a1 = { 0 }, a2 = { 0 };
	size_t cut1 = size / 3, cut2 = 2 * size / 3;
	int fd1 = memfd_create("a", 0), fd2 = memfd_create("b", 0);

	if (fd1 < 0 || fd2 < 0)
		goto out;
	if (write(fd1, data, size) != (ssize_t)size)
		goto out;
	read_all(fd1, &r1, &a1);
	if (write(fd2, data, cut1) != (ssize_t)cut1)
		goto out;
	read_all(fd2, &r2, &a2);
	if (write(fd2, data + cut1, cut2 - cut1) != (ssize_t)(cut2 - cut1))
		goto out;
	read_all(fd2, &r2, &a2);
	if (write(fd2, data + cut2, size - cut2) != (ssize_t)(size - cut2))
		goto out;
	read_all(fd2, &r2, &a2);
	if (a1.n != a2.n || a1.sum != a2.sum)
		__builtin_trap();
out:
	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
	return 0;
}
