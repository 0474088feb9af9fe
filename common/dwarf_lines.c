// SPDX-License-Identifier: GPL-2.0
/*
 * Inline frames and source lines through libdw (see dwarf_lines.h), after
 * elfutils' addr2line -i: the CU DIE holding the address, the scopes at
 * it, then from the innermost function-like scope outwards through the
 * concrete tree (dwarf_getscopes_die): each DW_TAG_inlined_subroutine is a
 * frame whose caller is at its DW_AT_call_file:DW_AT_call_line, up to the
 * DW_TAG_subprogram it sits in.  The innermost line comes from the line
 * table.
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

#include "dwarf_lines.h"
#include "safe_open.h"
#include "strbuf.h"

struct dwarf_lines {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	char *debug_file;
	Dwarf_Addr bias;	/* module address - ELF address */
	struct strbuf path[DWARF_LINES_MAX_DEPTH];	/* joined file names */
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

int dwarf_lines__frames(struct dwarf_lines *dl, uint64_t vaddr,
			struct dl_frame *out, int max)
{
	Dwarf_Addr addr = vaddr + dl->bias, dwbias = 0;
	Dwarf_Die *cu = dwfl_module_addrdie(dl->mod, addr, &dwbias);
	Dwarf_Die *scopes = NULL, *chain = NULL;
	Dwarf_Files *files = NULL;
	const char *file = NULL, *comp_dir;
	Dwarf_Attribute a;
	size_t nfiles = 0;
	int line = 0, n = 0, ns, nc, i;
	Dwfl_Line *ln;

	if (!cu || max <= 0)
		return 0;
	comp_dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &a));
	ln = dwfl_module_getsrc(dl->mod, addr);
	if (ln)
		file = dwfl_lineinfo(ln, NULL, &line, NULL, NULL, NULL);
	ns = dwarf_getscopes(cu, addr - dwbias, &scopes);
	for (i = 0; i < ns; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_subprogram ||
		    tag == DW_TAG_inlined_subroutine)
			break;
	}
	if (i >= ns) {
		/* between functions (padding): the line table's line only */
		if (file)
			out[n++] = (struct dl_frame){ NULL,
				full_path(dl, 0, comp_dir, file), line };
		goto out;
	}
	nc = dwarf_getscopes_die(&scopes[i], &chain);
	if (dwarf_getsrcfiles(cu, &files, &nfiles))
		files = NULL;
	for (i = 0; i < nc && n < max; i++) {
		int tag = dwarf_tag(&chain[i]);
		Dwarf_Word w;

		if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine)
			continue;
		out[n] = (struct dl_frame){ die_name(&chain[i]),
			full_path(dl, n, comp_dir, file), line };
		n++;
		if (tag == DW_TAG_subprogram)
			break;
		/* where the caller called this inlined instance */
		line = udata(&chain[i], DW_AT_call_line, &w) ? 0 : (int)w;
		file = files && !udata(&chain[i], DW_AT_call_file, &w) &&
		       w < nfiles ? dwarf_filesrc(files, w, NULL, NULL) : NULL;
	}
out:
	free(scopes);
	free(chain);
	return n;
}
