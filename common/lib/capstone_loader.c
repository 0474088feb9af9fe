// SPDX-License-Identifier: GPL-2.0
/*
 * capstone at run time in the dynamic build (see lazy_lib.h): libcapstone
 * is large and its relocations alone make ~5 MiB resident in every
 * process linked with it, while most commands never disassemble and
 * `record` only does for the rare leaf no unwind table covers
 * (leaf_fixup.c).  CS_FUNCS lists the functions ebprof calls; add a line
 * to call another.
 *
 * The static build links libcapstone.a ahead of this file's archive
 * (mk/static.mk), so the real functions are found first and this file is
 * not linked in there.
 *
 * Not here: disassembling (annotate.c, leaf_fixup.c).
 */
#include <capstone/capstone.h>

#include "lib/lazy_lib.h"

/* X(return type, name, (parameters), (arguments), value when unloaded) */
#define CS_FUNCS(X, XV)							\
	X(unsigned int, cs_version, (int *major, int *minor),		\
	  (major, minor), 0)						\
	X(cs_err, cs_open, (cs_arch a, cs_mode m, csh *h), (a, m, h),	\
	  CS_ERR_ARCH)							\
	X(cs_err, cs_close, (csh *h), (h), CS_ERR_HANDLE)		\
	X(cs_err, cs_option, (csh h, cs_opt_type t, size_t v), (h, t, v),\
	  CS_ERR_HANDLE)						\
	X(size_t, cs_disasm, (csh h, const uint8_t *code, size_t len,	\
	  uint64_t addr, size_t count, cs_insn **insn),			\
	  (h, code, len, addr, count, insn), 0)				\
	XV(cs_free, (cs_insn *insn, size_t count), (insn, count))	\
	X(cs_insn *, cs_malloc, (csh h), (h), NULL)			\
	X(bool, cs_disasm_iter, (csh h, const uint8_t **code,		\
	  size_t *len, uint64_t *addr, cs_insn *insn),			\
	  (h, code, len, addr, insn), false)				\
	X(cs_err, cs_regs_access, (csh h, const cs_insn *insn,		\
	  cs_regs rd, uint8_t *nrd, cs_regs wr, uint8_t *nwr),		\
	  (h, insn, rd, nrd, wr, nwr), CS_ERR_HANDLE)

enum { CS_FUNCS(LAZY_IDX, LAZY_IDX_V) NR_FNS };

static const char *const names[NR_FNS] = { CS_FUNCS(LAZY_NAME, LAZY_NAME_V) };
static void *fns[NR_FNS];
static struct lazy_lib cs = LAZY_LIB_INIT("libcapstone.so.4", "libcapstone4",
					  "disassembly needs capstone", names,
					  fns, NR_FNS);

#define LAZY_THIS cs
CS_FUNCS(LAZY_DEF, LAZY_DEF_V)
