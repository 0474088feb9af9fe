/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Samples per instruction of one function, like `perf annotate`: the
 * function is found by name in the ELF file of a mapping of the profile,
 * its bytes are disassembled with capstone (x86-64, AT&T syntax) and the
 * leaf addresses of the samples are placed on the instructions.  Needs a
 * profile with addresses and mappings (pprof input); folded stacks have
 * neither.  Not here: printing (annotate_out.c).
 */
#ifndef EBPROF_ANNOTATE_H
#define EBPROF_ANNOTATE_H

#include <stddef.h>
#include <stdint.h>

#include "profile/profile.h"

struct annotate_insn {
	uint64_t addr;		/* ELF virtual address */
	uint16_t size;
	char *text;		/* "mov %rsp, %rbp" */
	double value;		/* samples whose leaf is this instruction */
	char *src_file;		/* source file from DWARF, or NULL */
	int src_line;		/* its line (innermost, inlined included) */
};

struct annotation {
	char *symbol;		/* name in the ELF file (mangled) */
	char *file;		/* the mapping's file */
	uint64_t start, size;	/* ELF virtual address range */
	struct annotate_insn *insns;
	size_t nr_insns;
	double total;		/* leaf samples of the function */
	double unplaced;	/* ... whose address is outside the symbol */
};

/*
 * Annotates the function named @symbol (demangled or mangled) with @p's
 * value @type.  Returns 0 or -errno with @err (size @errlen) saying why:
 * -ENOENT no such function in the profile or the file, -ENOTSUP no
 * addresses or mappings, -ENOEXEC not an ELF file, -ENOMEM.
 */
int annotate__symbol(const struct profile *p, size_t type, const char *symbol,
		     struct annotation **out, char *err, size_t errlen);
void annotation__free(struct annotation *a);

#endif
