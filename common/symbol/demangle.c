// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol demangling through libiberty's cplus_demangle().  In its default
 * "auto" style it tries Rust first (legacy _ZN...17h<hash>E, shown without
 * the hash unless DMGL_VERBOSE, and v0 _R...), then the Itanium C++ ABI.
 * Not here: choosing which names to demangle (the symbolizer does that).
 */
#include <stdlib.h>
#include <string.h>
#include <libiberty/demangle.h>

#include "symbol/demangle.h"

/*
 * libiberty's C++ demangler keeps per-name work arrays on the stack, about
 * 70 bytes per input byte; longer (hostile) names could overflow a
 * thread's stack.  Real names stay far below this.
 */
#define MAX_MANGLED 16384

char *demangle(const char *name)
{
	/* the ELF manglings start with _Z (C++, legacy Rust) or _R (v0) */
	if (!name || name[0] != '_' || (name[1] != 'Z' && name[1] != 'R'))
		return NULL;
	if (strnlen(name, MAX_MANGLED + 1) > MAX_MANGLED)
		return NULL;
	return cplus_demangle(name, DMGL_PARAMS | DMGL_ANSI);
}
