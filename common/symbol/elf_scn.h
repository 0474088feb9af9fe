/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding an ELF section by name through libelf's bounds-checked
 * accessors (the file may be hostile).  Not here: reading its data.
 */
#ifndef EBPROF_ELF_SCN_H
#define EBPROF_ELF_SCN_H

#include <gelf.h>

/*
 * The first section of @elf named @name, its header in *@sh; NULL when
 * there is none (or no section-name table).
 */
Elf_Scn *elf_scn__by_name(Elf *elf, const char *name, GElf_Shdr *sh);

#endif
