/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel symbols from /proc/kallsyms, modules included: sorted once,
 * looked up by binary search.  Not here: user-space symbols (elf_syms.h).
 */
#ifndef EBPROF_KSYMS_H
#define EBPROF_KSYMS_H

#include <stdint.h>

struct ksyms;

/* Loads @path (NULL: /proc/kallsyms).  NULL with errno on failure. */
struct ksyms *ksyms__load(const char *path);
void ksyms__free(struct ksyms *ks);

/*
 * The symbol covering @addr: its name, with its start in @start and its
 * module ("[kernel.kallsyms]" or the module name) in @module.  NULL when
 * @addr is below every symbol or addresses are hidden (kptr_restrict).
 */
const char *ksyms__lookup(const struct ksyms *ks, uint64_t addr,
			  uint64_t *start, const char **module);

#endif
