/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbols of one ELF file: its function symbols (from .symtab, else from a
 * separate debug file found by build-id or .gnu_debuglink, else from
 * MiniDebugInfo (.gnu_debugdata) with .dynsym, else from Go's .gopclntab,
 * else .dynsym),
 * its build id, and the file-offset -> ELF-address translation through its
 * PT_LOAD program headers.  Opened once per file and cached by the caller
 * (common/symbol/symbolizer.c).  Not here: process mappings, kernel symbols,
 * demangling (demangle.h).
 */
#ifndef EBPROF_ELF_SYMS_H
#define EBPROF_ELF_SYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct elf_syms;

/*
 * Opens the ELF file at @path.  @root, when not NULL, is a directory
 * ("/proc/PID/root") under which debug-file paths are looked up first (for
 * processes in containers), then they are looked up in the host's /.
 * @debug_dir overrides "/usr/lib/debug" (tests); NULL for the default.
 * Returns NULL with errno set (ENOENT, ENOEXEC for a file that is not a
 * valid ELF, ENOMEM).  Hostile files must not crash it.
 */
struct elf_syms *elf_syms__open(const char *path, const char *root,
				const char *debug_dir);
/* Same from an ELF image in memory (the vDSO); @image is copied. */
struct elf_syms *elf_syms__open_mem(const void *image, size_t size,
				    const char *name);
void elf_syms__free(struct elf_syms *es);
/*
 * Replaces @es's symbols with the .symtab of debug file @path (one that a
 * debuginfod server sent), after checking that its build id is @es's;
 * elf_syms__source() then says @source (a static string).  0, -ENOEXEC
 * (not a matching ELF file with symbols) or -ENOMEM.
 */
int elf_syms__use_debug_file(struct elf_syms *es, const char *path,
			      const char *source);

/* True when the symbols were read from the file @dev:@ino. */
bool elf_syms__is_file(const struct elf_syms *es, dev_t dev, ino_t ino);

/* Lowercase hex build id, or NULL when the file has none. */
const char *elf_syms__build_id(const struct elf_syms *es);
/* Path of the separate debug file used, or NULL. */
const char *elf_syms__debug_file(const struct elf_syms *es);
/*
 * Where the symbols came from: "symtab", "debug file", "minidebuginfo",
 * "gopclntab", "dynsym"; NULL when there are none.
 */
const char *elf_syms__source(const struct elf_syms *es);
/*
 * Source file and line of ELF address @vaddr from Go's pclntab, when the
 * symbols came from it; -ENOENT otherwise.  Strings live as long as @es.
 */
int elf_syms__go_line(const struct elf_syms *es, uint64_t vaddr,
		      const char **file, int *line);
/* Number of function symbols loaded (0: stripped, nothing found). */
size_t elf_syms__count(const struct elf_syms *es);
/* True for ET_DYN (PIE executables and shared libraries). */
bool elf_syms__is_dyn(const struct elf_syms *es);

/*
 * ELF virtual address of file offset @off through the PT_LOAD segment
 * holding it.  0 or -ENOENT when no segment covers it.
 */
int elf_syms__offset_to_vaddr(const struct elf_syms *es, uint64_t off,
			      uint64_t *vaddr);

/*
 * The function symbol covering ELF address @vaddr: its (mangled) name and
 * start address.  A symbol of size 0 covers up to the next symbol.  NULL
 * when no symbol covers @vaddr.  The name lives as long as @es.
 */
const char *elf_syms__lookup(const struct elf_syms *es, uint64_t vaddr,
			     uint64_t *start);

#endif
