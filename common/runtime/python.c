// SPDX-License-Identifier: GPL-2.0
/*
 * CPython detection, offsets and code objects; see python.h.
 *
 * Offsets of 3.10-3.12 are tables measured against each version's headers
 * (offsetof with the installed Include/ and Include/internal/) and checked
 * by walking live interpreters; 3.13 and later describe themselves in
 * _Py_DebugOffsets at the start of _PyRuntime, read from the process.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/array.h"
#include "lib/hashmap.h"
#include "lib/safe_open.h"
#include "lib/strpool.h"
#include "lib/utf8.h"
#include "runtime/python.h"
#include "sample/proc_maps.h"

#define MAX_STR 1024		/* longest name or path read */
#define MAX_LINETABLE 65536	/* largest co_linetable read */
#define RECHECK_NS 200000000ULL	/* a young process is checked again... */
#define YOUNG_NS 1000000000ULL	/* ...while this young */
/* glibc 2.27-2.38 x86-64: struct pthread specific_1stblock (REFERENCE-2). */
#define GLIBC_TLS_OFF 0x310
/* A frame whose code object could not be read (freed, or not code). */
#define UNKNOWN_CODE "[unknown Python code]"
/* Bytes of a code object that hold its fingerprint (code_fingerprint()). */
#define FP_LEN 104

/* Where code objects and strings keep what we read. */
struct py_code_offs {
	uint16_t filename, name, qualname, linetable, firstlineno;
	uint16_t ascii_size, compact_size;
};

struct py_layout {
	unsigned int minor;
	uint16_t tss;		/* _PyRuntime -> autoTSSkey */
	struct py_proc bpf;
	struct py_code_offs code;
};

#define N PY_OFF_NONE
static const struct py_layout layouts[] = {
	{ 10, 584, { .tstate_frame = 24, .cframe_frame = N, .frame_code = 32,
		     .frame_back = 24, .frame_instr = 96, .frame_owner = N,
		     .frame_entry = N, .code_adaptive = 0, .lasti_is_int = 1 },
	  { 104, 112, N, 120, 40, 48, 72 } },
	{ 11, 592, { .tstate_frame = 56, .cframe_frame = 8, .frame_code = 32,
		     .frame_back = 48, .frame_instr = 56, .frame_owner = N,
		     .frame_entry = 68, .code_adaptive = 184 },
	  { 112, 120, 128, 136, 72, 48, 72 } },
	{ 12, 1544, { .tstate_frame = 56, .cframe_frame = 0, .frame_code = 0,
		      .frame_back = 8, .frame_instr = 56, .frame_owner = 70,
		      .frame_entry = N, .code_adaptive = 192 },
	  { 112, 120, 128, 136, 68, 40, 56 } },
	/* Frames and code from _Py_DebugOffsets; the TSS key is not there. */
	{ 13, 2160, { 0 }, { 0 } },
};
#undef N

enum pstate { P_NEW, P_NOT_PYTHON, P_PENDING, P_ATTACHED, P_UNSUPPORTED };

struct py_code {
	uint64_t addr;
	uint64_t fp;		/* code_fingerprint() */
	uint32_t func;		/* 0: not a code object */
	int first_line;
	uint8_t *linetable;
	size_t lt_len;
};

struct py_process {
	pid_t pid;
	enum pstate state;
	char pcomm[SAMPLER_COMM_LEN];
	uint64_t first_seen, last_check;
	unsigned int minor;
	uint64_t dev, ino;		/* the interpreter's file */
	const char *interp;		/* its path (interned) */
	uint64_t code_type;		/* &PyCode_Type, or 0 */
	struct py_code_offs code;
	uint16_t fp_lo;			/* fingerprint bytes start here */
	struct py_code *codes;
	size_t nr_codes, codes_cap;
	struct hashmap code_idx;
};

struct python {
	python_attach_fn attach;
	void *ctx;
	struct py_process *procs;
	size_t nr_procs, procs_cap;
	struct hashmap proc_idx;
	struct py_func *funcs;		/* id i at funcs[i - 1] */
	size_t nr_funcs, funcs_cap;
	struct hashmap func_idx;
	struct strpool strs;
	struct python_stats stats;
	char *name_buf;			/* python__name_line() */
	uint32_t unknown_func;		/* frames whose code is unreadable */
	struct iovec iov[2 * PY_MAX_FRAMES]; /* codes_check() */
	uint8_t check_buf[PY_MAX_FRAMES * FP_LEN];
	uint32_t sample_codes[PY_MAX_FRAMES];	/* indices in codes[] */
};

struct python *python__new(python_attach_fn attach, void *ctx)
{
	struct python *py = calloc(1, sizeof(*py));

	if (!py)
		return NULL;
	py->attach = attach;
	py->ctx = ctx;
	hashmap__init(&py->proc_idx);
	hashmap__init(&py->func_idx);
	strpool__init(&py->strs);
	return py;
}

static void codes_release(struct py_process *p)
{
	size_t i;

	for (i = 0; i < p->nr_codes; i++)
		free(p->codes[i].linetable);
	free(p->codes);
	p->codes = NULL;
	p->nr_codes = p->codes_cap = 0;
	hashmap__release(&p->code_idx);
}

void python__free(struct python *py)
{
	size_t i;

	if (!py)
		return;
	for (i = 0; i < py->nr_procs; i++)
		codes_release(&py->procs[i]);
	free(py->procs);
	free(py->funcs);
	hashmap__release(&py->proc_idx);
	hashmap__release(&py->func_idx);
	strpool__release(&py->strs);
	free(py->name_buf);
	free(py);
}

const struct python_stats *python__stats(const struct python *py)
{
	return &py->stats;
}

static bool proc_eq(uint32_t id, const void *key, void *ctx)
{
	return ((struct python *)ctx)->procs[id - 1].pid == *(const pid_t *)key;
}

static struct py_process *proc_find(const struct python *py, pid_t pid)
{
	uint32_t id = hashmap__find(&py->proc_idx, hash__u64(pid, 1), proc_eq,
				    &pid, (void *)py);

	return id ? &py->procs[id - 1] : NULL;
}

static struct py_process *proc_get(struct python *py, pid_t pid)
{
	struct py_process *p = proc_find(py, pid);

	if (p)
		return p;
	if (array__grow((void **)&py->procs, &py->procs_cap, py->nr_procs + 1,
			sizeof(*py->procs)))
		return NULL;
	p = &py->procs[py->nr_procs];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	hashmap__init(&p->code_idx);
	if (hashmap__insert(&py->proc_idx, hash__u64(pid, 1),
			    py->nr_procs + 1))
		return NULL;
	py->nr_procs++;
	return p;
}

/* Reads @len bytes of @pid at @addr; 0 or -errno (-EFAULT when short). */
static int mem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = { buf, len }, r = { (void *)addr, len };
	ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

/* ---- detection ---- */

struct interp_file {
	unsigned int minor_from_name;	/* 0: not in the name */
	uint64_t start, end, pgoff, dev, ino;
	char path[4096];
};

/* 3.X from "libpython3.X..." or "python3.X", else 0. */
static unsigned int minor_from_name(const char *base, bool *is_lib)
{
	const char *p;
	char *end;
	unsigned long v;

	*is_lib = !strncmp(base, "libpython3.", 11);
	if (*is_lib)
		p = base + 11;
	else if (!strncmp(base, "python3.", 8))
		p = base + 8;
	else
		return 0;
	v = strtoul(p, &end, 10);
	if (end == p || v > 99)
		return 0;
	if (!*is_lib && *end)		/* python3.11-config etc. */
		return 0;
	return v;
}

/*
 * The interpreter's file among @pid's mappings: a libpython, else a
 * python3.X executable (libpython linked in).  0, or -ENOENT.
 */
static int find_interp(pid_t pid, struct interp_file *out)
{
	char path[64], line[4096 + 256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		uint64_t s, e, off, dev, ino;
		const char *p, *base;
		char perms[5];
		unsigned int minor;
		bool is_lib;

		line[strcspn(line, "\n")] = 0;
		if (proc_maps__parse_line(line, &s, &e, perms, &off, &dev, &ino,
					  &p) || !p || *p != '/')
			continue;
		base = strrchr(p, '/') + 1;
		minor = minor_from_name(base, &is_lib);
		if (!minor)
			continue;
		/* The lowest mapping of the file; a library beats the exe. */
		if (found && (out->ino != ino || out->dev != dev) && !is_lib)
			continue;
		if (found && out->ino == ino && out->dev == dev)
			continue;
		found = true;
		out->minor_from_name = minor;
		out->start = s;
		out->end = e;
		out->pgoff = off;
		out->dev = dev;
		out->ino = ino;
		snprintf(out->path, sizeof(out->path), "%s", p);
		if (is_lib)
			break;
	}
	fclose(f);
	return found ? 0 : -ENOENT;
}

struct interp_syms {
	uint64_t runtime, version, code_type;	/* ELF addresses, 0 absent */
	uint64_t bias;				/* runtime = ELF + bias */
};

static void scan_symtab(Elf *elf, Elf_Scn *scn, GElf_Shdr *sh,
			struct interp_syms *out)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t i, n;

	if (!d || !sh->sh_entsize)
		return;
	n = sh->sh_size / sh->sh_entsize;
	for (i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(d, i, &sym) || sym.st_shndx == SHN_UNDEF ||
		    !sym.st_value)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name || (name[0] != '_' && name[0] != 'P'))
			continue;
		if (!strcmp(name, "_PyRuntime"))
			out->runtime = sym.st_value;
		else if (!strcmp(name, "Py_Version"))
			out->version = sym.st_value;
		else if (!strcmp(name, "PyCode_Type"))
			out->code_type = sym.st_value;
	}
}

/*
 * Symbols of the interpreter's file and its load bias, from the file the
 * process mapped (/proc/PID/map_files: the same inode, in any namespace).
 */
static int read_syms(pid_t pid, const struct interp_file *fi,
		     struct interp_syms *out)
{
	char path[128];
	Elf *elf = NULL;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	size_t i, nph;
	int fd, err = -ENOEXEC;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "/proc/%d/map_files/%llx-%llx", pid,
		 (unsigned long long)fi->start, (unsigned long long)fi->end);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	err = safe_open__check(fd, NULL);
	if (err)
		goto out;
	err = -ENOEXEC;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    elf_getphdrnum(elf, &nph))
		goto out;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && (sh.sh_type == SHT_DYNSYM ||
					       sh.sh_type == SHT_SYMTAB))
			scan_symtab(elf, scn, &sh, out);
	}
	if (!out->runtime)
		goto out;
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD ||
		    (ph.p_offset & ~0xfffULL) != fi->pgoff)
			continue;
		out->bias = eh.e_type == ET_EXEC ? 0 :
			fi->start - (ph.p_vaddr & ~0xfffULL);
		err = 0;
		break;
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

/* 3.13+: frame and code offsets from the interpreter's _Py_DebugOffsets. */
static int debug_offsets(pid_t pid, uint64_t runtime, struct py_layout *l)
{
	uint64_t d[584 / 8];

	if (mem_read(pid, runtime, d, sizeof(d)))
		return -EFAULT;
	if (memcmp(d, "xdebugpy", 8) || d[16 / 8])	/* free-threaded */
		return -ENOTSUP;
#define F(byte) (d[(byte) / 8] > 0xfff0 ? PY_OFF_NONE : (uint16_t)d[(byte) / 8])
	l->bpf.tstate_frame = F(184);
	l->bpf.cframe_frame = PY_OFF_NONE;
	l->bpf.frame_back = F(232);
	l->bpf.frame_code = F(240);
	l->bpf.frame_instr = F(248);
	l->bpf.frame_owner = F(264);
	l->bpf.frame_entry = PY_OFF_NONE;
	l->bpf.code_adaptive = F(344);
	l->code.filename = F(280);
	l->code.name = F(288);
	l->code.qualname = F(296);
	l->code.linetable = F(304);
	l->code.firstlineno = F(312);
	l->code.ascii_size = F(560);
	l->code.compact_size = l->code.ascii_size + 16;
#undef F
	return 0;
}

/* Start of the fingerprint bytes, or NONE when they do not fit FP_LEN. */
static uint16_t fp_range(const struct py_code_offs *o)
{
	uint16_t offs[] = { o->filename, o->name, o->linetable,
			    o->firstlineno & ~7,
			    o->qualname != PY_OFF_NONE ? o->qualname : o->name };
	uint16_t lo = 0xffff, hi = 0;
	size_t i;

	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		if (offs[i] < lo)
			lo = offs[i];
		if (offs[i] + 8 > hi)
			hi = offs[i] + 8;
	}
	return hi - lo <= FP_LEN && lo + FP_LEN <= 256 ? lo : PY_OFF_NONE;
}

/* Tries to attach @p; leaves it NOT_PYTHON, PENDING or ATTACHED. */
static void attach(struct python *py, struct py_process *p)
{
	struct interp_file fi;
	struct interp_syms sy;
	struct py_layout l;
	uint64_t ver = 0;
	uint32_t tss[2];
	unsigned int minor;
	size_t i;

	p->state = P_NOT_PYTHON;
	if (find_interp(p->pid, &fi) || read_syms(p->pid, &fi, &sy))
		return;
	minor = fi.minor_from_name;
	if (sy.version &&
	    !mem_read(p->pid, sy.version + sy.bias, &ver, sizeof(ver)) &&
	    (ver >> 24) == 3)
		minor = (ver >> 16) & 0xff;
	p->state = P_UNSUPPORTED;
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].minor == minor)
			break;
	if (i == sizeof(layouts) / sizeof(layouts[0])) {
		py->stats.unsupported++;
		return;
	}
	l = layouts[i];
	if (minor >= 13 && debug_offsets(p->pid, sy.runtime + sy.bias, &l)) {
		py->stats.unsupported++;
		return;
	}
	p->state = P_PENDING;
	if (mem_read(p->pid, sy.runtime + sy.bias + l.tss, tss, sizeof(tss)) ||
	    !tss[0])
		return;			/* not initialized yet */
	p->state = P_UNSUPPORTED;
	if (tss[1] >= 32) {
		py->stats.unsupported++;
		return;
	}
	l.bpf.minor = minor;
	l.bpf.tss_key = tss[1];
	l.bpf.tls_off = GLIBC_TLS_OFF;
	p->minor = minor;
	p->dev = fi.dev;
	p->ino = fi.ino;
	p->code_type = sy.code_type ? sy.code_type + sy.bias : 0;
	p->code = l.code;
	p->interp = strpool__intern(&py->strs, fi.path);
	p->fp_lo = fp_range(&l.code);
	if (p->fp_lo == PY_OFF_NONE) {
		p->state = P_UNSUPPORTED;
		py->stats.unsupported++;
		return;
	}
	if (py->attach(py->ctx, p->pid, &l.bpf))
		return;
	p->state = P_ATTACHED;
	py->stats.processes++;
}

void python__check(struct python *py, pid_t pid, const char *pcomm,
		   uint64_t now)
{
	struct py_process *p = proc_get(py, pid);
	struct interp_file fi;
	bool recheck;

	if (!p)
		return;
	if (p->state == P_NEW) {
		p->first_seen = now;
		memcpy(p->pcomm, pcomm, sizeof(p->pcomm));
		p->last_check = now;
		attach(py, p);
		return;
	}
	/* Samples of several CPUs come a little out of order. */
	if (now < p->last_check)
		return;
	if (p->state == P_ATTACHED || p->state == P_UNSUPPORTED) {
		if (!strncmp(p->pcomm, pcomm, sizeof(p->pcomm)))
			return;
		/*
		 * exec'd, or a new process with the pid: start over, unless
		 * the interpreter is the same (exec names the process a
		 * little after it maps the new program).
		 */
		if (p->state == P_ATTACHED && !find_interp(pid, &fi) &&
		    fi.dev == p->dev && fi.ino == p->ino) {
			memcpy(p->pcomm, pcomm, sizeof(p->pcomm));
			return;
		}
		python__forget_pid(py, pid);
		p->first_seen = now;
	}
	/* exec'd, or young and maybe still loading its interpreter */
	recheck = strncmp(p->pcomm, pcomm, sizeof(p->pcomm)) ||
		(now - p->first_seen < YOUNG_NS &&
		 now - p->last_check >= RECHECK_NS) ||
		(p->state == P_PENDING && now - p->last_check >= RECHECK_NS);
	if (!recheck)
		return;
	memcpy(p->pcomm, pcomm, sizeof(p->pcomm));
	p->last_check = now;
	attach(py, p);
}

bool python__is_interp(const struct python *py, pid_t pid, uint64_t dev,
		       uint64_t ino)
{
	const struct py_process *p = proc_find(py, pid);

	return p && p->state == P_ATTACHED && p->ino == ino && p->dev == dev;
}

const char *python__name_line(struct python *py, const struct py_func *f,
			      uint32_t line)
{
	const char *base = strrchr(f->file, '/');

	free(py->name_buf);
	if (asprintf(&py->name_buf, "%s (%s:%u)", f->qualname,
		     base ? base + 1 : f->file, line) < 0)
		py->name_buf = NULL;
	return py->name_buf;
}

bool python__is_eval(const char *name)
{
	return name && !strcmp(name, "_PyEval_EvalFrameDefault");
}

void python__forget_pid(struct python *py, pid_t pid)
{
	struct py_process *p = proc_find(py, pid);

	if (!p)
		return;
	if (p->state == P_ATTACHED)
		py->attach(py->ctx, pid, NULL);
	codes_release(p);
	p->state = P_NEW;
}

/* ---- code objects ---- */

static bool func_eq(uint32_t id, const void *key, void *ctx)
{
	const struct py_func *a = &((struct python *)ctx)->funcs[id - 1];
	const struct py_func *b = key;

	return a->qualname == b->qualname && a->file == b->file &&
	       a->first_line == b->first_line;
}

static uint32_t func_id(struct python *py, const char *qualname,
			const char *file, uint32_t first_line,
			const char *interp)
{
	struct py_func k = { NULL, strpool__intern(&py->strs, qualname),
			     strpool__intern(&py->strs, file), first_line,
			     interp };
	uint64_t h;
	uint32_t id;
	const char *base;
	char *name;

	if (!k.qualname || !k.file)
		return 0;
	h = hash__u64((uintptr_t)k.qualname ^ first_line, (uintptr_t)k.file);
	id = hashmap__find(&py->func_idx, h, func_eq, &k, py);
	if (id)
		return id;
	base = strrchr(file, '/');
	base = base ? base + 1 : file;
	if ((*file ? asprintf(&name, "%s (%s)", qualname, base) :
	     asprintf(&name, "%s", qualname)) < 0)
		return 0;
	k.name = strpool__intern(&py->strs, name);
	free(name);
	if (!k.name || array__grow((void **)&py->funcs, &py->funcs_cap,
				   py->nr_funcs + 1, sizeof(*py->funcs)))
		return 0;
	py->funcs[py->nr_funcs++] = k;
	if (hashmap__insert(&py->func_idx, h, py->nr_funcs)) {
		py->nr_funcs--;
		return 0;
	}
	return py->nr_funcs;
}

const struct py_func *python__func(const struct python *py, uint32_t id)
{
	return id && id <= py->nr_funcs ? &py->funcs[id - 1] : NULL;
}

/* A str object as UTF-8 (at most MAX_STR characters) into @out. */
static int read_str(const struct py_process *p, uint64_t addr, char *out,
		    size_t outlen)
{
	uint8_t hdr[80], raw[MAX_STR * 4];
	uint64_t len;
	uint32_t state, kind, i;
	size_t o = 0, data;

	if (!addr || mem_read(p->pid, addr, hdr, sizeof(hdr)))
		return -EFAULT;
	memcpy(&len, hdr + 16, 8);
	memcpy(&state, hdr + 32, 4);
	kind = state >> 2 & 7;
	if (!(state >> 5 & 1) || (kind != 1 && kind != 2 && kind != 4))
		return -EINVAL;			/* not compact: not a name */
	if (len > MAX_STR)
		len = MAX_STR;
	data = state >> 6 & 1 ? p->code.ascii_size : p->code.compact_size;
	if (len && mem_read(p->pid, addr + data, raw, len * kind))
		return -EFAULT;
	for (i = 0; i < len && o + 5 < outlen; i++) {
		uint32_t c = kind == 1 ? raw[i] : kind == 2 ?
			((uint16_t *)raw)[i] : ((uint32_t *)raw)[i];

		if (c < 0x20 || c == ';' || c > 0x10ffff)
			c = '?';	/* keep folded lines whole */
		o += utf8__encode(c, out + o);
	}
	out[o] = 0;
	return 0;
}

static bool code_eq(uint32_t id, const void *key, void *ctx)
{
	return ((struct py_process *)ctx)->codes[id - 1].addr ==
	       *(const uint64_t *)key;
}

/*
 * What tells one code object from another that later takes its address
 * (code objects are freed and their memory reused): the pointers to its
 * names and line table and its first line, hashed from a copy of the
 * object's bytes [fp_lo, fp_lo + FP_LEN).
 */
static uint64_t code_fingerprint(const struct py_process *p,
				 const uint8_t *bytes)
{
	const struct py_code_offs *o = &p->code;
	uint16_t offs[] = { o->filename, o->name, o->linetable,
			    o->firstlineno & ~7,
			    o->qualname != PY_OFF_NONE ? o->qualname : o->name };
	uint64_t h = 0, w;
	size_t i;

	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		memcpy(&w, bytes + offs[i] - p->fp_lo, 8);
		h = hash__u64(w, h);
	}
	return h;
}

/* Reads the code object of @c->addr into @c (func 0: not readable). */
static int code_read(struct python *py, struct py_process *p,
		     struct py_code *c)
{
	const struct py_code_offs *o = &p->code;
	uint64_t w[256 / 8], lt[4], addr = c->addr;
	char qual[MAX_STR * 4 + 8], file[MAX_STR * 4 + 8];
	int32_t first;

	free(c->linetable);
	c->linetable = NULL;
	c->lt_len = 0;
	c->func = 0;
	if (!addr || mem_read(p->pid, addr, w, sizeof(w)) ||
	    (p->code_type && w[1] != p->code_type) ||
	    read_str(p, w[(o->qualname != PY_OFF_NONE ? o->qualname :
			   o->name) / 8], qual, sizeof(qual)) ||
	    read_str(p, w[o->filename / 8], file, sizeof(file)))
		return 0;
	memcpy(&first, (char *)w + o->firstlineno, 4);
	c->first_line = first;
	c->fp = code_fingerprint(p, (uint8_t *)w + p->fp_lo);
	c->func = func_id(py, qual, file, first > 0 ? first : 0, p->interp);
	if (!c->func)
		return -ENOMEM;
	/* The line table (bytes: size at 16, data at 32). */
	if (!mem_read(p->pid, w[o->linetable / 8], lt, sizeof(lt)) &&
	    lt[2] <= MAX_LINETABLE && lt[2]) {
		c->linetable = malloc(lt[2]);
		if (c->linetable &&
		    !mem_read(p->pid, w[o->linetable / 8] + 32, c->linetable,
			      lt[2]))
			c->lt_len = lt[2];
	}
	return 0;
}

/* The cached code object at @addr, read when new (@fresh). */
static struct py_code *code_get(struct python *py, struct py_process *p,
				uint64_t addr, bool *fresh)
{
	uint64_t h = hash__u64(addr, 3);
	uint32_t id = hashmap__find(&p->code_idx, h, code_eq, &addr, p);
	struct py_code *c;

	*fresh = !id;
	if (id)
		return &p->codes[id - 1];
	if (array__grow((void **)&p->codes, &p->codes_cap, p->nr_codes + 1,
			sizeof(*p->codes)))
		return NULL;
	c = &p->codes[p->nr_codes];
	memset(c, 0, sizeof(*c));
	c->addr = addr;
	if (code_read(py, p, c))
		return NULL;
	p->nr_codes++;
	if (hashmap__insert(&p->code_idx, h, p->nr_codes)) {
		free(c->linetable);
		p->nr_codes--;
		return NULL;
	}
	return c;
}

/*
 * Checks the cached code objects of one sample against the process, in
 * one process_vm_readv(): one that another code object replaced since it
 * was read is read again.  A process that has exited keeps its cache.
 */
static int codes_check(struct python *py, struct py_process *p,
		       const uint32_t *idx, size_t n)
{
	struct iovec *l = py->iov, *r = py->iov + PY_MAX_FRAMES;
	struct py_code c;
	ssize_t got;
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		l[i].iov_base = py->check_buf + i * FP_LEN;
		l[i].iov_len = FP_LEN;
		r[i].iov_base = (void *)(p->codes[idx[i]].addr + p->fp_lo);
		r[i].iov_len = FP_LEN;
	}
	got = process_vm_readv(p->pid, l, n, r, n, 0);
	if (got < 0 && errno == ESRCH)
		return 0;
	for (i = 0; i < n; i++) {
		if (got >= (ssize_t)((i + 1) * FP_LEN) &&
		    code_fingerprint(p, py->check_buf + i * FP_LEN) ==
		    p->codes[idx[i]].fp)
			continue;
		/*
		 * Another code object at the address replaces the one read.
		 * Memory that holds no code object any more (freed: module
		 * code dies right after the import ran it) most likely still
		 * held the one read when the sample was taken: keep it.
		 */
		c = p->codes[idx[i]];
		c.linetable = NULL;
		err = code_read(py, p, &c);
		if (err)
			return err;
		if (c.func) {
			free(p->codes[idx[i]].linetable);
			p->codes[idx[i]] = c;
		} else {
			free(c.linetable);
		}
	}
	return 0;
}

static uint64_t varint(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;
	unsigned int shift = 0;
	uint8_t b;

	do {
		if (*p >= end || shift > 30)	/* lines fit in 32 bits */
			return 0;
		b = *(*p)++;
		v |= (uint64_t)(b & 63) << shift;
		shift += 6;
	} while (b & 64);
	return v;
}

static int64_t svarint(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = varint(p, end);

	return v & 1 ? -(int64_t)(v >> 1) : (int64_t)(v >> 1);
}

int python__line(unsigned int minor, const uint8_t *t, size_t len,
		 int first_line, int lasti)
{
	const uint8_t *p = t, *end = t + len;
	int64_t line = first_line, addr = 0;

	if (lasti < 0)
		return first_line;
	if (minor == 10) {
		/* (byte delta, signed line delta) pairs over byte offsets */
		for (; p + 1 < end; p += 2) {
			int64_t start = addr;
			int8_t ld = (int8_t)p[1];

			addr += p[0];
			if (ld != -128)
				line += ld;
			if (lasti * 2 >= start && lasti * 2 < addr)
				return ld == -128 || line <= 0 ? -1 : line;
		}
		return -1;
	}
	while (p < end) {
		uint8_t b = *p++;
		unsigned int code = b >> 3 & 15, n = (b & 7) + 1;

		if (!(b & 0x80))
			return -1;
		if (code == 15) {
			if (lasti >= addr && lasti < addr + n)
				return -1;	/* no location */
		} else if (code == 14) {
			line += svarint(&p, end);
			varint(&p, end);
			varint(&p, end);
			varint(&p, end);
		} else if (code == 13) {
			line += svarint(&p, end);
		} else if (code >= 10) {
			line += code - 10;
			p += end - p < 2 ? end - p : 2;		/* columns */
		} else {
			p++;					/* column */
		}
		if (lasti >= addr && lasti < addr + n)
			return line > 0 && line <= INT32_MAX ? line : -1;
		addr += n;
	}
	return -1;
}

void python__prefetch(struct python *py, const struct sample_event *e)
{
	const struct py_stack *st = sample_event__python(e);
	struct py_process *p;
	uint32_t i, nr;
	bool fresh;

	python__check(py, e->pid, e->pcomm, e->ts);
	p = proc_find(py, e->pid);
	if (!st || !p || p->state != P_ATTACHED)
		return;
	nr = st->nr > PY_MAX_FRAMES ? PY_MAX_FRAMES : st->nr;
	for (i = 0; i < nr; i++)
		if (!code_get(py, p, st->frames[i].code, &fresh))
			return;
}

int python__frames(struct python *py, const struct sample_event *e,
		   uint64_t *out)
{
	const struct py_stack *st = sample_event__python(e);
	struct py_process *p = proc_find(py, e->pid);
	uint32_t i, nr, n = 0, nold = 0;
	bool bad = false;

	if (!st || !p || p->state != P_ATTACHED) {
		if (p && p->state == P_PENDING)
			py->stats.early++;
		return 0;
	}
	nr = st->nr > PY_MAX_FRAMES ? PY_MAX_FRAMES : st->nr;
	if (st->err == PYE_NO_TSTATE || (!nr && st->err == PYE_OK)) {
		py->stats.no_thread++;
		return 0;
	}
	py->stats.samples++;
	/* The code objects, those read before checked in one go. */
	for (i = 0; i < nr; i++) {
		bool fresh;
		struct py_code *c = code_get(py, p, st->frames[i].code, &fresh);

		if (!c)
			return -ENOMEM;
		if (!fresh)	/* an index: codes[] may move meanwhile */
			py->sample_codes[nold++] = c - p->codes;
	}
	if (nold && codes_check(py, p, py->sample_codes, nold))
		return -ENOMEM;
	/* Outermost first. */
	for (i = nr; i-- > 0;) {
		const struct py_frame *f = &st->frames[i];
		bool fresh;
		struct py_code *c = code_get(py, p, f->code, &fresh);
		int line;

		if (!c)
			return -ENOMEM;
		if (!c->func) {
			/* Keep the chain's shape: the frame is there. */
			bad = true;
			if (!py->unknown_func)
				py->unknown_func = func_id(py, UNKNOWN_CODE, "",
							   0, NULL);
			if (!py->unknown_func)
				return -ENOMEM;
			out[n++] = (uint64_t)py->unknown_func << 32 |
				(f->flags & PYF_ENTRY ? PY_WORD_ENTRY : 0);
			continue;
		}
		line = python__line(p->minor, c->linetable, c->lt_len,
				    c->first_line, f->lasti);
		out[n++] = (uint64_t)c->func << 32 |
			(p->minor == 10 || (f->flags & PYF_ENTRY) ?
			 PY_WORD_ENTRY : 0) | (line > 0 ? line & 0x7fffffff : 0);
	}
	py->stats.frames += n;
	if (st->err == PYE_TRUNCATED)
		py->stats.truncated++;
	else if (st->err == PYE_READ || bad)
		py->stats.unreadable++;
	else
		py->stats.complete++;
	return n;
}
