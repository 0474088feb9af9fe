// SPDX-License-Identifier: GPL-2.0
/*
 * Per-instruction samples of one function (see annotate.h).  The symbol
 * table is read here with libelf by name, because the symbolizer's
 * elf_syms looks symbols up by address only.
 */
#include <capstone/capstone.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/safe_open.h"
#include "report/annotate.h"
#include "report/annotate_src.h"
#include "symbol/demangle.h"

/* Functions bigger than this are not disassembled (hostile sizes). */
#define MAX_FUNC_SIZE (16u << 20)

static bool frame_is(const struct pf_frame *f, const char *symbol)
{
	return !strcmp(f->name, symbol) ||
	       (f->system_name && !strcmp(f->system_name, symbol));
}

/* A sample's leaf function: below the frames inlined into it, if any. */
static const struct pf_frame *sample_leaf(const struct profile *p,
					  const struct pf_sample *s)
{
	uint32_t d = s->depth;

	while (d > 1 && profile__frame_get(p, s->frames[d - 1])->kind ==
			PF_INLINE)
		d--;
	return profile__frame_get(p, s->frames[d - 1]);
}

struct elf_func {
	uint64_t value, size;
	size_t shndx;
	char *name;
};

static bool sym_is(const char *name, const char *symbol, const char *alt)
{
	char *d;
	bool eq;

	if (!strcmp(name, symbol) || (alt && !strcmp(name, alt)))
		return true;
	d = demangle(name);
	if (!d)
		return false;
	eq = !strcmp(d, symbol);
	free(d);
	return eq;
}

/* The function symbol named @symbol (or @alt): 0, -ENOENT, -ENOMEM. */
static int find_func(Elf *elf, const char *symbol, const char *alt,
		     struct elf_func *out)
{
	Elf_Scn *scn = NULL;
	int pass;

	/* .symtab first; .dynsym only when there is no full table. */
	for (pass = 0; pass < 2; pass++) {
		bool have_symtab = false;

		scn = NULL;
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			Elf_Data *data;
			size_t i, n;

			if (!gelf_getshdr(scn, &sh) ||
			    sh.sh_type != (pass ? SHT_DYNSYM : SHT_SYMTAB) ||
			    !sh.sh_entsize)
				continue;
			have_symtab = true;
			data = elf_getdata(scn, NULL);
			if (!data)
				continue;
			n = data->d_size / sh.sh_entsize;
			for (i = 0; i < n; i++) {
				GElf_Sym sym;
				const char *name;
				int t;

				if (!gelf_getsym(data, i, &sym))
					break;
				t = GELF_ST_TYPE(sym.st_info);
				if ((t != STT_FUNC && t != STT_GNU_IFUNC) ||
				    sym.st_shndx == SHN_UNDEF ||
				    sym.st_shndx >= SHN_LORESERVE ||
				    !sym.st_size)
					continue;
				name = elf_strptr(elf, sh.sh_link, sym.st_name);
				if (!name || !sym_is(name, symbol, alt))
					continue;
				out->value = sym.st_value;
				out->size = sym.st_size;
				out->shndx = sym.st_shndx;
				out->name = strdup(name);
				return out->name ? 0 : -ENOMEM;
			}
		}
		if (have_symtab && pass == 0)
			break;
	}
	return -ENOENT;
}

/* ELF address of file offset @off through the PT_LOAD holding it. */
static int off_to_vaddr(Elf *elf, uint64_t off, uint64_t *vaddr)
{
	size_t n, i;

	if (elf_getphdrnum(elf, &n))
		return -ENOEXEC;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (off >= ph.p_offset && off - ph.p_offset < ph.p_filesz) {
			*vaddr = off - ph.p_offset + ph.p_vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

/* Reads the function's bytes from its section: malloc'd, or NULL. */
static uint8_t *read_code(int fd, Elf *elf, const struct elf_func *fn,
			  char *err, size_t errlen)
{
	Elf_Scn *scn = elf_getscn(elf, fn->shndx);
	uint8_t *code;
	GElf_Shdr sh;
	uint64_t off;

	if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS ||
	    fn->value < sh.sh_addr || fn->value - sh.sh_addr > sh.sh_size ||
	    fn->size > sh.sh_size - (fn->value - sh.sh_addr)) {
		snprintf(err, errlen, "symbol '%s' lies outside its section",
			 fn->name);
		return NULL;
	}
	off = sh.sh_offset + (fn->value - sh.sh_addr);
	code = malloc(fn->size);
	if (!code) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (pread(fd, code, fn->size, off) != (ssize_t)fn->size) {
		snprintf(err, errlen, "cannot read the code of '%s'",
			 fn->name);
		free(code);
		return NULL;
	}
	return code;
}

static int disassemble(struct annotation *a, const uint8_t *code)
{
	cs_insn *insn = NULL;
	size_t n, i;
	csh h;
	int err = 0;

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		return -ENOMEM;
	cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	n = cs_disasm(h, code, a->size, a->start, 0, &insn);
	a->insns = calloc(n + 1, sizeof(*a->insns));
	if (!a->insns) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct annotate_insn *ai = &a->insns[i];

		ai->addr = insn[i].address;
		ai->size = insn[i].size;
		if (asprintf(&ai->text, "%s%s%s", insn[i].mnemonic,
			     insn[i].op_str[0] ? " " : "",
			     insn[i].op_str) < 0) {
			ai->text = NULL;
			err = -ENOMEM;
			break;
		}
		a->nr_insns++;
	}
out:
	if (insn)
		cs_free(insn, n);
	cs_close(&h);
	return err;
}

/* The instruction holding @vaddr, or NULL. */
static struct annotate_insn *insn_at(struct annotation *a, uint64_t vaddr)
{
	size_t lo = 0, hi = a->nr_insns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct annotate_insn *ai = &a->insns[mid];

		if (vaddr < ai->addr)
			hi = mid;
		else if (vaddr >= ai->addr + ai->size)
			lo = mid + 1;
		else
			return ai;
	}
	return NULL;
}

/* File of frame @f's mapping when it has an address, else NULL. */
static const char *frame_file(const struct profile *p,
			      const struct pf_frame *f)
{
	if (!f->addr || !f->mapping || f->mapping > p->nr_mappings ||
	    !*p->mappings[f->mapping - 1].file)
		return NULL;
	return p->mappings[f->mapping - 1].file;
}

/*
 * The mapping file most of @symbol's leaf samples come from (or, without
 * leaf samples, of any frame of it); NULL when there is none.
 */
static const char *pick_file(const struct profile *p, size_t type,
			     const char *symbol, bool *named,
			     const char **system_name)
{
	const char *best = NULL, *files[16];
	double vals[16] = { 0 }, best_v = 0;
	size_t nr = 0, i, k;

	*named = false;
	for (i = 1; i <= p->nr_frames; i++) {
		const struct pf_frame *f = profile__frame_get(p, i);

		if (!frame_is(f, symbol))
			continue;
		*named = true;
		if (!best && frame_file(p, f)) {
			best = frame_file(p, f);
			*system_name = f->system_name;
		}
	}
	for (i = 0; i < p->nr_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		const struct pf_frame *leaf;
		const char *file;

		if (!s->depth)
			continue;
		leaf = sample_leaf(p, s);
		if (!frame_is(leaf, symbol) || !(file = frame_file(p, leaf)))
			continue;
		/* Interned: files compare by pointer. */
		for (k = 0; k < nr && files[k] != file; k++)
			;
		if (k == nr && nr < sizeof(files) / sizeof(*files))
			files[nr++] = file;
		if (k < nr) {
			vals[k] += s->values[type];
			if (vals[k] > best_v) {
				best_v = vals[k];
				best = file;
				*system_name = leaf->system_name;
			}
		}
	}
	return best;
}

int annotate__symbol(const struct profile *p, size_t type, const char *symbol,
		     struct annotation **out, char *err, size_t errlen)
{
	struct elf_func fn = { 0 };
	const char *file, *sysname = NULL;
	struct annotation *a = NULL;
	uint8_t *code = NULL;
	Elf *elf = NULL;
	bool named;
	int fd = -1, r;
	size_t i;

	*out = NULL;
	if (type >= p->nr_types)
		return -EINVAL;
	file = pick_file(p, type, symbol, &named, &sysname);
	if (!file) {
		if (!named) {
			snprintf(err, errlen, "no function '%s' in the profile",
				 symbol);
			return -ENOENT;
		}
		snprintf(err, errlen, "'%s' has no addresses or mappings; "
			 "annotation needs pprof input that has them", symbol);
		return -ENOTSUP;
	}
	elf_version(EV_CURRENT);
	/* The profile names the file: a FIFO there must not block us. */
	fd = safe_open(file, NULL);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", file,
			 safe_open__strerror(fd));
		return fd;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		snprintf(err, errlen, "'%s' is not an ELF file", file);
		r = -ENOEXEC;
		goto out;
	}
	r = find_func(elf, symbol, sysname, &fn);
	if (r) {
		snprintf(err, errlen, r == -ENOENT ?
			 "no function symbol '%s' in '%s'" : "out of memory",
			 symbol, file);
		goto out;
	}
	if (fn.size > MAX_FUNC_SIZE) {
		snprintf(err, errlen, "'%s' is too big to annotate", symbol);
		r = -EFBIG;
		goto out;
	}
	code = read_code(fd, elf, &fn, err, errlen);
	if (!code) {
		r = -EIO;
		goto out;
	}
	a = calloc(1, sizeof(*a));
	if (!a || !(a->file = strdup(file))) {
		r = -ENOMEM;
		goto nomem;
	}
	a->symbol = fn.name;
	fn.name = NULL;
	a->start = fn.value;
	a->size = fn.size;
	r = disassemble(a, code);
	if (r)
		goto nomem;
	annotate_src__lines(a);	/* no DWARF: no source lines */
	for (i = 0; i < p->nr_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		const struct pf_frame *leaf;
		const struct pf_mapping *m;
		struct annotate_insn *ai;
		uint64_t vaddr;

		if (!s->depth)
			continue;
		leaf = sample_leaf(p, s);
		if (!frame_is(leaf, symbol) || !leaf->mapping ||
		    leaf->mapping > p->nr_mappings)
			continue;
		m = &p->mappings[leaf->mapping - 1];
		if (m->file != file)
			continue;
		a->total += s->values[type];
		ai = NULL;
		if (leaf->addr >= m->start &&
		    !off_to_vaddr(elf, leaf->addr - m->start + m->offset,
				  &vaddr))
			ai = insn_at(a, vaddr);
		if (ai)
			ai->value += s->values[type];
		else
			a->unplaced += s->values[type];
	}
	*out = a;
	a = NULL;
	r = 0;
	goto out;
nomem:
	snprintf(err, errlen, "out of memory");
out:
	annotation__free(a);
	free(fn.name);
	free(code);
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	return r;
}

void annotation__free(struct annotation *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->nr_insns; i++) {
		free(a->insns[i].text);
		free(a->insns[i].src_file);
	}
	free(a->insns);
	free(a->symbol);
	free(a->file);
	free(a);
}
