// SPDX-License-Identifier: GPL-2.0
/*
 * DWARF unwinding of copied user stacks with libunwind's remote API (see
 * unwind.h).  libunwind asks us, through accessors, for the unwind table
 * of an IP (find_proc_info), for memory (access_mem: the copied stack, or
 * the module's file image for .eh_frame_hdr, .eh_frame and code) and for
 * registers (access_reg: the copied registers of the sampled frame).
 *
 * Modules are read through their program headers only: PT_LOAD segments
 * translate process addresses to file offsets (a module's load bias is
 * found from the executable mapping the sample used), PT_GNU_EH_FRAME
 * gives the search table.  The file is mapped read-only once.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libunwind-x86_64.h>

#include "lib/array.h"
#include "lib/hashmap.h"
#include "symbol/vdso.h"
#include "unwind/unwind.h"

/* Not in libunwind's public headers, but exported (perf uses it too). */
extern int _Ux86_64_dwarf_search_unwind_table(unw_addr_space_t as,
					      unw_word_t ip,
					      unw_dyn_info_t *di,
					      unw_proc_info_t *pi,
					      int need_unwind_info, void *arg);

/* DWARF pointer encodings used by .eh_frame_hdr. */
#define EH_PE_udata4	0x03
#define EH_PE_sdata4	0x0b
#define EH_PE_pcrel	0x10
#define EH_PE_datarel	0x30

#define MAX_SEGS 16
/* Processes whose address spaces are kept before all are dropped. */
#define MAX_PROCS 1024

struct uw_seg {
	uint64_t vaddr, memsz, off, filesz;
	uint32_t flags;
};

struct uw_mod {
	bool loaded;		/* tried */
	const uint8_t *img;	/* file image, or NULL */
	size_t size;
	bool mapped;		/* img is our mmap */
	struct uw_seg segs[MAX_SEGS];
	int nsegs;
	uint64_t lo, hi;	/* vaddr span of the PT_LOADs */
	bool has_table;
	uint64_t hdr_vaddr, table_vaddr, fde_count;
	uint64_t text_lo, text_hi;	/* vaddr span of executable segments */
};

/* A module as mapped in one process. */
struct uw_region {
	uint64_t lo, hi;	/* process addresses */
	uint64_t bias;		/* process address - ELF vaddr */
	uint64_t map_start;	/* of the mapping it was found from */
	uint32_t mod;		/* pm_module id */
};

struct uw_proc {
	pid_t pid;
	struct uw_region *regions;
	size_t nr, cap, last;
};

struct unwinder {
	unwind_lookup_fn lookup;
	void *lookup_ctx;
	struct uw_mod *mods;		/* by pm_module id */
	size_t nr_mods;
	struct uw_proc *procs;		/* id i at procs[i - 1] */
	size_t nr_procs, procs_cap;
	struct hashmap proc_idx;
	/* One address space for every process (see unwinding_depth). */
	unw_addr_space_t as;
	pid_t cached_pid;
};

/* One unwind in progress: libunwind's `arg`. */
struct uw_ctx {
	struct unwinder *u;
	struct uw_proc *p;
	pid_t pid;
	uint64_t ts;
	const uint64_t *regs;
	const uint64_t *redzone;	/* below sp, or NULL */
	const uint8_t *stack;
	uint64_t sp, size;
	bool beyond_stack;	/* a read past the copied stack failed */
	bool no_info;		/* an IP had no unwind info */
};

/*
 * libunwind's cache is guarded by a lock taken with every signal blocked:
 * two sigprocmask system calls per frame, more than the unwinding itself
 * (Debian's build has no per-thread cache to avoid it).  The mask protects
 * unwinding from signal handlers, which we never do, so while we unwind,
 * the sigprocmask that libunwind calls (resolved to this definition by
 * the dynamic linker, the executable's symbols coming first) does
 * nothing; at any other time it is the C library's.  Unwinding happens on
 * one thread at a time (recorder.c); the counter is per thread anyway.
 */
static __thread int unwinding_depth;

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	static int (*real)(int, const sigset_t *, sigset_t *);

	if (unwinding_depth) {
		if (old)
			sigemptyset(old);
		return 0;
	}
	if (!real)
		real = (int (*)(int, const sigset_t *, sigset_t *))
			dlsym(RTLD_NEXT, "sigprocmask");
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	return real(how, set, old);
}

/* ---- module images ---- */

static bool in_img(const struct uw_mod *m, uint64_t off, uint64_t len)
{
	return off <= m->size && len <= m->size - off;
}

static void mod_parse(struct uw_mod *m)
{
	const Elf64_Ehdr *eh = (const void *)m->img;
	uint64_t gnu_eh = 0, gnu_eh_off = 0;
	bool have_gnu_eh = false;
	int i;

	m->lo = UINT64_MAX;
	m->text_lo = UINT64_MAX;
	if (m->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    !in_img(m, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr)))
		return;
	for (i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, m->img + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_GNU_EH_FRAME) {
			gnu_eh = ph.p_vaddr;
			gnu_eh_off = ph.p_offset;
			have_gnu_eh = true;
		}
		if (ph.p_type != PT_LOAD || m->nsegs == MAX_SEGS ||
		    ph.p_filesz > ph.p_memsz)
			continue;
		m->segs[m->nsegs++] = (struct uw_seg){ ph.p_vaddr, ph.p_memsz,
			ph.p_offset, ph.p_filesz, ph.p_flags };
		if (ph.p_vaddr < m->lo)
			m->lo = ph.p_vaddr;
		if (ph.p_vaddr + ph.p_memsz > m->hi)
			m->hi = ph.p_vaddr + ph.p_memsz;
		if (ph.p_flags & PF_X) {
			if (ph.p_vaddr < m->text_lo)
				m->text_lo = ph.p_vaddr;
			if (ph.p_vaddr + ph.p_memsz > m->text_hi)
				m->text_hi = ph.p_vaddr + ph.p_memsz;
		}
	}
	/*
	 * .eh_frame_hdr: version 1, three encodings, the encoded .eh_frame
	 * pointer and FDE count, then the table.  libunwind's remote search
	 * reads only the usual table encoding: datarel | sdata4.
	 */
	if (have_gnu_eh && in_img(m, gnu_eh_off, 12)) {
		const uint8_t *h = m->img + gnu_eh_off;
		uint32_t count;

		if (h[0] == 1 && h[1] == (EH_PE_pcrel | EH_PE_sdata4) &&
		    h[2] == EH_PE_udata4 &&
		    h[3] == (EH_PE_datarel | EH_PE_sdata4)) {
			memcpy(&count, h + 8, 4);
			if (count && in_img(m, gnu_eh_off + 12,
					    (uint64_t)count * 8)) {
				m->has_table = true;
				m->hdr_vaddr = gnu_eh;
				m->table_vaddr = gnu_eh + 12;
				m->fde_count = count;
			}
		}
	}
}

/* Our own vDSO image: the kernel maps the same one into every process. */
static void mod_vdso(struct uw_mod *m)
{
	m->img = vdso__image(&m->size);
}

static struct uw_mod *mod_get(struct unwinder *u, const struct pm_module *pm)
{
	struct uw_mod *m;
	struct stat st;

	if (pm->id >= u->nr_mods) {
		size_t n = u->nr_mods ? u->nr_mods : 64;
		struct uw_mod *mods;

		while (n <= pm->id)
			n *= 2;
		mods = realloc(u->mods, n * sizeof(*mods));
		if (!mods)
			return NULL;
		memset(mods + u->nr_mods, 0, (n - u->nr_mods) * sizeof(*mods));
		u->mods = mods;
		u->nr_mods = n;
	}
	m = &u->mods[pm->id];
	if (m->loaded)
		return m;
	m->loaded = true;
	if (pm->special) {
		if (!strcmp(pm->path, "[vdso]"))
			mod_vdso(m);
	} else if (pm->fd >= 0 && !fstat(pm->fd, &st) && st.st_size > 0) {
		void *p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE,
			       pm->fd, 0);

		if (p != MAP_FAILED) {
			m->img = p;
			m->size = st.st_size;
			m->mapped = true;
		}
	}
	if (m->img)
		mod_parse(m);
	return m;
}

/* Reads @len bytes at ELF address @vaddr of @m's file image. */
static int mod_read(const struct uw_mod *m, uint64_t vaddr, void *buf,
		    size_t len)
{
	int i;

	for (i = 0; i < m->nsegs; i++) {
		const struct uw_seg *s = &m->segs[i];
		uint64_t d = vaddr - s->vaddr;

		if (vaddr < s->vaddr || d >= s->filesz || len > s->filesz - d)
			continue;
		if (!in_img(m, s->off + d, len))
			return -ENOENT;
		memcpy(buf, m->img + s->off + d, len);
		return 0;
	}
	return -ENOENT;
}

/*
 * A word for libunwind, which reads aligned words and takes the bytes it
 * wants from them: the last fields of a segment that does not end on a
 * word boundary (the last FDE of an .eh_frame without terminator) come in
 * a word that goes past the segment.  The bytes past it read as zeros.
 */
static int mod_read_word(const struct uw_mod *m, uint64_t vaddr,
			 uint64_t *val)
{
	int i;

	if (!mod_read(m, vaddr, val, sizeof(*val)))
		return 0;
	for (i = 0; i < m->nsegs; i++) {
		const struct uw_seg *s = &m->segs[i];
		uint64_t d = vaddr - s->vaddr;

		if (vaddr < s->vaddr || d >= s->filesz ||
		    s->filesz - d >= sizeof(*val))
			continue;
		*val = 0;
		return mod_read(m, vaddr, val, s->filesz - d);
	}
	return -ENOENT;
}

/* ---- per-process state ---- */

static bool proc_eq(uint32_t id, const void *key, void *ctx)
{
	return ((struct unwinder *)ctx)->procs[id - 1].pid == *(const pid_t *)key;
}

static unw_accessors_t accessors;

static void procs_drop(struct unwinder *u)
{
	size_t i;

	for (i = 0; i < u->nr_procs; i++) {
		free(u->procs[i].regions);
	}
	u->nr_procs = 0;
	hashmap__release(&u->proc_idx);
	hashmap__init(&u->proc_idx);
}

static struct uw_proc *proc_get(struct unwinder *u, pid_t pid)
{
	uint64_t h = hash__u64(pid, 0x756e77);
	uint32_t id = hashmap__find(&u->proc_idx, h, proc_eq, &pid, u);
	struct uw_proc *p;

	if (id)
		return &u->procs[id - 1];
	if (u->nr_procs >= MAX_PROCS) {
		procs_drop(u);
		u->cached_pid = 0;
	}
	if (array__grow((void **)&u->procs, &u->procs_cap, u->nr_procs + 1,
			sizeof(*u->procs)))
		return NULL;
	p = &u->procs[u->nr_procs];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	u->nr_procs++;
	if (hashmap__insert(&u->proc_idx, h, u->nr_procs)) {
		u->nr_procs--;
		return NULL;
	}
	return p;
}

void unwinder__forget(struct unwinder *u, pid_t pid)
{
	uint64_t h = hash__u64(pid, 0x756e77);
	uint32_t id = hashmap__find(&u->proc_idx, h, proc_eq, &pid, u);
	struct uw_proc *p;

	if (!id)
		return;
	/* Keep the slot (ids are indices); empty it. */
	p = &u->procs[id - 1];
	free(p->regions);
	p->regions = NULL;
	p->nr = p->cap = 0;
	p->last = 0;
	if (u->cached_pid == pid)
		u->cached_pid = 0;
}

void unwinder__forget_module(struct unwinder *u, uint32_t id)
{
	struct uw_mod *m;
	size_t i, j, kept;

	if (id >= u->nr_mods)
		return;
	m = &u->mods[id];
	if (m->mapped)
		munmap((void *)m->img, m->size);
	memset(m, 0, sizeof(*m));
	/* The id may name another file next: no region may point at it. */
	for (i = 0; i < u->nr_procs; i++) {
		struct uw_proc *p = &u->procs[i];

		for (j = kept = 0; j < p->nr; j++)
			if (p->regions[j].mod != id)
				p->regions[kept++] = p->regions[j];
		p->nr = kept;
		p->last = 0;
	}
	unw_flush_cache(u->as, 0, 0);
}

static const struct uw_region *region_find(struct uw_proc *p, uint64_t addr)
{
	size_t i;

	if (p->last < p->nr && addr >= p->regions[p->last].lo &&
	    addr < p->regions[p->last].hi)
		return &p->regions[p->last];
	for (i = 0; i < p->nr; i++)
		if (addr >= p->regions[i].lo && addr < p->regions[i].hi) {
			p->last = i;
			return &p->regions[i];
		}
	return NULL;
}

/*
 * The region of @map (the mapping covering @addr) in @p, registered on
 * first sight.  Regions of other modules it overlaps are stale (exec,
 * munmap + mmap): they go, and so does libunwind's per-IP cache.
 */
static const struct uw_region *region_for(struct unwinder *u,
					  struct uw_proc *p,
					  const struct pm_map *map,
					  uint64_t addr)
{
	const struct uw_region *r = region_find(p, addr);
	struct uw_region nr;
	struct uw_mod *m;
	uint64_t off, vaddr = 0;
	bool found = false, flush = false;
	size_t i, kept;
	int s;

	if (r && r->mod == map->mod->id && r->map_start == map->start)
		return r;
	m = mod_get(u, map->mod);
	if (!m || !m->nsegs)
		return NULL;
	off = addr - map->start + map->pgoff;
	for (s = 0; s < m->nsegs; s++) {
		const struct uw_seg *sg = &m->segs[s];

		if (off >= sg->off && off - sg->off < sg->memsz) {
			vaddr = off - sg->off + sg->vaddr;
			found = true;
			break;
		}
	}
	if (!found)
		return NULL;
	nr.bias = addr - vaddr;
	nr.lo = m->lo + nr.bias;
	nr.hi = m->hi + nr.bias;
	nr.map_start = map->start;
	nr.mod = map->mod->id;
	for (i = kept = 0; i < p->nr; i++) {
		struct uw_region *o = &p->regions[i];

		if (o->lo < nr.hi && nr.lo < o->hi) {
			if (o->mod != nr.mod || o->bias != nr.bias)
				flush = true;
			continue;
		}
		p->regions[kept++] = *o;
	}
	p->nr = kept;
	if (flush)
		unw_flush_cache(u->as, 0, 0);
	if (array__grow((void **)&p->regions, &p->cap, p->nr + 1,
			sizeof(*p->regions)))
		return NULL;
	p->regions[p->nr] = nr;
	p->last = p->nr;
	return &p->regions[p->nr++];
}

/* ---- libunwind accessors ---- */

static int uw_find_proc_info(unw_addr_space_t as, unw_word_t ip,
			     unw_proc_info_t *pi, int need_unwind_info,
			     void *arg)
{
	struct uw_ctx *c = arg;
	const struct pm_map *map = c->u->lookup(c->u->lookup_ctx, c->pid, ip,
						c->ts);
	const struct uw_region *r;
	const struct uw_mod *m;
	unw_dyn_info_t di;
	int ret;

	r = map ? region_for(c->u, c->p, map, ip) : NULL;
	m = r ? &c->u->mods[r->mod] : NULL;
	if (!m || !m->has_table) {
		c->no_info = true;
		return -UNW_ENOINFO;
	}
	memset(&di, 0, sizeof(di));
	di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
	di.start_ip = m->text_lo + r->bias;
	di.end_ip = m->text_hi + r->bias;
	di.u.rti.segbase = m->hdr_vaddr + r->bias;
	di.u.rti.table_data = m->table_vaddr + r->bias;
	/* In words; an entry is two 32-bit values. */
	di.u.rti.table_len = m->fde_count * 8 / sizeof(unw_word_t);
	ret = _Ux86_64_dwarf_search_unwind_table(as, ip, &di, pi,
						 need_unwind_info, arg);
	if (ret == -UNW_ENOINFO)
		c->no_info = true;
	return ret;
}

static void uw_put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi,
			       void *arg)
{
}

static int uw_get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr,
				     void *arg)
{
	return -UNW_ENOINFO;
}

static int uw_access_mem(unw_addr_space_t as, unw_word_t addr,
			 unw_word_t *val, int write, void *arg)
{
	struct uw_ctx *c = arg;
	const struct uw_region *r;

	if (write)
		return -UNW_EINVAL;
	if (addr >= c->sp && addr - c->sp < c->size &&
	    c->size - (addr - c->sp) >= sizeof(*val)) {
		memcpy(val, c->stack + (addr - c->sp), sizeof(*val));
		return 0;
	}
	if (c->redzone && addr < c->sp && c->sp - addr <= sizeof(c->redzone[0]) *
	    SAMPLE_REDZONE_WORDS && !((c->sp - addr) % sizeof(*val))) {
		*val = c->redzone[SAMPLE_REDZONE_WORDS -
				  (c->sp - addr) / sizeof(*val)];
		return 0;
	}
	r = region_find(c->p, addr);
	if (r && !mod_read_word(&c->u->mods[r->mod], addr - r->bias, val))
		return 0;
	/* Above the copy, within any plausible stack: the copy was short. */
	if (addr >= c->sp && addr - c->sp < (64ULL << 20))
		c->beyond_stack = true;
	return -UNW_EINVAL;
}

static int uw_access_reg(unw_addr_space_t as, unw_regnum_t reg,
			 unw_word_t *val, int write, void *arg)
{
	struct uw_ctx *c = arg;

	if (write || reg < 0 || reg >= SREG_NR)
		return -UNW_EBADREG;
	*val = c->regs[reg];
	return 0;
}

static int uw_access_fpreg(unw_addr_space_t as, unw_regnum_t reg,
			   unw_fpreg_t *val, int write, void *arg)
{
	return -UNW_EBADREG;
}

static int uw_resume(unw_addr_space_t as, unw_cursor_t *cu, void *arg)
{
	return -UNW_EINVAL;
}

static int uw_get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf,
			    size_t len, unw_word_t *off, void *arg)
{
	return -UNW_EINVAL;
}

static unw_accessors_t accessors = {
	.find_proc_info = uw_find_proc_info,
	.put_unwind_info = uw_put_unwind_info,
	.get_dyn_info_list_addr = uw_get_dyn_info_list_addr,
	.access_mem = uw_access_mem,
	.access_reg = uw_access_reg,
	.access_fpreg = uw_access_fpreg,
	.resume = uw_resume,
	.get_proc_name = uw_get_proc_name,
};

/* ---- API ---- */

struct unwinder *unwinder__new(unwind_lookup_fn lookup, void *ctx)
{
	struct unwinder *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->lookup = lookup;
	u->lookup_ctx = ctx;
	hashmap__init(&u->proc_idx);
	u->as = unw_create_addr_space(&accessors, 0);
	if (!u->as) {
		free(u);
		errno = ENOMEM;
		return NULL;
	}
	unw_set_caching_policy(u->as, UNW_CACHE_GLOBAL);
	return u;
}

void unwinder__free(struct unwinder *u)
{
	size_t i;

	if (!u)
		return;
	procs_drop(u);
	hashmap__release(&u->proc_idx);
	free(u->procs);
	unw_destroy_addr_space(u->as);
	for (i = 0; i < u->nr_mods; i++)
		if (u->mods[i].mapped)
			munmap((void *)u->mods[i].img, u->mods[i].size);
	free(u->mods);
	free(u);
}

int unwinder__unwind(struct unwinder *u, pid_t pid, uint64_t ts,
		     const uint64_t regs[SREG_NR], const uint64_t *redzone,
		     const uint8_t *stack, size_t size, uint64_t *ips,
		     const struct pm_map **maps, int max,
		     struct unwind_result *res)
{
	struct uw_ctx c = {
		.u = u, .pid = pid, .ts = ts, .regs = regs, .redzone = redzone,
		.stack = stack,
		.sp = regs[SREG_SP], .size = size,
	};
	uint64_t prev_ip = 0, prev_sp = 0;
	bool after_signal = false;
	unw_cursor_t cur;
	int ret;

	memset(res, 0, sizeof(*res));
	res->stop = UNWIND_NO_STACK;
	if (!regs[SREG_IP] || max <= 0)
		return 0;
	c.p = proc_get(u, pid);
	if (!c.p)
		return -ENOMEM;
	unwinding_depth++;
	if (pid != u->cached_pid) {
		unw_flush_cache(u->as, 0, 0);
		u->cached_pid = pid;
	}
	if (unw_init_remote(&cur, u->as, &c) < 0) {
		res->stop = UNWIND_BAD_FRAME;
		unwinding_depth--;
		return 0;
	}
	for (;;) {
		unw_word_t ip = 0, sp = 0;
		const struct pm_map *map;

		if (unw_get_reg(&cur, UNW_REG_IP, &ip) < 0 ||
		    unw_get_reg(&cur, UNW_REG_SP, &sp) < 0) {
			res->stop = UNWIND_BAD_FRAME;
			break;
		}
		if (!ip && res->nr) {
			res->stop = UNWIND_END;
			break;
		}
		if (res->nr && ip == prev_ip && sp == prev_sp) {
			res->stop = UNWIND_BAD_FRAME;	/* no progress */
			break;
		}
		if (res->nr == max) {
			res->stop = UNWIND_MAX_DEPTH;
			break;
		}
		/*
		 * Register this frame's module before libunwind may answer
		 * from its per-IP cache: a new module at an old address
		 * flushes the cache.
		 */
		map = u->lookup(u->lookup_ctx, pid, ip, ts);
		if (map)
			region_for(u, c.p, map, ip);
		if (maps)
			maps[res->nr] = map;
		/*
		 * Symbolizers look up a caller at its return address - 1.
		 * A signal trampoline's "return address" is its first byte
		 * and the interrupted frame's IP is exact: report both + 1.
		 */
		if (after_signal || (res->nr && unw_is_signal_frame(&cur) > 0)) {
			after_signal = !after_signal;
			ip++;
		}
		ips[res->nr++] = ip;
		prev_ip = ip;
		prev_sp = sp;
		c.no_info = c.beyond_stack = false;
		ret = unw_step(&cur);
		if (ret > 0) {
			if (c.no_info)
				res->fp_frames++;
			continue;
		}
		if (c.beyond_stack)
			res->stop = UNWIND_STACK_SHORT;
		else if (c.no_info)
			res->stop = UNWIND_NO_INFO;
		else if (ret == 0)
			res->stop = UNWIND_END;
		else
			res->stop = UNWIND_BAD_FRAME;
		break;
	}
	unwinding_depth--;
	return 0;
}

int unwinder__read(struct unwinder *u, pid_t pid, uint64_t ts, uint64_t addr,
		   void *buf, size_t len)
{
	const struct pm_map *map = u->lookup(u->lookup_ctx, pid, addr, ts);
	struct uw_mod *m;
	uint64_t off;
	int s;

	if (!map || !map->mod)
		return -ENOENT;
	m = mod_get(u, map->mod);
	if (!m || !m->img)
		return -ENOENT;
	off = addr - map->start + map->pgoff;
	for (s = 0; s < m->nsegs; s++) {
		const struct uw_seg *sg = &m->segs[s];

		if (off >= sg->off && off - sg->off < sg->filesz &&
		    len <= sg->filesz - (off - sg->off))
			return mod_read(m, off - sg->off + sg->vaddr, buf, len);
	}
	return -ENOENT;
}

const char *unwind_stop__name(enum unwind_stop s)
{
	static const char *const names[UNWIND_STOP_NR] = {
		[UNWIND_END] = "complete",
		[UNWIND_STACK_SHORT] = "stack copy too short",
		[UNWIND_NO_INFO] = "no unwind info",
		[UNWIND_BAD_FRAME] = "invalid frame",
		[UNWIND_MAX_DEPTH] = "too deep",
		[UNWIND_NO_STACK] = "no user registers or stack",
	};

	return s < UNWIND_STOP_NR ? names[s] : "?";
}

/* ---- audit ---- */

int unwind__file_info(int fd, struct unwind_file_info *info)
{
	struct uw_mod m = { 0 };
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	struct stat st;
	void *p;
	int i, err = 0;

	memset(info, 0, sizeof(*info));
	if (fstat(fd, &st))
		return -errno;
	if (st.st_size < (off_t)sizeof(Elf64_Ehdr))
		return -ENOEXEC;
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	m.img = p;
	m.size = st.st_size;
	eh = p;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64) {
		err = -ENOEXEC;
		goto out;
	}
	mod_parse(&m);
	info->eh_frame_hdr = m.has_table;
	info->fde_count = m.fde_count;
	for (i = 0; i < m.nsegs; i++)
		if (m.segs[i].flags & PF_X) {
			info->executable = true;
			info->text_size += m.segs[i].memsz;
		}
	/* Sections, for .eh_frame and .debug_frame by name. */
	if (eh->e_shentsize == sizeof(Elf64_Shdr) && eh->e_shnum &&
	    in_img(&m, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(*sh)) &&
	    eh->e_shstrndx < eh->e_shnum) {
		const Elf64_Shdr *shs = (const void *)(m.img + eh->e_shoff);
		const Elf64_Shdr *str = &shs[eh->e_shstrndx];

		for (i = 0; i < eh->e_shnum; i++) {
			const char *name;

			sh = &shs[i];
			if (sh->sh_name >= str->sh_size ||
			    !in_img(&m, str->sh_offset, str->sh_size))
				continue;
			name = (const char *)m.img + str->sh_offset +
			       sh->sh_name;
			if (strnlen(name, str->sh_size - sh->sh_name) ==
			    str->sh_size - sh->sh_name)
				continue;
			if (!strcmp(name, ".eh_frame") && sh->sh_size > 4)
				info->eh_frame = true;
			else if (!strcmp(name, ".debug_frame") &&
				 sh->sh_type != SHT_NOBITS && sh->sh_size)
				info->debug_frame = true;
		}
	}
out:
	munmap(p, st.st_size);
	return err;
}
