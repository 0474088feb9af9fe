/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Demangling of C++ (Itanium ABI) and Rust (legacy and v0) symbol names,
 * through libiberty.  Not a hand-written demangler.
 */
#ifndef EBPROF_DEMANGLE_H
#define EBPROF_DEMANGLE_H

/*
 * Demangled form of @name (malloc'd, caller frees), or NULL when @name is
 * not mangled (or cannot be demangled): then use @name as it is.
 */
char *demangle(const char *name);

#endif
