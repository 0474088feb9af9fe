// SPDX-License-Identifier: GPL-2.0
/*
 * Inline frames and source lines through libdw (see dwarf_lines.h), with
 * the result of elfutils' addr2line -i: the out-of-line function
 * (DW_TAG_subprogram) holding the address, then each
 * DW_TAG_inlined_subroutine inside it (through lexical blocks) whose
 * ranges hold the address; each is a frame whose caller is at its
 * DW_AT_call_file:DW_AT_call_line.  The innermost line comes from the line
 * table.  dwarf_getscopes() would walk the whole CU for every address, so
 * the functions' ranges of each unit that addresses fall in are indexed
 * once (sorted, binary search) and only the one function's DIEs are walked
 * per address.
 *
 * The file is reported offline to libdwfl from an fd the caller opened;
 * the separate debug file, when there is one, is opened here with
 * safe_open() (a container may name it), never searched for by libdwfl.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/array.h"
#include "lib/safe_open.h"
#include "lib/strbuf.h"
#include "symbol/dwarf_lines.h"

struct fn_range {
	Dwarf_Addr start, end;
	Dwarf_Off die;
};

struct dwarf_lines {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	char *debug_file;
	Dwarf_Addr bias;	/* module address - ELF address */
	struct strbuf path[DWARF_LINES_MAX_DEPTH];	/* joined file names */
	struct fn_range *fns;	/* sorted by start, of the units indexed */
	size_t nr_fns, fns_cap;
	Dwarf_Off *cus;		/* units indexed, sorted */
	size_t nr_cus, cus_cap;
};

static int find_debuginfo(Dwfl_Module *mod, void **userdata,
			  const char *modname, Dwarf_Addr base,
			  const char *file_name, const char *debuglink_file,
			  GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	const struct dwarf_lines *dl = *userdata;
	struct safe_open_opts o = { .owner = SAFE_ANY_OWNER };
	int fd;

	if (!dl || !dl->debug_file)
		return -1;
	fd = safe_open(dl->debug_file, &o);
	if (fd < 0)
		return -1;
	*debuginfo_file_name = strdup(dl->debug_file);
	return fd;
}

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

struct dwarf_lines *dwarf_lines__open(const char *path, int fd,
				      const char *debug_file)
{
	struct dwarf_lines *dl = calloc(1, sizeof(*dl));
	struct safe_open_opts o = { .owner = SAFE_ANY_OWNER };
	void **ud;
	int err = ENOMEM;

	if (!dl)
		goto fail;
	if (debug_file && !(dl->debug_file = strdup(debug_file)))
		goto fail;
	dl->dwfl = dwfl_begin(&callbacks);
	if (!dl->dwfl)
		goto fail;
	/* libdwfl takes the fd it is given */
	fd = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : safe_open(path, &o);
	err = ENOENT;
	if (fd < 0)
		goto fail;
	dwfl_report_begin(dl->dwfl);
	dl->mod = dwfl_report_offline(dl->dwfl, "", path, fd);
	dwfl_report_end(dl->dwfl, NULL, NULL);
	if (!dl->mod)
		goto fail;
	dwfl_module_info(dl->mod, &ud, NULL, NULL, NULL, NULL, NULL, NULL);
	*ud = dl;
	if (!dwfl_module_getelf(dl->mod, &dl->bias))
		goto fail;
	{
		Dwarf_Addr b;

		if (!dwfl_module_getdwarf(dl->mod, &b))
			goto fail;	/* no DWARF anywhere */
	}
	return dl;
fail:
	dwarf_lines__free(dl);
	errno = err;
	return NULL;
}

void dwarf_lines__free(struct dwarf_lines *dl)
{
	if (!dl)
		return;
	{
	int i;

	if (dl->dwfl)
		dwfl_end(dl->dwfl);
	for (i = 0; i < DWARF_LINES_MAX_DEPTH; i++)
		strbuf__release(&dl->path[i]);
	free(dl->debug_file);
	free(dl->fns);
	free(dl->cus);
	}
	free(dl);
}

/* @file made absolute with the CU's directory, as addr2line prints it. */
static const char *full_path(struct dwarf_lines *dl, int slot,
			     const char *comp_dir, const char *file)
{
	struct strbuf *b = &dl->path[slot];

	if (!file || file[0] == '/' || !comp_dir)
		return file;
	strbuf__reset(b);
	if (strbuf__adds(b, comp_dir) || strbuf__adds(b, "/") ||
	    strbuf__adds(b, file))
		return file;
	return b->buf;
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *s;

	s = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
	if (!s)
		s = dwarf_formstring(dwarf_attr_integrate(die,
				DW_AT_MIPS_linkage_name, &a));
	return s ? s : dwarf_diename(die);
}

static int udata(Dwarf_Die *die, int name, Dwarf_Word *v)
{
	Dwarf_Attribute a;

	return dwarf_formudata(dwarf_attr(die, name, &a), v);
}

/* Index of the out-of-line functions: one entry per address range. */
static int fn_cmp(const void *a, const void *b)
{
	const struct fn_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int index_die(struct dwarf_lines *dl, Dwarf_Die *parent, int depth)
{
	Dwarf_Die d;

	if (depth > 8 || dwarf_child(parent, &d))
		return 0;
	do {
		int tag = dwarf_tag(&d);
		Dwarf_Addr base, start, end;
		ptrdiff_t off = 0;

		if (tag == DW_TAG_namespace || tag == DW_TAG_module) {
			if (index_die(dl, &d, depth + 1))
				return -ENOMEM;
			continue;
		}
		if (tag != DW_TAG_subprogram)
			continue;
		while ((off = dwarf_ranges(&d, off, &base, &start, &end)) > 0) {
			if (end <= start)
				continue;
			if (array__grow((void **)&dl->fns, &dl->fns_cap,
					dl->nr_fns + 1, sizeof(*dl->fns)))
				return -ENOMEM;
			dl->fns[dl->nr_fns++] = (struct fn_range){
				start, end, dwarf_dieoffset(&d) };
		}
	} while (!dwarf_siblingof(&d, &d));
	return 0;
}

/*
 * Indexes the functions of compile unit @cu once: only the units that
 * samples fall in are read (libc's debug file has thousands).
 */
static void index_cu(struct dwarf_lines *dl, Dwarf_Die *cu)
{
	Dwarf_Off off = dwarf_dieoffset(cu);
	size_t lo = 0, hi = dl->nr_cus;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dl->cus[mid] == off)
			return;
		if (dl->cus[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (array__grow((void **)&dl->cus, &dl->cus_cap, dl->nr_cus + 1,
			sizeof(*dl->cus)))
		return;
	memmove(dl->cus + lo + 1, dl->cus + lo,
		(dl->nr_cus - lo) * sizeof(*dl->cus));
	dl->cus[lo] = off;
	dl->nr_cus++;
	index_die(dl, cu, 0);
	qsort(dl->fns, dl->nr_fns, sizeof(*dl->fns), fn_cmp);
}

/*
 * The out-of-line function holding DWARF address @pc of unit @cu, into
 * @die.
 */
static bool find_function(struct dwarf_lines *dl, Dwarf_Die *cu,
			  Dwarf_Addr pc, Dwarf_Die *die)
{
	size_t lo = 0, hi, k;
	Dwarf_Addr bias;
	Dwarf *dw;

	index_cu(dl, cu);
	hi = dl->nr_fns;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dl->fns[mid].start <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	dw = dwfl_module_getdwarf(dl->mod, &bias);
	/* nested or overlapping ranges: look back a little */
	for (k = 0; k < 4 && k < lo; k++) {
		const struct fn_range *f = &dl->fns[lo - 1 - k];

		if (pc < f->end && dw && dwarf_offdie(dw, f->die, die))
			return true;
	}
	return false;
}

/* The inlined instance directly inside @parent (through blocks) at @pc. */
static bool inlined_at(Dwarf_Die *parent, Dwarf_Addr pc, Dwarf_Die *out,
		       int depth)
{
	Dwarf_Die d;

	if (depth > 32 || dwarf_child(parent, &d))
		return false;
	do {
		int tag = dwarf_tag(&d), has;

		if (tag == DW_TAG_inlined_subroutine) {
			if (dwarf_haspc(&d, pc) == 1) {
				*out = d;
				return true;
			}
			continue;
		}
		if (tag != DW_TAG_lexical_block && tag != DW_TAG_try_block &&
		    tag != DW_TAG_catch_block)
			continue;
		has = dwarf_haspc(&d, pc);
		/* a block without addresses may still hold instances */
		if ((has == 1 || (has == 0 && !dwarf_hasattr(&d, DW_AT_low_pc) &&
				  !dwarf_hasattr(&d, DW_AT_ranges))) &&
		    inlined_at(&d, pc, out, depth + 1))
			return true;
	} while (!dwarf_siblingof(&d, &d));
	return false;
}

int dwarf_lines__frames(struct dwarf_lines *dl, uint64_t vaddr,
			struct dl_frame *out, int max)
{
	Dwarf_Addr addr = vaddr + dl->bias, dwbias = 0;
	Dwarf_Die *cu = dwfl_module_addrdie(dl->mod, addr, &dwbias);
	Dwarf_Die chain[DWARF_LINES_MAX_DEPTH], fcu;
	Dwarf_Files *files = NULL;
	const char *file = NULL, *comp_dir;
	Dwarf_Attribute a;
	size_t nfiles = 0;
	int line = 0, n = 0, nc = 0, i;
	Dwfl_Line *ln;

	if (!cu || max <= 0)
		return 0;
	comp_dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &a));
	ln = dwfl_module_getsrc(dl->mod, addr);
	if (ln)
		file = dwfl_lineinfo(ln, NULL, &line, NULL, NULL, NULL);
	if (max > DWARF_LINES_MAX_DEPTH)
		max = DWARF_LINES_MAX_DEPTH;
	/* outermost first: the function, then each instance inside */
	if (find_function(dl, cu, addr - dwbias, &chain[0])) {
		nc = 1;
		while (nc < max &&
		       inlined_at(&chain[nc - 1], addr - dwbias, &chain[nc], 0))
			nc++;
		if (dwarf_diecu(&chain[0], &fcu, NULL, NULL)) {
			cu = &fcu;
			comp_dir = dwarf_formstring(dwarf_attr(cu,
						DW_AT_comp_dir, &a));
		}
	}
	if (!nc) {
		/* between functions (padding): the line table's line only */
		if (file)
			out[n++] = (struct dl_frame){ NULL,
				full_path(dl, 0, comp_dir, file), line };
		return n;
	}
	if (dwarf_getsrcfiles(cu, &files, &nfiles))
		files = NULL;
	for (i = nc - 1; i >= 0; i--) {
		Dwarf_Word w;

		out[n] = (struct dl_frame){ die_name(&chain[i]),
			full_path(dl, n, comp_dir, file), line };
		n++;
		if (!i)
			break;
		/* where the caller called this inlined instance */
		line = udata(&chain[i], DW_AT_call_line, &w) ? 0 : (int)w;
		file = files && !udata(&chain[i], DW_AT_call_file, &w) &&
		       w < nfiles ? dwarf_filesrc(files, w, NULL, NULL) : NULL;
	}
	return n;
}
