// SPDX-License-Identifier: GPL-2.0
/*
 * Address -> symbol for user modules and the kernel (see symbolizer.h).
 * The per-module ELF state hangs off pm_module.priv, so it is loaded once
 * per mapped file whatever the number of processes mapping it, and goes
 * with the module (symbolizer__forget()).  Nothing else accumulates: a
 * result's strings live in the module state, the kernel symbols or one
 * scratch buffer, so a recording that runs for days stays flat.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/strbuf.h"
#include "symbol/demangle.h"
#include "symbol/dwarf_lines.h"
#include "symbol/elf_syms.h"
#include "symbol/ksyms.h"
#include "symbol/symbolizer.h"
#include "symbol/vdso.h"

static const char unknown[] = "[unknown]";
static const char kernel_module[] = "[kernel.kallsyms]";

struct sym_module {
	struct elf_syms *es;	/* NULL: no symbols could be read */
	char *unresolved;	/* "[libfoo.so]" */
	struct dwarf_lines *dl;	/* with inline on; NULL: no DWARF */
	bool dl_tried;
	const char *dl_debug;	/* the debug file dl was opened with */
};

struct symbolizer {
	char *debug_dir;
	struct ksyms *ksyms;
	bool ksyms_tried;
	int ksyms_errno;
	struct strbuf name;	/* the last demangled name */
	bool inl_on;
	struct sym_inline inl[DWARF_LINES_MAX_DEPTH];
	struct strbuf inl_names[DWARF_LINES_MAX_DEPTH];
};

struct symbolizer *symbolizer__new(const char *debug_dir)
{
	struct symbolizer *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (debug_dir && !(s->debug_dir = strdup(debug_dir))) {
		free(s);
		return NULL;
	}
	return s;
}

void symbolizer__set_inline(struct symbolizer *s, bool on)
{
	s->inl_on = on;
}

void symbolizer__free(struct symbolizer *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < DWARF_LINES_MAX_DEPTH; i++)
		strbuf__release(&s->inl_names[i]);
	ksyms__free(s->ksyms);
	strbuf__release(&s->name);
	free(s->debug_dir);
	free(s);
}

void symbolizer__forget(struct symbolizer *s, struct pm_module *mod)
{
	struct sym_module *sm = mod->priv;

	if (!sm)
		return;
	elf_syms__free(sm->es);
	dwarf_lines__free(sm->dl);
	free(sm->unresolved);
	free(sm);
	mod->priv = NULL;
}

bool symbolizer__module_has_symbols(const struct pm_module *mod)
{
	const struct sym_module *sm = mod->priv;

	return sm && sm->es && elf_syms__count(sm->es) > 0;
}

struct elf_syms *symbolizer__module_syms(const struct pm_module *mod)
{
	const struct sym_module *sm = mod->priv;

	return sm ? sm->es : NULL;
}

/* Our own vDSO: the kernel maps the same image into every process. */
static struct elf_syms *open_vdso(void)
{
	size_t size;
	const void *img = vdso__image(&size);

	return img ? elf_syms__open_mem(img, size, "[vdso]") : NULL;
}

static struct elf_syms *open_module(struct symbolizer *s,
				    const struct pm_module *mod, pid_t pid)
{
	char fdpath[64], root[64];
	const char *path = mod->path;
	struct elf_syms *es;
	struct stat st;

	if (mod->special)
		return !strcmp(mod->path, "[vdso]") ? open_vdso() : NULL;
	snprintf(root, sizeof(root), "/proc/%d/root", pid);
	if (access(root, X_OK))
		root[0] = '\0';
	/*
	 * Prefer the file we opened when the mapping appeared; name it by
	 * its path when that is the same file, so that .gnu_debuglink can be
	 * searched beside it.
	 */
	if (mod->fd >= 0 && (stat(path, &st) || st.st_ino != mod->ino ||
			     st.st_dev != mod->dev)) {
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", mod->fd);
		path = fdpath;
	}
	es = elf_syms__open(path, root[0] ? root : NULL, s->debug_dir);
	/* Its owner may have swapped the path since stat(): not that file. */
	if (es && path != fdpath && mod->fd >= 0 &&
	    !elf_syms__is_file(es, mod->dev, mod->ino)) {
		elf_syms__free(es);
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", mod->fd);
		es = elf_syms__open(fdpath, root[0] ? root : NULL,
				    s->debug_dir);
	}
	return es;
}

static struct sym_module *module_state(struct symbolizer *s,
				       struct pm_module *mod, pid_t pid)
{
	struct sym_module *sm = mod->priv;

	if (sm)
		return sm;
	sm = calloc(1, sizeof(*sm));
	if (!sm)
		return NULL;
	if (asprintf(&sm->unresolved, "[%s]", mod->name) < 0) {
		free(sm);
		return NULL;
	}
	sm->es = open_module(s, mod, pid);
	mod->priv = sm;
	return sm;
}

/*
 * The demangled form of @name (or @name itself), without a symbol
 * version ("clock_gettime@@GLIBC_2.17" is clock_gettime), in the scratch
 * buffer: valid until the next call.
 */
static const char *pretty_name_in(struct strbuf *b, const char *name)
{
	const char *at = strchr(name, '@');
	size_t len = at && at != name ? (size_t)(at - name) : strlen(name);
	char *d, *c;

	strbuf__reset(b);
	if (strbuf__add(b, name, len))
		return NULL;
	d = demangle(b->buf);
	if (d) {
		strbuf__reset(b);
		if (strbuf__adds(b, d)) {
			free(d);
			return NULL;
		}
		free(d);
	}
	/* ';' separates frames in folded stacks (e.g. in a Rust name). */
	for (c = b->buf; *c; c++)
		if (*c == ';')
			*c = ':';
	return b->buf;
}

static const char *pretty_name(struct symbolizer *s, const char *name)
{
	return pretty_name_in(&s->name, name);
}

/*
 * Inline frames and lines of ELF address @vaddr of @mod into @res: the
 * out-of-line function keeps its symbol's name and gets the line of the
 * call it makes into inlined code; each inlined function is a frame.
 */
static int add_inline(struct symbolizer *s, struct sym_module *sm,
		      const struct pm_module *mod, uint64_t vaddr,
		      struct sym_result *res)
{
	struct dl_frame fr[DWARF_LINES_MAX_DEPTH];
	int n, i;

	/* again after debuginfod brought a debug file */
	if (!sm->dl_tried || sm->dl_debug != elf_syms__debug_file(sm->es)) {
		dwarf_lines__free(sm->dl);
		sm->dl_tried = true;
		sm->dl_debug = elf_syms__debug_file(sm->es);
		sm->dl = dwarf_lines__open(mod->path, mod->fd, sm->dl_debug);
	}
	if (!sm->dl)
		return 0;
	n = dwarf_lines__frames(sm->dl, vaddr, fr, DWARF_LINES_MAX_DEPTH);
	if (n <= 0)
		return 0;
	res->file = fr[n - 1].file;
	res->line = fr[n - 1].line;
	for (i = 0; i < n - 1; i++) {
		const struct dl_frame *f = &fr[n - 2 - i];
		struct sym_inline *si = &s->inl[i];

		si->mangled = f->name;
		si->name = f->name ? pretty_name_in(&s->inl_names[i], f->name)
				   : "[inlined]";
		if (!si->name)
			return -ENOMEM;
		si->file = f->file;
		si->line = f->line;
	}
	res->inl = s->inl;
	res->nr_inl = n - 1;
	return 0;
}

int symbolizer__user(struct symbolizer *s, struct pm_module *mod, pid_t pid,
		     uint64_t off, struct sym_result *res)
{
	struct sym_module *sm = module_state(s, mod, pid);
	const char *name = NULL;
	uint64_t vaddr, start;

	memset(res, 0, sizeof(*res));
	if (!sm)
		return -ENOMEM;
	res->module = mod->path;
	res->build_id = sm->es ? elf_syms__build_id(sm->es) : NULL;
	if (sm->es && !elf_syms__offset_to_vaddr(sm->es, off, &vaddr))
		name = elf_syms__lookup(sm->es, vaddr, &start);
	if (!name) {
		res->name = sm->unresolved;
		return 0;
	}
	res->mangled = name;
	res->name = pretty_name(s, name);
	res->resolved = true;
	if (!res->name)
		return -ENOMEM;
	if (!s->inl_on || mod->special)
		return 0;
	/* stripped Go: lines from the runtime's own table */
	if (!elf_syms__go_line(sm->es, vaddr, &res->file, &res->line))
		return 0;
	return add_inline(s, sm, mod, vaddr, res);
}

int symbolizer__kernel(struct symbolizer *s, uint64_t addr,
		       struct sym_result *res)
{
	const char *name = NULL, *module = NULL;

	memset(res, 0, sizeof(*res));
	if (!s->ksyms_tried) {
		s->ksyms_tried = true;
		s->ksyms = ksyms__load(NULL);
		if (!s->ksyms)
			s->ksyms_errno = errno;
	}
	if (s->ksyms)
		name = ksyms__lookup(s->ksyms, addr, NULL, &module);
	res->module = module ? module : kernel_module;
	res->name = name ? name : unknown;
	res->mangled = name;
	res->resolved = name != NULL;
	return 0;
}

int symbolizer__kernel_error(const struct symbolizer *s)
{
	return s->ksyms_errno;
}
