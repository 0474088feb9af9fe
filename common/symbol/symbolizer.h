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

#include "sample/proc_maps.h"

struct symbolizer;

/* A function inlined at the address (with symbolizer__set_inline()). */
struct sym_inline {
	const char *name;	/* demangled, never NULL */
	const char *mangled;	/* linkage name, or NULL */
	const char *file;	/* source file, or NULL */
	int line;		/* 0 when unknown */
};

struct sym_result {
	const char *name;	/* demangled, never NULL */
	const char *mangled;	/* as in the symbol table, or NULL */
	const char *module;	/* module path, or NULL */
	const char *build_id;	/* hex, or NULL */
	bool resolved;		/* false: name is "[module]" / "[unknown]" */
	/* With symbolizer__set_inline() and DWARF at hand: */
	const char *file;	/* source file of the address in name */
	int line;		/* its line (the call's, when inlined) */
	const struct sym_inline *inl;	/* inlined frames, outermost first */
	size_t nr_inl;
};

/* @debug_dir: NULL for /usr/lib/debug. */
struct symbolizer *symbolizer__new(const char *debug_dir);
/*
 * Inline frames and source lines from DWARF (common/symbol/dwarf_lines.c) in the
 * results of symbolizer__user(); off by default.
 */
void symbolizer__set_inline(struct symbolizer *s, bool on);
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
 * has none (common/symbol/debuginfod.c gives it a fetched debug file).
 */
struct elf_syms *symbolizer__module_syms(const struct pm_module *mod);

#endif
