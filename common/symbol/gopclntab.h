/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Go's .gopclntab: the function table that the Go runtime itself uses for
 * tracebacks, kept by stripped Go binaries (`-ldflags='-s -w'`, strip).
 * Gives function names, their address ranges and file:line per PC for the
 * Go 1.16/1.17, 1.18/1.19 and 1.20+ layouts (64- and 32-bit, little-endian).
 * Not here: Go inline trees (FUNCDATA_InlTree), older (1.2-1.15) tables,
 * goroutine labels.
 */
#ifndef EBPROF_GOPCLNTAB_H
#define EBPROF_GOPCLNTAB_H

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

struct gopclntab;

/*
 * Parses a table from its bytes (copied).  @text_start is the address of
 * the binary's .text section (Go's runtime.text), used as the base of the
 * 1.18+ entry offsets because the stored one may be unrelocated in PIE
 * files; 0 to trust the stored one.  NULL with errno ENOEXEC (no table
 * this file knows) or ENOMEM.  Hostile input must not crash it.
 */
struct gopclntab *gopclntab__new(const void *data, size_t size,
				 uint64_t text_start);
/*
 * The table of an ELF file: section .gopclntab, else (PIE builds)
 * .data.rel.ro.gopclntab.  NULL with errno ENOENT when there is none.
 */
struct gopclntab *gopclntab__from_elf(Elf *elf);
void gopclntab__free(struct gopclntab *t);

/* Number of functions. */
size_t gopclntab__count(const struct gopclntab *t);
/*
 * Function @i (in address order): [*start, *end) and its name.  NULL when
 * @i is out of range or the entry is malformed.  Lives as long as @t.
 */
const char *gopclntab__func(const struct gopclntab *t, size_t i,
			    uint64_t *start, uint64_t *end);
/*
 * The function holding @pc, with its source file and line at @pc (*file
 * NULL and *line 0 when the table has none).  NULL when no function does.
 */
const char *gopclntab__lookup(const struct gopclntab *t, uint64_t pc,
			      uint64_t *start, const char **file, int *line);

#endif
