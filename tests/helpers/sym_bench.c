// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark helper (scripts/bench-symbols.sh): resolves a list of ELF
 * addresses of one file through the symbolizer, the way `record` does at
 * the end of a recording, with or without inline frames and lines, and
 * prints "ADDRESSES FRAMES MILLISECONDS" (frames: with inlined ones).
 * Usage: sym_bench FILE ADDRS inline|plain  (ADDRS: one hex address a line)
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sample/proc_maps.h"
#include "symbol/symbolizer.h"

/* File offset of ELF address @v through the PT_LOAD holding it. */
static int to_offset(Elf *elf, uint64_t v, uint64_t *off)
{
	GElf_Phdr ph;
	size_t i, n;

	if (elf_getphdrnum(elf, &n))
		return -1;
	for (i = 0; i < n; i++)
		if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_LOAD &&
		    v >= ph.p_vaddr && v - ph.p_vaddr < ph.p_filesz) {
			*off = v - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	return -1;
}

int main(int argc, char **argv)
{
	struct pm_module mod = { 0 };
	struct symbolizer *s;
	struct sym_result res;
	struct timespec t0, t1;
	uint64_t *offs = NULL, v;
	size_t n = 0, cap = 0, i, frames = 0;
	FILE *f;
	Elf *elf;
	int fd;

	if (argc != 4 || (strcmp(argv[3], "inline") && strcmp(argv[3], "plain"))) {
		fprintf(stderr, "usage: sym_bench FILE ADDRS inline|plain\n");
		return 2;
	}
	elf_version(EV_CURRENT);
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	elf = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;
	f = fopen(argv[2], "r");
	if (!elf || !f) {
		fprintf(stderr, "sym_bench: cannot open the inputs\n");
		return 1;
	}
	while (fscanf(f, "%lx", &v) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			offs = realloc(offs, cap * sizeof(*offs));
			if (!offs)
				return 1;
		}
		if (!to_offset(elf, v, &offs[n]))
			n++;
	}
	fclose(f);
	elf_end(elf);
	close(fd);
	mod.path = argv[1];
	mod.name = argv[1];
	mod.fd = -1;
	s = symbolizer__new(NULL);
	if (!s)
		return 1;
	symbolizer__set_inline(s, !strcmp(argv[3], "inline"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		if (symbolizer__user(s, &mod, getpid(), offs[i], &res))
			return 1;
		frames += 1 + res.nr_inl;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%zu %zu %.1f\n", n, frames,
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	symbolizer__forget(s, &mod);
	symbolizer__free(s);
	free(offs);
	return 0;
}
