/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Source lines for `report --annotate`: the file and line of each
 * disassembled instruction (the innermost one, inlined code included),
 * from the DWARF of the function's file or of its debug file, and the text
 * of those lines when the source file is readable.  Not here: the
 * disassembly (annotate.c), printing (annotate_out.c).
 */
#ifndef EBPROF_ANNOTATE_SRC_H
#define EBPROF_ANNOTATE_SRC_H

#include "report/annotate.h"

/* Fills insns[].src_file / src_line of @a; 0 or -ENOENT (no DWARF). */
int annotate_src__lines(struct annotation *a);

struct src_cache;
struct src_cache *src_cache__new(void);
void src_cache__free(struct src_cache *c);
/*
 * Line @line of source file @path (without its newline), or NULL when the
 * file cannot be read (files over 16 MiB and non-regular files are not).
 * Valid until the next call.
 */
const char *src_cache__line(struct src_cache *c, const char *path, int line);

#endif
