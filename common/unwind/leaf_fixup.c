// SPDX-License-Identifier: GPL-2.0
/*
 * Leaf fix-up of frame-pointer stacks (see leaf_fixup.h).  From the
 * sampled IP the code is followed forward (fall-through of conditional
 * branches, targets of direct jumps) to the next `ret`, tracking how far
 * %rsp moves; there the return address sits at %rsp + delta.  %rbp is
 * tracked as "the sampled %rbp", "%rsp + k" or unknown, so that `leave`,
 * `mov %rbp,%rsp` and `pop %rbp` epilogues are followed too.
 */
#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capstone/capstone.h>

#include "unwind/leaf_fixup.h"

#define MAX_INSNS 96
#define CHUNK 256

struct leaf_fixup {
	csh cs;
	cs_insn *insn;
};

struct leaf_fixup *leaf_fixup__new(void)
{
	struct leaf_fixup *lf = calloc(1, sizeof(*lf));

	if (!lf)
		return NULL;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &lf->cs) != CS_ERR_OK) {
		free(lf);
		errno = ENOMEM;
		return NULL;
	}
	cs_option(lf->cs, CS_OPT_DETAIL, CS_OPT_ON);
	lf->insn = cs_malloc(lf->cs);
	if (!lf->insn) {
		cs_close(&lf->cs);
		free(lf);
		errno = ENOMEM;
		return NULL;
	}
	return lf;
}

void leaf_fixup__free(struct leaf_fixup *lf)
{
	if (!lf)
		return;
	cs_free(lf->insn, 1);
	cs_close(&lf->cs);
	free(lf);
}

static bool is_reg(const cs_x86_op *op, x86_reg r)
{
	return op->type == X86_OP_REG && op->reg == r;
}

static bool writes_reg(struct leaf_fixup *lf, x86_reg r)
{
	cs_regs rd, wr;
	uint8_t nrd, nwr, i;

	if (cs_regs_access(lf->cs, lf->insn, rd, &nrd, wr, &nwr))
		return true;	/* cannot tell: assume the worst */
	for (i = 0; i < nwr; i++)
		if (wr[i] == r)
			return true;
	return false;
}

enum rbp_kind { RBP_SAMPLED, RBP_REL, RBP_UNKNOWN };

/*
 * Offset from @sp of the return address of the function executing at
 * @ip; -1 when the code cannot be followed.
 */
static int64_t ret_offset(struct leaf_fixup *lf, uint64_t ip, uint64_t sp,
			  uint64_t bp, leaf_read_fn read, void *ctx)
{
	uint8_t buf[CHUNK];
	uint64_t base = 0, pc = ip;
	size_t have = 0;
	int64_t delta = 0, rbp_rel = 0;
	enum rbp_kind rbp = RBP_SAMPLED;
	int n;

	for (n = 0; n < MAX_INSNS; n++) {
		const uint8_t *code;
		size_t left;
		uint64_t addr;
		const cs_x86 *x;

		if (pc < base || pc - base + 16 > have) {
			size_t len = CHUNK;

			/* Near the end of a segment a shorter read may do. */
			while (len >= 16 && read(ctx, pc, buf, len))
				len /= 2;
			if (len < 16)
				return -1;
			base = pc;
			have = len;
		}
		code = buf + (pc - base);
		left = have - (pc - base);
		addr = pc;
		if (!cs_disasm_iter(lf->cs, &code, &left, &addr, lf->insn))
			return -1;
		x = &lf->insn->detail->x86;
		pc = addr;
		switch (lf->insn->id) {
		case X86_INS_RET:
			return delta;
		case X86_INS_PUSH:
			delta -= 8;
			continue;
		case X86_INS_POP:
			delta += 8;
			if (x->op_count && is_reg(&x->operands[0], X86_REG_RBP))
				rbp = RBP_UNKNOWN;
			else if (x->op_count &&
				 is_reg(&x->operands[0], X86_REG_RSP))
				return -1;
			continue;
		case X86_INS_LEAVE:
			if (rbp == RBP_SAMPLED)
				delta = (int64_t)(bp - sp) + 8;
			else if (rbp == RBP_REL)
				delta = rbp_rel + 8;
			else
				return -1;
			rbp = RBP_UNKNOWN;
			continue;
		case X86_INS_CALL:
			continue;	/* balanced */
		case X86_INS_JMP:
			if (x->op_count == 1 && x->operands[0].type == X86_OP_IMM) {
				pc = x->operands[0].imm;
				continue;
			}
			/* Indirect: a tail call (PLT stub): nothing pushed. */
			return delta;
		default:
			break;
		}
		if (lf->insn->id >= X86_INS_JAE && lf->insn->id <= X86_INS_JS &&
		    lf->insn->id != X86_INS_JMP)
			continue;	/* conditional: fall through */
		if (x->op_count == 2 && is_reg(&x->operands[0], X86_REG_RSP)) {
			const cs_x86_op *src = &x->operands[1];

			switch (lf->insn->id) {
			case X86_INS_SUB:
				if (src->type != X86_OP_IMM)
					return -1;
				delta -= src->imm;
				continue;
			case X86_INS_ADD:
				if (src->type != X86_OP_IMM)
					return -1;
				delta += src->imm;
				continue;
			case X86_INS_LEA:
				if (src->mem.index != X86_REG_INVALID)
					return -1;
				if (src->mem.base == X86_REG_RSP)
					delta += src->mem.disp;
				else if (src->mem.base == X86_REG_RBP &&
					 rbp == RBP_SAMPLED)
					delta = (int64_t)(bp - sp) +
						src->mem.disp;
				else if (src->mem.base == X86_REG_RBP &&
					 rbp == RBP_REL)
					delta = rbp_rel + src->mem.disp;
				else
					return -1;
				continue;
			case X86_INS_MOV:
				if (is_reg(src, X86_REG_RBP) &&
				    rbp == RBP_SAMPLED)
					delta = (int64_t)(bp - sp);
				else if (is_reg(src, X86_REG_RBP) &&
					 rbp == RBP_REL)
					delta = rbp_rel;
				else
					return -1;
				continue;
			default:
				return -1;
			}
		}
		if (x->op_count == 2 && lf->insn->id == X86_INS_MOV &&
		    is_reg(&x->operands[0], X86_REG_RBP) &&
		    is_reg(&x->operands[1], X86_REG_RSP)) {
			rbp = RBP_REL;
			rbp_rel = delta;
			continue;
		}
		switch (lf->insn->id) {
		case X86_INS_HLT:
		case X86_INS_UD2:
		case X86_INS_INT3:
			return -1;
		default:
			break;
		}
		if (writes_reg(lf, X86_REG_RSP))
			return -1;
		if (writes_reg(lf, X86_REG_RBP))
			rbp = RBP_UNKNOWN;
	}
	return -1;
}

/* Does a call instruction end right before @ret? */
static bool after_call(struct leaf_fixup *lf, uint64_t ret, leaf_read_fn read,
		       void *ctx)
{
	static const int lens[] = { 5, 6, 2, 3, 7, 4 };
	uint8_t buf[8];
	size_t i;

	if (ret < 8 || read(ctx, ret - 8, buf, 8))
		return false;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		const uint8_t *code = buf + 8 - lens[i];
		size_t left = lens[i];
		uint64_t addr = ret - lens[i];

		if (cs_disasm_iter(lf->cs, &code, &left, &addr, lf->insn) &&
		    !left && lf->insn->id == X86_INS_CALL)
			return true;
	}
	return false;
}

uint64_t leaf_fixup__caller(struct leaf_fixup *lf, uint64_t ip, uint64_t sp,
			    uint64_t bp, const uint64_t *words, size_t nwords,
			    uint64_t next, leaf_read_fn read, void *ctx)
{
	int64_t off = ret_offset(lf, ip, sp, bp, read, ctx);
	uint64_t ret;

	if (off < 0 || off % 8 || (uint64_t)off / 8 >= nwords)
		return 0;
	ret = words[off / 8];
	if (!ret || ret == next)
		return 0;
	/* %rbp points at the saved %rbp below it: the walk has it. */
	if (bp == sp + off - 8)
		return 0;
	return after_call(lf, ret, read, ctx) ? ret : 0;
}

bool leaf_fixup__fp_prologue(struct leaf_fixup *lf, const uint8_t *code,
			     size_t len, uint64_t addr)
{
	bool pushed = false;
	int n;

	/*
	 * push %rbp first (after endbr64), then mov %rsp,%rbp within a few
	 * instructions: compilers schedule independent ones in between.
	 */
	for (n = 0; n < 8; n++) {
		const cs_x86 *x;

		if (!cs_disasm_iter(lf->cs, &code, &len, &addr, lf->insn))
			return false;
		x = &lf->insn->detail->x86;
		if (!pushed && lf->insn->id == X86_INS_ENDBR64)
			continue;
		if (!pushed) {
			if (lf->insn->id != X86_INS_PUSH || x->op_count != 1 ||
			    !is_reg(&x->operands[0], X86_REG_RBP))
				return false;
			pushed = true;
			continue;
		}
		if (lf->insn->id == X86_INS_MOV && x->op_count == 2 &&
		    is_reg(&x->operands[0], X86_REG_RBP) &&
		    is_reg(&x->operands[1], X86_REG_RSP))
			return true;
		if (writes_reg(lf, X86_REG_RSP) || writes_reg(lf, X86_REG_RBP))
			return false;
	}
	return false;
}

/* Start-up code the toolchain links in, whatever the build flags. */
static bool crt_function(const char *name)
{
	static const char *const crt[] = {
		"_start", "_init", "_fini", "deregister_tm_clones",
		"register_tm_clones", "__do_global_dtors_aux", "frame_dummy",
		"__libc_csu_init", "__libc_csu_fini", "_dl_relocate_static_pie",
	};
	size_t i;

	for (i = 0; i < sizeof(crt) / sizeof(crt[0]); i++)
		if (!strcmp(name, crt[i]))
			return true;
	return false;
}

static int count_table(struct leaf_fixup *lf, Elf *elf, Elf_Scn *scn,
		       size_t *funcs, size_t *with_fp)
{
	GElf_Shdr sh;
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t i, n;

	if (!gelf_getshdr(scn, &sh) || !data || !sh.sh_entsize)
		return -EBADMSG;
	n = sh.sh_size / sh.sh_entsize;
	for (i = 0; i < n; i++) {
		GElf_Sym s;
		Elf_Scn *ts;
		GElf_Shdr tsh;
		Elf_Data *td;
		uint64_t off;
		const char *name;

		if (!gelf_getsym(data, i, &s) ||
		    GELF_ST_TYPE(s.st_info) != STT_FUNC || !s.st_size ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE)
			continue;
		name = elf_strptr(elf, sh.sh_link, s.st_name);
		if (name && crt_function(name))
			continue;
		ts = elf_getscn(elf, s.st_shndx);
		if (!ts || !gelf_getshdr(ts, &tsh) ||
		    tsh.sh_type != SHT_PROGBITS ||
		    !(tsh.sh_flags & SHF_EXECINSTR) || s.st_value < tsh.sh_addr)
			continue;
		td = elf_getdata(ts, NULL);
		off = s.st_value - tsh.sh_addr;
		if (!td || !td->d_buf || off >= td->d_size)
			continue;
		(*funcs)++;
		if (leaf_fixup__fp_prologue(lf, (const uint8_t *)td->d_buf + off,
					    td->d_size - off < 64 ?
					    td->d_size - off : 64, s.st_value))
			(*with_fp)++;
	}
	return 0;
}

int leaf_fixup__file_prologues(struct leaf_fixup *lf, int fd, size_t *funcs,
			       size_t *with_fp)
{
	Elf_Scn *scn = NULL, *symtab = NULL, *dynsym = NULL;
	Elf *elf;
	int err;

	*funcs = *with_fp = 0;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		err = -ENOEXEC;
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			symtab = scn;
		else if (sh.sh_type == SHT_DYNSYM)
			dynsym = scn;
	}
	err = symtab || dynsym ?
		count_table(lf, elf, symtab ? symtab : dynsym, funcs, with_fp) :
		0;
out:
	if (elf)
		elf_end(elf);
	return err;
}
