// SPDX-License-Identifier: GPL-2.0
/*
 * Address -> symbol for user modules and the kernel (see symbolizer.h).
 * The per-module ELF state hangs off pm_module.priv, so it is loaded once
 * per mapped file whatever the number of processes mapping it.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demangle.h"
#include "elf_syms.h"
#include "ksyms.h"
#include "strpool.h"
#include "symbolizer.h"

struct sym_module {
	struct elf_syms *es;	/* NULL: no symbols could be read */
	const char *unresolved;	/* "[libfoo.so]" */
	const char *path;	/* interned module path */
	const char *build_id;
};

struct symbolizer {
	char *debug_dir;
	struct ksyms *ksyms;
	bool ksyms_tried;
	int ksyms_errno;
	struct strpool strings;
	const char *unknown, *kernel_module;
};

struct symbolizer *symbolizer__new(const char *debug_dir)
{
	struct symbolizer *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	strpool__init(&s->strings);
	if (debug_dir && !(s->debug_dir = strdup(debug_dir)))
		goto fail;
	s->unknown = strpool__intern(&s->strings, "[unknown]");
	s->kernel_module = strpool__intern(&s->strings, "[kernel.kallsyms]");
	if (!s->unknown || !s->kernel_module)
		goto fail;
	return s;
fail:
	symbolizer__free(s);
	return NULL;
}

void symbolizer__free(struct symbolizer *s)
{
	if (!s)
		return;
	ksyms__free(s->ksyms);
	strpool__release(&s->strings);
	free(s->debug_dir);
	free(s);
}

void symbolizer__forget(struct symbolizer *s, struct pm_module *mod)
{
	struct sym_module *sm = mod->priv;

	if (!sm)
		return;
	elf_syms__free(sm->es);
	free(sm);
	mod->priv = NULL;
}

bool symbolizer__module_has_symbols(const struct pm_module *mod)
{
	const struct sym_module *sm = mod->priv;

	return sm && sm->es && elf_syms__count(sm->es) > 0;
}

/* Our own vDSO: the kernel maps the same image into every process. */
static struct elf_syms *open_vdso(void)
{
	const unsigned char *img = (const void *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Ehdr *eh = (const void *)img;
	size_t size, i;

	if (!img || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return NULL;
	size = eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;
	for (i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const void *)(img + eh->e_phoff +
						      i * eh->e_phentsize);

		if (ph->p_type == PT_LOAD && ph->p_offset + ph->p_filesz > size)
			size = ph->p_offset + ph->p_filesz;
	}
	return elf_syms__open_mem(img, size, "[vdso]");
}

static struct elf_syms *open_module(struct symbolizer *s,
				    const struct pm_module *mod, pid_t pid)
{
	char fdpath[64], root[64];
	const char *path = mod->path;
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
	return elf_syms__open(path, root[0] ? root : NULL, s->debug_dir);
}

static struct sym_module *module_state(struct symbolizer *s,
				       struct pm_module *mod, pid_t pid)
{
	struct sym_module *sm = mod->priv;
	char buf[4096];

	if (sm)
		return sm;
	sm = calloc(1, sizeof(*sm));
	if (!sm)
		return NULL;
	sm->es = open_module(s, mod, pid);
	snprintf(buf, sizeof(buf), "[%s]", mod->name);
	sm->unresolved = strpool__intern(&s->strings, buf);
	sm->path = strpool__intern(&s->strings, mod->path);
	if (sm->es && elf_syms__build_id(sm->es))
		sm->build_id = strpool__intern(&s->strings,
					       elf_syms__build_id(sm->es));
	if (!sm->unresolved || !sm->path) {
		elf_syms__free(sm->es);
		free(sm);
		return NULL;
	}
	mod->priv = sm;
	return sm;
}

/*
 * Interns the demangled form of @name (or @name itself), without a symbol
 * version ("clock_gettime@@GLIBC_2.17" is clock_gettime).
 */
static const char *pretty_name(struct symbolizer *s, const char *name)
{
	const char *at = strchr(name, '@');
	char *d, *c, *base = NULL;
	const char *r;

	if (at && at != name) {
		base = strndup(name, at - name);
		if (!base)
			return NULL;
		name = base;
	}
	d = demangle(name);
	if (!d) {
		r = strpool__intern(&s->strings, name);
		free(base);
		return r;
	}
	free(base);
	/* ';' separates frames in folded stacks (e.g. in a Rust name). */
	for (c = d; *c; c++)
		if (*c == ';')
			*c = ':';
	r = strpool__intern(&s->strings, d);
	free(d);
	return r;
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
	res->module = sm->path;
	res->build_id = sm->build_id;
	if (sm->es && !elf_syms__offset_to_vaddr(sm->es, off, &vaddr))
		name = elf_syms__lookup(sm->es, vaddr, &start);
	if (!name) {
		res->name = sm->unresolved;
		return 0;
	}
	res->mangled = strpool__intern(&s->strings, name);
	res->name = pretty_name(s, name);
	res->resolved = true;
	return res->name && res->mangled ? 0 : -ENOMEM;
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
	res->module = s->kernel_module;
	if (!name) {
		res->name = s->unknown;
		return 0;
	}
	if (module && strcmp(module, "[kernel.kallsyms]"))
		res->module = strpool__intern(&s->strings, module);
	res->name = strpool__intern(&s->strings, name);
	res->mangled = res->name;
	res->resolved = true;
	return res->name && res->module ? 0 : -ENOMEM;
}

int symbolizer__kernel_error(const struct symbolizer *s)
{
	return s->ksyms_errno;
}
