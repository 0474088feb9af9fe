/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MiniDebugInfo: the xz-compressed ELF image that Fedora/RHEL's
 * find-debuginfo puts into section .gnu_debugdata of stripped binaries; its
 * .symtab holds the function symbols that .dynsym lacks, with the outer
 * binary's addresses.  This file only finds and decompresses the image
 * (bounded in size and memory); common/symbol/elf_syms.c reads its symbols.
 */
#ifndef EBPROF_MINIDEBUG_H
#define EBPROF_MINIDEBUG_H

#include <gelf.h>
#include <stddef.h>

/* Decompressed images larger than this are refused (EFBIG). */
#define MINIDEBUG_MAX_SIZE (256u << 20)

/*
 * The decompressed image of @elf's .gnu_debugdata, malloc'd (free() it),
 * its size in *@size.  NULL with errno ENOENT (no such section), EINVAL
 * (not valid xz data), EFBIG (over MINIDEBUG_MAX_SIZE) or ENOMEM.
 */
void *minidebug__image(Elf *elf, size_t *size);

/* Same from xz data in memory (the section's bytes). */
void *minidebug__decompress(const void *xz, size_t xz_size, size_t *size);

#endif
