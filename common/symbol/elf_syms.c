// SPDX-License-Identifier: GPL-2.0
/*
 * Function symbols of one ELF file, its build id and its PT_LOAD table,
 * read once through libelf and kept in a sorted array for binary search.
 * Symbols come from .symtab, else from a separate debug file (GDB's rules:
 * build-id tree, then .gnu_debuglink with its CRC), else from .dynsym.
 * Everything the lookups need is copied out, so the ELF file is closed
 * before elf_syms__open() returns.  Not here: process mappings (the caller
 * turns runtime addresses into file offsets), demangling, decompressing
 * MiniDebugInfo (minidebug.c), parsing Go's pclntab (gopclntab.c) and
 * debuginfod.
 *
 * The input may be hostile (a container's binaries, a crafted vDSO image):
 * every count, offset and index taken from the file goes through libelf's
 * bounds-checked accessors (elf_getdata, gelf_getsym, elf_strptr,
 * gelf_getnote) or is checked here before use.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "lib/array.h"
#include "lib/safe_open.h"
#include "symbol/elf_syms.h"
#include "symbol/gopclntab.h"
#include "symbol/minidebug.h"

#define DEFAULT_DEBUG_DIR "/usr/lib/debug"
#define MAX_BUILD_ID 64		/* bytes; GNU ld writes 20 (sha1) */

struct sym {
	uint64_t start;
	uint64_t end;		/* exclusive; 0 while unknown (size 0) */
	uint32_t name;		/* offset in elf_syms.names */
	uint8_t rank;		/* binding preference for aliases */
	uint8_t sized;
};

struct load {
	uint64_t off, filesz, vaddr;
};

struct elf_syms {
	char *build_id;
	char *debug_file;
	const char *source;	/* where the symbols came from */
	struct gopclntab *go;	/* kept for lines when symbols came from it */
	bool is_dyn;
	struct load *loads;
	size_t nr_loads;
	struct sym *syms;
	size_t nr_syms, syms_cap;
	char *names;
	size_t names_len, names_cap;
	dev_t dev;			/* the file read (0 in memory) */
	ino_t ino;
};

/* How a candidate debug file must match the binary. */
struct want {
	const char *build_id;	/* hex, or NULL */
	bool check_crc;
	uint32_t crc;
	dev_t dev;		/* the binary itself is never its debug file */
	ino_t ino;
};

static int syms__add_name(struct elf_syms *es, const char *s, uint32_t *off)
{
	size_t len = strlen(s) + 1;

	if (es->names_len + len > UINT32_MAX)
		return -E2BIG;
	if (es->names_len + len > es->names_cap) {
		size_t cap = es->names_cap ? es->names_cap * 2 : 4096;
		char *p;

		while (cap < es->names_len + len)
			cap *= 2;
		p = realloc(es->names, cap);
		if (!p)
			return -ENOMEM;
		es->names = p;
		es->names_cap = cap;
	}
	memcpy(es->names + es->names_len, s, len);
	*off = es->names_len;
	es->names_len += len;
	return 0;
}

static uint8_t bind_rank(unsigned char bind)
{
	switch (bind) {
	case STB_GLOBAL:
	case STB_GNU_UNIQUE:
		return 0;
	case STB_WEAK:
		return 1;
	case STB_LOCAL:
		return 2;
	default:
		return 3;
	}
}

/*
 * End of the allocated section holding a symbol: the limit for a symbol of
 * size 0 that is the last one in its section (e.g. hand-written assembly).
 */
static uint64_t section_end(Elf *elf, size_t shndx, uint64_t start)
{
	Elf_Scn *scn;
	GElf_Shdr sh;
	uint64_t end;

	if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE)
		return 0;
	scn = elf_getscn(elf, shndx);
	if (!scn || !gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC))
		return 0;
	if (__builtin_add_overflow(sh.sh_addr, sh.sh_size, &end))
		return 0;
	return end > start ? end : 0;
}

/* Appends the function symbols of one SHT_SYMTAB / SHT_DYNSYM section. */
static int syms__load_table(struct elf_syms *es, Elf *elf, Elf_Scn *scn,
			    const GElf_Shdr *sh)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	GElf_Sym s;
	size_t i;
	int err;

	if (!data || !data->d_buf)
		return 0;
	/* gelf_getsym() fails past d_size: the loop is bounded by the data */
	for (i = 1; gelf_getsym(data, i, &s); i++) {
		unsigned char type = GELF_ST_TYPE(s.st_info);
		struct sym *sym;
		const char *name;

		if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
		    s.st_shndx == SHN_UNDEF || !s.st_value)
			continue;
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (!name || !*name)
			continue;
		if (array__grow((void **)&es->syms, &es->syms_cap,
				es->nr_syms + 1, sizeof(*es->syms)))
			return -ENOMEM;
		sym = &es->syms[es->nr_syms];
		err = syms__add_name(es, name, &sym->name);
		if (err)
			return err;
		sym->start = s.st_value;
		sym->sized = s.st_size != 0;
		if (!sym->sized)
			sym->end = section_end(elf, s.st_shndx, s.st_value);
		else if (__builtin_add_overflow(s.st_value, s.st_size,
						&sym->end))
			sym->end = UINT64_MAX;
		sym->rank = bind_rank(GELF_ST_BIND(s.st_info));
		es->nr_syms++;
	}
	return 0;
}

/* Loads every section of @type (SHT_SYMTAB or SHT_DYNSYM) of @elf. */
static int syms__load(struct elf_syms *es, Elf *elf, Elf64_Word type)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int err;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type)
			continue;
		err = syms__load_table(es, elf, scn, &sh);
		if (err)
			return err;
	}
	return 0;
}

static size_t leading_underscores(const char *s)
{
	size_t n = 0;

	while (s[n] == '_')
		n++;
	return n;
}

/*
 * Address order; among aliases the preferred one first: GLOBAL over WEAK
 * over LOCAL, then fewer leading underscores (memcpy over __memcpy), then
 * shorter, then by bytes so that the choice never depends on file order.
 */
static int sym_cmp(const void *a, const void *b, void *arg)
{
	const struct sym *x = a, *y = b;
	const char *names = arg, *nx, *ny;
	size_t ux, uy, lx, ly;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	nx = names + x->name;
	ny = names + y->name;
	ux = leading_underscores(nx);
	uy = leading_underscores(ny);
	if (ux != uy)
		return ux < uy ? -1 : 1;
	lx = strlen(nx);
	ly = strlen(ny);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(nx, ny);
}

/* Sorts, folds aliases into one entry and fixes the ends of size-0 ones. */
static void syms__finish(struct elf_syms *es)
{
	size_t i, j, n = 0;

	if (!es->nr_syms)
		return;
	qsort_r(es->syms, es->nr_syms, sizeof(*es->syms), sym_cmp, es->names);
	for (i = 0; i < es->nr_syms; i = j) {
		struct sym s = es->syms[i];

		/* an alias group covers what its largest sized member does */
		for (j = i + 1; j < es->nr_syms &&
		     es->syms[j].start == s.start; j++) {
			const struct sym *t = &es->syms[j];

			if (t->sized && (!s.sized || t->end > s.end)) {
				s.end = t->end;
				s.sized = 1;
			}
		}
		es->syms[n++] = s;
	}
	es->nr_syms = n;
	for (i = 0; i < n; i++) {
		struct sym *s = &es->syms[i];
		uint64_t next = i + 1 < n ? es->syms[i + 1].start : UINT64_MAX;

		if (s->sized)
			continue;
		if (!s->end || s->end > next)
			s->end = next;
		if (s->end == UINT64_MAX)	/* last, no section: itself */
			s->end = s->start + 1;
	}
}

/* Lowercase hex of the first NT_GNU_BUILD_ID note in @data, or NULL. */
static char *note_build_id(Elf_Data *data)
{
	size_t off = 0, next, name_off, desc_off, i;
	GElf_Nhdr nh;

	if (!data || !data->d_buf)
		return NULL;
	while (off < data->d_size &&
	       (next = gelf_getnote(data, off, &nh, &name_off, &desc_off))) {
		const unsigned char *d = (const unsigned char *)data->d_buf;
		char *hex;

		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp(d + name_off, "GNU", 4) && nh.n_descsz >= 2 &&
		    nh.n_descsz <= MAX_BUILD_ID) {
			hex = malloc(nh.n_descsz * 2 + 1);
			if (!hex)
				return NULL;
			for (i = 0; i < nh.n_descsz; i++)
				sprintf(hex + 2 * i, "%02x", d[desc_off + i]);
			return hex;
		}
		off = next;
	}
	return NULL;
}

/*
 * From the note sections; from PT_NOTE segments only when the file has no
 * section headers (a debug file's program headers may point at nothing).
 */
static char *read_build_id(Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Phdr ph;
	size_t i, n;
	bool had_notes = false;
	char *id;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		had_notes = true;
		id = note_build_id(elf_getdata(scn, NULL));
		if (id)
			return id;
	}
	if (had_notes || elf_getphdrnum(elf, &n))
		return NULL;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_NOTE)
			continue;
		id = note_build_id(elf_getdata_rawchunk(elf, ph.p_offset,
				ph.p_filesz,
				ph.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR));
		if (id)
			return id;
	}
	return NULL;
}

static int read_loads(struct elf_syms *es, Elf *elf)
{
	GElf_Phdr ph;
	size_t i, n;

	if (elf_getphdrnum(elf, &n) || !n)
		return 0;
	es->loads = calloc(n, sizeof(*es->loads));
	if (!es->loads)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		es->loads[es->nr_loads++] = (struct load){
			ph.p_offset, ph.p_filesz, ph.p_vaddr };
	}
	return 0;
}

/* Name and CRC of the .gnu_debuglink section: -ENOENT when absent. */
static int read_debuglink(Elf *elf, const char **name, uint32_t *crc)
{
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	size_t shstrndx, len, at;
	const unsigned char *p;
	Elf_Data *d;

	if (!gelf_getehdr(elf, &eh) || elf_getshdrstrndx(elf, &shstrndx))
		return -ENOENT;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *sn;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
			continue;
		sn = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!sn || strcmp(sn, ".gnu_debuglink"))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return -ENOENT;
		p = d->d_buf;
		len = strnlen(d->d_buf, d->d_size);
		/* name, NUL, padding to 4, then the CRC in file byte order */
		at = (len + 4) & ~(size_t)3;
		if (!len || at + 4 > d->d_size || memchr(p, '/', len))
			return -ENOENT;
		if (eh.e_ident[EI_DATA] == ELFDATA2MSB)
			*crc = (uint32_t)p[at] << 24 | p[at + 1] << 16 |
			       p[at + 2] << 8 | p[at + 3];
		else
			*crc = (uint32_t)p[at + 3] << 24 | p[at + 2] << 16 |
			       p[at + 1] << 8 | p[at];
		*name = d->d_buf;
		return 0;
	}
	return -ENOENT;
}

/*
 * Largest debug file read (the largest distro debug files are a few GB):
 * the binary names the file, and a huge sparse one would keep root
 * computing its CRC.
 */
#define DEBUG_FILE_MAX (8ULL << 30)

static int file_crc(int fd, size_t size, uint32_t *crc)
{
	void *p;

	if (!size) {
		*crc = crc32(0, NULL, 0);
		return 0;
	}
	p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	*crc = crc32_z(0, p, size);
	munmap(p, size);
	return 0;
}

/*
 * Opens @path (inside @root when not NULL) if it is a debug file for the
 * binary described by @w and loads its .symtab into @es.  1 when it was
 * used, 0 when it is not a match (or not there), -ENOMEM.  The binary
 * names the file (.gnu_debuglink): regular files only, never a FIFO that
 * would block us or a device, and a link stays inside @root.
 */
static int try_debug_file(struct elf_syms *es, const char *root,
			  const char *path, const struct want *w)
{
	struct safe_open_opts so = { .root = root, .owner = SAFE_ANY_OWNER,
				     .max_size = DEBUG_FILE_MAX };
	struct stat st;
	Elf *elf = NULL;
	char *id = NULL;
	uint32_t crc = 0;
	int fd, ret = 0;

	fd = safe_open(path, &so);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || (st.st_dev == w->dev && st.st_ino == w->ino))
		goto out;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		goto out;
	if (w->build_id) {
		id = read_build_id(elf);
		if (!id || strcmp(id, w->build_id))
			goto out;
	}
	/* Last: the CRC reads the whole file, the checks above do not. */
	if (w->check_crc && (file_crc(fd, st.st_size, &crc) || crc != w->crc))
		goto out;
	ret = syms__load(es, elf, SHT_SYMTAB);
	if (ret || !es->nr_syms)
		goto out;
	if (asprintf(&es->debug_file, "%s%s", root ? root : "", path) < 0)
		es->debug_file = NULL;
	ret = es->debug_file ? 1 : -ENOMEM;
out:
	free(id);
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}

/* @path inside @root first, then on the host; as try_debug_file(). */
static int try_rooted(struct elf_syms *es, const char *root,
		      const char *path, const struct want *w)
{
	int ret;

	if (root && *root) {
		ret = try_debug_file(es, root, path, w);
		if (ret)
			return ret;
	}
	return try_debug_file(es, NULL, path, w);
}

/* As try_rooted() on the path made from @fmt: 1 used, 0 not, -ENOMEM. */
static int try_fmt(struct elf_syms *es, const char *root,
		   const struct want *w, const char *fmt, const char *a,
		   const char *b, const char *c)
{
	char *p;
	int ret;

	if (asprintf(&p, fmt, a, b, c) < 0)
		return -ENOMEM;
	ret = try_rooted(es, root, p, w);
	free(p);
	return ret;
}

/* 1 when a debug file supplied the symbols, 0 when none did, -ENOMEM. */
static int find_debug_file(struct elf_syms *es, Elf *elf, const char *path,
			   const char *root, const char *debug_dir,
			   const struct stat *self)
{
	struct want w = { .dev = self->st_dev, .ino = self->st_ino };
	const char *link, *slash;
	char *dir = NULL, *real = NULL;
	int ret;

	if (!debug_dir)
		debug_dir = DEFAULT_DEBUG_DIR;
	if (es->build_id) {
		w.build_id = es->build_id;
		ret = try_fmt(es, root, &w, "%s/.build-id/%.2s/%s.debug",
			      debug_dir, es->build_id, es->build_id + 2);
		if (ret)
			return ret;
		w.build_id = NULL;
	}
	if (read_debuglink(elf, &link, &w.crc))
		return 0;
	w.check_crc = true;
	/*
	 * The binary's directory as the process sees it: strip @root from a
	 * path under it; without a root, follow symlinks as GDB does.
	 */
	if (root && *root && !strncmp(path, root, strlen(root)) &&
	    path[strlen(root)] == '/')
		path += strlen(root);
	else if (!root && (real = realpath(path, NULL)))
		path = real;
	slash = strrchr(path, '/');
	dir = slash ? strndup(path, slash - path) : strdup(".");
	if (!dir) {
		ret = -ENOMEM;
		goto out;
	}
	ret = try_fmt(es, root, &w, "%s/%s%s", dir, "", link);
	if (!ret)
		ret = try_fmt(es, root, &w, "%s/%s%s", dir, ".debug/", link);
	if (!ret && path[0] == '/')
		ret = try_fmt(es, root, &w, "%s%s/%s", debug_dir, dir, link);
out:
	free(dir);
	free(real);
	return ret;
}

/* MiniDebugInfo: the .symtab of the image in .gnu_debugdata. */
static int syms__load_minidebug(struct elf_syms *es, Elf *elf)
{
	size_t size;
	void *img = minidebug__image(elf, &size);
	Elf *inner;
	int err = 0;

	if (!img)
		return errno == ENOMEM ? -ENOMEM : 0;
	inner = elf_memory(img, size);
	if (inner && elf_kind(inner) == ELF_K_ELF)
		err = syms__load(es, inner, SHT_SYMTAB);
	if (inner)
		elf_end(inner);
	free(img);
	return err;
}

/* Stripped Go binaries: the runtime's own function table. */
static int syms__load_go(struct elf_syms *es, Elf *elf)
{
	struct gopclntab *t = gopclntab__from_elf(elf);
	uint64_t start, end;
	const char *name;
	size_t i, n;
	int err = 0;

	if (!t)
		return errno == ENOMEM ? -ENOMEM : 0;
	n = gopclntab__count(t);
	for (i = 0; i < n && !err; i++) {
		struct sym *sym;

		name = gopclntab__func(t, i, &start, &end);
		if (!name || !start)
			continue;
		if (array__grow((void **)&es->syms, &es->syms_cap,
				es->nr_syms + 1, sizeof(*es->syms))) {
			err = -ENOMEM;
			break;
		}
		sym = &es->syms[es->nr_syms];
		err = syms__add_name(es, name, &sym->name);
		if (err)
			break;
		*sym = (struct sym){ start, end, sym->name, 0, 1 };
		es->nr_syms++;
	}
	if (!err && es->nr_syms)
		es->go = t;
	else
		gopclntab__free(t);
	return err;
}

/*
 * Reads everything from an open ELF.  @path is NULL for an image in memory
 * (no debug-file search: the vDSO has its own symbols).
 */
static int syms__read(struct elf_syms *es, Elf *elf, const char *path,
		      const char *root, const char *debug_dir,
		      const struct stat *self)
{
	GElf_Ehdr eh;
	int err;

	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		return -ENOEXEC;
	es->is_dyn = eh.e_type == ET_DYN;
	err = read_loads(es, elf);
	if (err)
		return err;
	es->build_id = read_build_id(elf);
	err = syms__load(es, elf, SHT_SYMTAB);
	es->source = "symtab";
	if (!err && !es->nr_syms && path) {
		err = find_debug_file(es, elf, path, root, debug_dir, self);
		if (err > 0)
			err = 0;
		es->source = "debug file";
	}
	if (!err && !es->nr_syms) {
		err = syms__load_minidebug(es, elf);
		es->source = "minidebuginfo";
	}
	if (!err && !es->nr_syms) {
		err = syms__load_go(es, elf);
		es->source = "gopclntab";
	}
	/* MiniDebugInfo leaves out what .dynsym has: read both */
	if (!err && (!es->nr_syms || !strcmp(es->source, "minidebuginfo"))) {
		if (!es->nr_syms)
			es->source = "dynsym";
		err = syms__load(es, elf, SHT_DYNSYM);
	}
	if (!es->nr_syms)
		es->source = NULL;
	if (err)
		return err;
	syms__finish(es);
	return 0;
}

int elf_syms__use_debug_file(struct elf_syms *es, const char *path,
			      const char *source)
{
	struct elf_syms t = { 0 };
	struct want w = { .build_id = es->build_id };
	int ret = try_debug_file(&t, NULL, path, &w);

	if (ret > 0) {
		syms__finish(&t);
		free(es->syms);
		free(es->names);
		free(es->debug_file);
		es->syms = t.syms;
		es->nr_syms = t.nr_syms;
		es->syms_cap = t.syms_cap;
		es->names = t.names;
		es->names_len = t.names_len;
		es->names_cap = t.names_cap;
		es->debug_file = t.debug_file;
		es->source = source;
		return 0;
	}
	free(t.syms);
	free(t.names);
	free(t.debug_file);
	return ret ? ret : -ENOEXEC;
}

struct elf_syms *elf_syms__open(const char *path, const char *root,
				const char *debug_dir)
{
	struct safe_open_opts so = { .owner = SAFE_ANY_OWNER };
	struct elf_syms *es = NULL;
	struct stat st;
	Elf *elf = NULL;
	int fd, err;

	elf_version(EV_CURRENT);
	/*
	 * A FIFO or device at a mapping's path must not block or open; a
	 * path under @root resolves inside it (its links too).
	 */
	if (root && *root && !strncmp(path, root, strlen(root)) &&
	    path[strlen(root)] == '/') {
		so.root = root;
		fd = safe_open(path + strlen(root), &so);
	} else {
		fd = safe_open(path, &so);
	}
	if (fd < 0) {
		errno = fd == -EINVAL ? ENOEXEC : -fd;
		return NULL;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	es = calloc(1, sizeof(*es));
	if (!es) {
		err = -ENOMEM;
		goto out;
	}
	es->dev = st.st_dev;
	es->ino = st.st_ino;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		err = -ENOEXEC;
		goto out;
	}
	err = syms__read(es, elf, path, root, debug_dir, &st);
out:
	if (elf)
		elf_end(elf);
	close(fd);
	if (err) {
		elf_syms__free(es);
		errno = -err;
		return NULL;
	}
	return es;
}

struct elf_syms *elf_syms__open_mem(const void *image, size_t size,
				    const char *name)
{
	struct elf_syms *es = NULL;
	Elf *elf = NULL;
	char *copy;
	int err;

	elf_version(EV_CURRENT);
	/* libelf may convert data in place; the caller's image stays intact */
	copy = malloc(size ? size : 1);
	if (!copy) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(copy, image, size);
	es = calloc(1, sizeof(*es));
	if (!es) {
		err = -ENOMEM;
		goto out;
	}
	elf = elf_memory(copy, size);
	if (!elf) {
		err = -ENOEXEC;
		goto out;
	}
	err = syms__read(es, elf, NULL, NULL, NULL, NULL);
out:
	if (elf)
		elf_end(elf);
	free(copy);
	if (err) {
		elf_syms__free(es);
		errno = -err;
		return NULL;
	}
	return es;
}

void elf_syms__free(struct elf_syms *es)
{
	if (!es)
		return;
	free(es->build_id);
	free(es->debug_file);
	gopclntab__free(es->go);
	free(es->loads);
	free(es->syms);
	free(es->names);
	free(es);
}

bool elf_syms__is_file(const struct elf_syms *es, dev_t dev, ino_t ino)
{
	return es->ino == ino && es->dev == dev;
}

const char *elf_syms__build_id(const struct elf_syms *es)
{
	return es->build_id;
}

const char *elf_syms__debug_file(const struct elf_syms *es)
{
	return es->debug_file;
}

int elf_syms__go_line(const struct elf_syms *es, uint64_t vaddr,
		      const char **file, int *line)
{
	uint64_t start;

	if (!es->go || !gopclntab__lookup(es->go, vaddr, &start, file, line) ||
	    !*file)
		return -ENOENT;
	return 0;
}

const char *elf_syms__source(const struct elf_syms *es)
{
	return es->source;
}

size_t elf_syms__count(const struct elf_syms *es)
{
	return es->nr_syms;
}

bool elf_syms__is_dyn(const struct elf_syms *es)
{
	return es->is_dyn;
}

int elf_syms__offset_to_vaddr(const struct elf_syms *es, uint64_t off,
			      uint64_t *vaddr)
{
	size_t i;

	for (i = 0; i < es->nr_loads; i++) {
		const struct load *l = &es->loads[i];

		if (off >= l->off && off - l->off < l->filesz) {
			*vaddr = off - l->off + l->vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

const char *elf_syms__lookup(const struct elf_syms *es, uint64_t vaddr,
			     uint64_t *start)
{
	size_t lo = 0, hi = es->nr_syms;
	const struct sym *s;

	/* the last symbol starting at or before vaddr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (es->syms[mid].start <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &es->syms[lo - 1];
	if (vaddr >= s->end)
		return NULL;
	if (start)
		*start = s->start;
	return es->names + s->name;
}
