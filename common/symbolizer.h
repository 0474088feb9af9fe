/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address -> (function, module).  User addresses are resolved through the
 * module (mapped file) they belong to, whose symbols are loaded once and
 * cached per file; kernel addresses through /proc/kallsyms, loaded on
 * first use.  Names come back demangled, with the mangled form kept.
 * Unresolved addresses follow FlameGraph's convention: "[libfoo.so]" when
 * the module is known, "[unknown]" otherwise.
 */
#ifndef EBPROF_SYMBOLIZER_H
#define EBPROF_SYMBOLIZER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc_maps.h"

struct symbolizer;

struct sym_result {
	const char *name;	/* demangled, never NULL */
	const char *mangled;	/* as in the symbol table, or NULL */
	const char *module;	/* module path, or NULL */
	const char *build_id;	/* hex, or NULL */
	bool resolved;		/* false: name is "[module]" / "[unknown]" */
};

/* @debug_dir: NULL for /usr/lib/debug. */
struct symbolizer *symbolizer__new(const char *debug_dir);
void symbolizer__free(struct symbolizer *s);

/*
 * Resolves file offset @off of @mod (mapped by @pid).  The strings are
 * valid until the next call (copy or intern them).  0 or -ENOMEM.
 */
int symbolizer__user(struct symbolizer *s, struct pm_module *mod, pid_t pid,
		     uint64_t off, struct sym_result *res);
/* Resolves a kernel address, with the same string lifetime; 0. */
int symbolizer__kernel(struct symbolizer *s, uint64_t addr,
		       struct sym_result *res);

/* Why the kernel's symbols are unavailable (errno), or 0. */
int symbolizer__kernel_error(const struct symbolizer *s);

/* Frees the per-module state kept in @mod->priv. */
void symbolizer__forget(struct symbolizer *s, struct pm_module *mod);

/* Does @mod have symbols (after a symbolizer__user() on it)? */
bool symbolizer__module_has_symbols(const struct pm_module *mod);

/*
 * The symbols of @mod, NULL when it was never resolved (not sampled) or
 * has none (common/debuginfod.c gives it a fetched debug file).
 */
struct elf_syms *symbolizer__module_syms(const struct pm_module *mod);

#endif
