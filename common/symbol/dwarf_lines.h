/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inline frames and source lines of one ELF file from its DWARF
 * (.debug_info, .debug_line, in the file or its separate debug file),
 * through elfutils libdw, as eu-addr2line -i finds them.  Not here: the
 * function symbols (elf_syms.c), which name the out-of-line function.
 */
#ifndef EBPROF_DWARF_LINES_H
#define EBPROF_DWARF_LINES_H

#include <stddef.h>
#include <stdint.h>

#define DWARF_LINES_MAX_DEPTH 16	/* inline levels kept per address */

struct dwarf_lines;

struct dl_frame {
	const char *name;	/* linkage (mangled) or plain name; NULL */
	const char *file;	/* source file, or NULL */
	int line;		/* 0 when unknown */
};

/*
 * Opens @path (@fd when >= 0: an fd the caller opened safely) with its
 * DWARF taken from @debug_file when not NULL.  NULL with errno (ENOENT:
 * no DWARF at all).
 */
struct dwarf_lines *dwarf_lines__open(const char *path, int fd,
				      const char *debug_file);
void dwarf_lines__free(struct dwarf_lines *dl);

/*
 * The frames at ELF address @vaddr, innermost first: @out[0] is where
 * @vaddr is (its line from the line table), each next one the function
 * the previous was inlined into, at the call's line; the last is the
 * out-of-line function (name NULL when only the line table covers
 * @vaddr).  Returns how many (0: no DWARF covers @vaddr), at most @max.  Strings live until the next call on @dl.
 */
int dwarf_lines__frames(struct dwarf_lines *dl, uint64_t vaddr,
			struct dl_frame *out, int max);

#endif
