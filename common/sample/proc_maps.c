// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process executable mappings over time, from perf side-band records
 * (MMAP2, COMM with exec, FORK, EXIT) and /proc/PID/maps; see proc_maps.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "lib/array.h"
#include "lib/hashmap.h"
#include "lib/log.h"
#include "lib/safe_open.h"
#include "sample/proc_maps.h"

#define RING_PAGES 64		/* data pages per CPU (256 KiB) */
#define ALIVE UINT64_MAX

struct pm_proc {
	pid_t pid;
	bool loaded;		/* /proc/PID/maps read, or known from birth */
	struct pm_map *maps;
	size_t nr, cap;
	size_t last;		/* index of the last hit: samples cluster */
	uint64_t exited;	/* exit time, 0 while alive */
};

struct pm_ring {
	int fd;
	void *base;		/* metadata page + data pages */
	size_t data_size;
};

struct proc_maps {
	struct pm_ring *rings;
	int nr_rings;
	size_t page_size;

	/*
	 * Each CPU has its own ring, so a fork read from one ring can be
	 * older than an exec already read from another: records of a drain
	 * are gathered here and handled in time order.
	 */
	char *pend_buf;
	size_t pend_len, pend_cap;
	struct pend { uint64_t time; size_t off; } *pend;
	size_t nr_pend, pend_max;

	struct pm_proc **procs;
	size_t nr_procs, procs_cap;
	struct hashmap proc_idx;

	struct pm_module **mods;	/* by id - 1; NULL: a free id */
	size_t nr_mods, mods_cap;
	struct hashmap mod_idx;
	uint32_t *free_ids;		/* ids of retired modules, reused */
	size_t nr_free, free_cap;

	uint64_t lost;
};

/* ---- modules ---- */

struct mod_key {
	uint64_t dev, ino;
	const char *path;
};

static bool mod_eq(uint32_t id, const void *key, void *ctx)
{
	const struct pm_module *m = ((struct proc_maps *)ctx)->mods[id - 1];
	const struct mod_key *k = key;

	if (!m)
		return false;
	if (k->ino)
		return m->dev == k->dev && m->ino == k->ino;
	return !m->ino && !strcmp(m->path, k->path);
}

static uint64_t mod_hash(const struct mod_key *k)
{
	if (k->ino)
		return hash__u64(k->ino, k->dev);
	return hash__bytes(k->path, strlen(k->path), 7);
}

/* Opens the file behind a mapping, preferring the exact one. */
static int open_mapped(pid_t pid, uint64_t start, uint64_t end,
		       const char *path, uint64_t dev, uint64_t ino)
{
	char buf[64];
	struct safe_open_opts in_root = { .root = buf,
					  .owner = SAFE_ANY_OWNER };
	struct stat st;
	int fd;

	/*
	 * The exact file, across mount namespaces and after deletion; a
	 * mapped device is not opened.  Then the path, which its owner may
	 * have replaced by a FIFO (root would block in open()) or a link:
	 * regular files only, resolved in the process's root.
	 */
	snprintf(buf, sizeof(buf), "/proc/%d/map_files/%llx-%llx", pid,
		 (unsigned long long)start, (unsigned long long)end);
	fd = safe_open(buf, NULL);
	if (fd >= 0 || fd == -EINVAL)
		return fd;
	snprintf(buf, sizeof(buf), "/proc/%d/root", pid);
	fd = safe_open(path, &in_root);
	if (fd < 0 && fd != -EINVAL)
		fd = safe_open(path, NULL);
	/* A file of that name that is not the mapped one would lie. */
	if (fd >= 0 && ino && (fstat(fd, &st) || st.st_ino != ino ||
			       st.st_dev != dev)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void module_free(struct pm_module *m)
{
	if (m->fd >= 0)
		close(m->fd);
	free(m->path);
	free(m);
}

static struct pm_module *module_get(struct proc_maps *pm, pid_t pid,
				    const struct pm_map *map, const char *path,
				    uint64_t dev, uint64_t ino)
{
	struct mod_key k = { ino ? dev : 0, ino, path };
	uint64_t h = mod_hash(&k);
	uint32_t id = hashmap__find(&pm->mod_idx, h, mod_eq, &k, pm);
	struct pm_module *m;
	const char *slash;

	if (id)
		return pm->mods[id - 1];
	if (!pm->nr_free && array__grow((void **)&pm->mods, &pm->mods_cap,
					pm->nr_mods + 1, sizeof(*pm->mods)))
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m || !(m->path = strdup(path))) {
		free(m);
		return NULL;
	}
	slash = strrchr(m->path, '/');
	m->name = slash ? slash + 1 : m->path;
	m->dev = k.dev;
	m->ino = ino;
	m->special = path[0] != '/';
	m->fd = m->special ? -1 : open_mapped(pid, map->start, map->end,
					      path, dev, ino);
	m->id = pm->nr_free ? pm->free_ids[--pm->nr_free] : ++pm->nr_mods;
	pm->mods[m->id - 1] = m;
	if (hashmap__insert(&pm->mod_idx, h, m->id)) {
		pm->mods[m->id - 1] = NULL;
		if (m->id == pm->nr_mods)
			pm->nr_mods--;
		else	/* it came from the free list: there is room */
			pm->free_ids[pm->nr_free++] = m->id;
		module_free(m);
		return NULL;
	}
	return m;
}

uint32_t proc_maps__nr_modules(const struct proc_maps *pm)
{
	return pm->nr_mods;
}

struct pm_module *proc_maps__module(const struct proc_maps *pm, uint32_t id)
{
	return id && id <= pm->nr_mods ? pm->mods[id - 1] : NULL;
}

/* ---- processes ---- */

static bool proc_eq(uint32_t id, const void *key, void *ctx)
{
	return ((struct proc_maps *)ctx)->procs[id - 1]->pid ==
	       *(const pid_t *)key;
}

static struct pm_proc *proc_find(struct proc_maps *pm, pid_t pid)
{
	uint32_t id = hashmap__find(&pm->proc_idx, hash__u64(pid, 0), proc_eq,
				    &pid, pm);

	return id ? pm->procs[id - 1] : NULL;
}

static struct pm_proc *proc_new(struct proc_maps *pm, pid_t pid)
{
	struct pm_proc *p;

	if (array__grow((void **)&pm->procs, &pm->procs_cap, pm->nr_procs + 1,
			sizeof(*pm->procs)))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	pm->procs[pm->nr_procs++] = p;
	if (hashmap__insert(&pm->proc_idx, hash__u64(pid, 0), pm->nr_procs)) {
		pm->nr_procs--;
		free(p);
		return NULL;
	}
	return p;
}

static int proc_add_map(struct proc_maps *pm, struct pm_proc *p,
			const struct pm_map *m)
{
	if (array__grow((void **)&p->maps, &p->cap, p->nr + 1,
			sizeof(*p->maps)))
		return -ENOMEM;
	p->maps[p->nr++] = *m;
	return 0;
}

int proc_maps__parse_line(const char *line, uint64_t *start, uint64_t *end,
			  char perms[5], uint64_t *pgoff, uint64_t *dev,
			  uint64_t *ino, const char **path)
{
	unsigned long long s, e, off, in;
	unsigned int maj, min;
	int n = 0;

	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &s, &e, perms,
		   &off, &maj, &min, &in, &n) < 7 || !n)
		return -EINVAL;
	*start = s;
	*end = e;
	*pgoff = off;
	*dev = makedev(maj, min);
	*ino = in;
	*path = line + n;
	return 0;
}

/* Adds a mapping from a /proc line or an MMAP2 record. */
static int proc_map(struct proc_maps *pm, struct pm_proc *p, uint64_t start,
		    uint64_t end, uint64_t pgoff, uint64_t dev, uint64_t ino,
		    const char *path, uint64_t born)
{
	struct pm_map m = { start, end, pgoff, born, ALIVE, NULL };
	char clean[4096];
	size_t len = strlen(path);

	/* "/usr/lib/x (deleted)": the open file is still the mapped one. */
	if (len >= sizeof(clean))
		return 0;
	memcpy(clean, path, len + 1);
	if (len > 10 && !strcmp(clean + len - 10, " (deleted)"))
		clean[len - 10] = '\0';
	if (!clean[0])
		strcpy(clean, "[anon]");
	m.mod = module_get(pm, p->pid, &m, clean, dev, ino);
	if (!m.mod)
		return -ENOMEM;
	return proc_add_map(pm, p, &m);
}

static int proc_load(struct proc_maps *pm, struct pm_proc *p)
{
	char fn[64], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int err = 0;

	p->loaded = true;
	snprintf(fn, sizeof(fn), "/proc/%d/maps", p->pid);
	f = fopen(fn, "re");
	if (!f)
		return -errno;
	while (!err && (n = getline(&line, &cap, f)) > 0) {
		uint64_t s, e, off, dev, ino;
		const char *path;
		char perms[5];

		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (proc_maps__parse_line(line, &s, &e, perms, &off, &dev,
					  &ino, &path) || perms[2] != 'x')
			continue;
		err = proc_map(pm, p, s, e, off, dev, ino, path, 0);
	}
	free(line);
	fclose(f);
	return err;
}

static struct pm_proc *proc_get(struct proc_maps *pm, pid_t pid, bool load)
{
	struct pm_proc *p = proc_find(pm, pid);

	if (!p)
		p = proc_new(pm, pid);
	if (p && load && !p->loaded)
		proc_load(pm, p);
	return p;
}

const struct pm_map *proc_maps__lookup(struct proc_maps *pm, pid_t pid,
				       uint64_t addr, uint64_t ts)
{
	struct pm_proc *p = proc_get(pm, pid, true);
	const struct pm_map *best = NULL, *m;
	size_t i;

	if (!p || !p->nr)
		return NULL;
	m = &p->maps[p->last < p->nr ? p->last : 0];
	if (addr >= m->start && addr < m->end && ts >= m->born &&
	    ts < m->dead && m->dead == ALIVE && m->born == 0)
		return m;	/* the common case: a mapping that never changed */
	for (i = 0; i < p->nr; i++) {
		m = &p->maps[i];
		if (addr < m->start || addr >= m->end || ts < m->born ||
		    ts >= m->dead)
			continue;
		if (!best || m->born >= best->born) {
			best = m;
			p->last = i;
		}
	}
	return best;
}

/* Retires the modules no mapping of a remaining process uses. */
static void modules_gc(struct proc_maps *pm, const struct pm_gc_ops *ops,
		       void *ctx)
{
	bool *used = calloc(pm->nr_mods + 1, sizeof(*used));
	size_t i, j;
	bool retired = false;

	if (!used)
		return;
	for (i = 0; i < pm->nr_procs; i++)
		for (j = 0; j < pm->procs[i]->nr; j++)
			used[pm->procs[i]->maps[j].mod->id] = true;
	for (i = 1; i <= pm->nr_mods; i++) {
		struct pm_module *m = pm->mods[i - 1];

		if (!m || used[i])
			continue;
		if (array__grow((void **)&pm->free_ids, &pm->free_cap,
				pm->nr_free + 1, sizeof(*pm->free_ids)))
			break;
		if (ops && ops->module_gone)
			ops->module_gone(ctx, m);
		pm->mods[i - 1] = NULL;
		pm->free_ids[pm->nr_free++] = i;
		module_free(m);
		retired = true;
	}
	free(used);
	if (!retired)
		return;
	/* The index has no deletion: rebuild it over the survivors. */
	hashmap__release(&pm->mod_idx);
	for (i = 1; i <= pm->nr_mods; i++) {
		struct pm_module *m = pm->mods[i - 1];
		struct mod_key k;

		if (!m)
			continue;
		k.dev = m->dev;
		k.ino = m->ino;
		k.path = m->path;
		hashmap__insert(&pm->mod_idx, mod_hash(&k), i);
	}
}

void proc_maps__gc(struct proc_maps *pm, uint64_t ts,
		   const struct pm_gc_ops *ops, void *ctx)
{
	size_t i, j, n, kept = 0;

	for (i = 0; i < pm->nr_procs; i++) {
		struct pm_proc *p = pm->procs[i];

		if (p->exited && p->exited < ts) {
			if (ops && ops->proc_gone)
				ops->proc_gone(ctx, p->pid);
			free(p->maps);
			free(p);
			continue;
		}
		/* Mappings replaced (exec) before @ts serve no sample. */
		for (j = 0, n = 0; j < p->nr; j++)
			if (p->maps[j].dead >= ts)
				p->maps[n++] = p->maps[j];
		p->nr = n;
		p->last = 0;
		pm->procs[kept++] = p;
	}
	if (kept != pm->nr_procs) {
		pm->nr_procs = kept;
		/* Ids are indexes: rebuild the index over the survivors. */
		hashmap__release(&pm->proc_idx);
		for (i = 0; i < kept; i++)
			hashmap__insert(&pm->proc_idx,
					hash__u64(pm->procs[i]->pid, 0), i + 1);
	}
	modules_gc(pm, ops, ctx);
}

/* ---- side-band records ---- */

struct sample_id {
	__u32 pid, tid;
	__u64 time;
};

static void on_fork(struct proc_maps *pm, __u32 pid, __u32 ppid, __u64 t)
{
	struct pm_proc *parent, *child;
	size_t i;

	if (pid == ppid)
		return;		/* a new thread: same mappings */
	parent = proc_get(pm, ppid, true);
	child = proc_find(pm, pid);
	if (child)		/* pid reused: forget the old process */
		for (i = 0; i < child->nr; i++)
			if (child->maps[i].dead > t)
				child->maps[i].dead = t;
	if (!child)
		child = proc_new(pm, pid);
	if (!child || !parent)
		return;
	child->loaded = true;
	for (i = 0; i < parent->nr; i++) {
		struct pm_map m = parent->maps[i];

		if (m.born > t || m.dead <= t)
			continue;
		m.born = t;
		proc_add_map(pm, child, &m);
	}
}

static void on_exec(struct proc_maps *pm, __u32 pid, __u64 t)
{
	struct pm_proc *p = proc_get(pm, pid, false);
	size_t i;

	if (!p)
		return;
	p->loaded = true;	/* /proc would now show only the new image */
	for (i = 0; i < p->nr; i++)
		if (p->maps[i].dead > t)
			p->maps[i].dead = t;
}

static void on_mmap2(struct proc_maps *pm, const struct perf_event_header *h)
{
	const struct {
		struct perf_event_header h;
		__u32 pid, tid;
		__u64 addr, len, pgoff;
		__u32 maj, min;
		__u64 ino, ino_generation;
		__u32 prot, flags;
		char filename[];
	} *r = (const void *)h;
	size_t max = h->size - sizeof(*r) - sizeof(struct sample_id);
	const struct sample_id *sid;
	struct pm_proc *p;

	if (h->size < sizeof(*r) + sizeof(struct sample_id) ||
	    !memchr(r->filename, '\0', max))
		return;
	sid = (const void *)((const char *)h + h->size - sizeof(*sid));
	/* A process first seen at its mmap existed before: read it first. */
	p = proc_get(pm, r->pid, true);
	if (p)
		proc_map(pm, p, r->addr, r->addr + r->len, r->pgoff,
			 makedev(r->maj, r->min), r->ino, r->filename,
			 sid->time);
}

static void handle_record(struct proc_maps *pm,
			  const struct perf_event_header *h)
{
	const __u32 *u = (const __u32 *)(h + 1);
	const struct sample_id *sid;

	if (h->size < sizeof(*h) + sizeof(*sid))
		return;
	sid = (const void *)((const char *)h + h->size - sizeof(*sid));
	switch (h->type) {
	case PERF_RECORD_MMAP2:
		on_mmap2(pm, h);
		break;
	case PERF_RECORD_FORK:
		on_fork(pm, u[0], u[1], sid->time);
		break;
	case PERF_RECORD_COMM:
		if (h->misc & PERF_RECORD_MISC_COMM_EXEC)
			on_exec(pm, u[0], sid->time);
		break;
	case PERF_RECORD_EXIT:
		if (u[0] == u[2]) {	/* the process, not one thread */
			struct pm_proc *p = proc_find(pm, u[0]);

			if (p)
				p->exited = sid->time;
		}
		break;
	case PERF_RECORD_LOST:
		pm->lost += *(const __u64 *)(u + 2);
		break;
	default:
		break;
	}
}

static uint64_t record_time(const struct perf_event_header *h)
{
	const struct sample_id *sid;

	if (h->size < sizeof(*h) + sizeof(*sid))
		return 0;
	sid = (const void *)((const char *)h + h->size - sizeof(*sid));
	return sid->time;
}

/* Copies a record (in one or two pieces) to the pending list. */
static int pend_add(struct proc_maps *pm, const void *a, size_t alen,
		    const void *b, size_t blen)
{
	size_t len = alen + blen;

	if (array__grow((void **)&pm->pend_buf, &pm->pend_cap,
			pm->pend_len + len + 8, 1) ||
	    array__grow((void **)&pm->pend, &pm->pend_max, pm->nr_pend + 1,
			sizeof(*pm->pend)))
		return -ENOMEM;
	memcpy(pm->pend_buf + pm->pend_len, a, alen);
	if (blen)	/* b is NULL then, which memcpy may not be given */
		memcpy(pm->pend_buf + pm->pend_len + alen, b, blen);
	pm->pend[pm->nr_pend].off = pm->pend_len;
	pm->pend[pm->nr_pend].time = record_time(
		(const void *)(pm->pend_buf + pm->pend_len));
	pm->nr_pend++;
	/* Keep records 8-byte aligned, as in the ring. */
	pm->pend_len += (len + 7) & ~(size_t)7;
	return 0;
}

static int cmp_pend(const void *a, const void *b)
{
	const struct pend *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;	/* stable */
}

static int ring_drain(struct proc_maps *pm, struct pm_ring *r)
{
	struct perf_event_mmap_page *meta = r->base;
	char *data = (char *)r->base + pm->page_size;
	__u64 head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	__u64 tail = meta->data_tail;

	while (tail < head) {
		size_t off = tail % r->data_size;
		struct perf_event_header *h = (void *)(data + off);
		size_t size = h->size;

		int err;

		if (size < sizeof(*h))
			break;
		if (off + size > r->data_size) {
			/* Wrapped: the two halves make one record. */
			size_t first = r->data_size - off;

			err = pend_add(pm, data + off, first, data,
				       size - first);
		} else {
			err = pend_add(pm, h, size, NULL, 0);
		}
		if (err)
			return err;
		tail += size;
	}
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	return 0;
}

int proc_maps__drain(struct proc_maps *pm)
{
	int i, err = 0;
	size_t k;

	for (i = 0; i < pm->nr_rings && !err; i++)
		err = ring_drain(pm, &pm->rings[i]);
	if (pm->nr_pend)	/* pend is NULL until a record came */
		qsort(pm->pend, pm->nr_pend, sizeof(*pm->pend), cmp_pend);
	for (k = 0; k < pm->nr_pend; k++)
		handle_record(pm, (const void *)(pm->pend_buf +
						 pm->pend[k].off));
	pm->nr_pend = 0;
	pm->pend_len = 0;
	return err;
}

uint64_t proc_maps__lost(const struct proc_maps *pm)
{
	return pm->lost;
}

int proc_maps__new(struct proc_maps **out)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_DUMMY,
		.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME,
		.mmap = 1, .mmap2 = 1, .comm = 1, .comm_exec = 1, .task = 1,
		.sample_id_all = 1, .use_clockid = 1,
		.clockid = CLOCK_MONOTONIC,
		.exclude_guest = 1,
	};
	struct proc_maps *pm = calloc(1, sizeof(*pm));
	int ncpu = sysconf(_SC_NPROCESSORS_CONF), cpu, err;

	if (!pm)
		return -ENOMEM;
	pm->page_size = sysconf(_SC_PAGESIZE);
	hashmap__init(&pm->proc_idx);
	hashmap__init(&pm->mod_idx);
	pm->rings = calloc(ncpu, sizeof(*pm->rings));
	if (!pm->rings) {
		err = -ENOMEM;
		goto fail;
	}
	for (cpu = 0; cpu < ncpu; cpu++) {
		struct pm_ring *r = &pm->rings[pm->nr_rings];
		size_t len = (RING_PAGES + 1) * pm->page_size;

		r->fd = syscall(SYS_perf_event_open, &attr, -1, cpu, -1,
				PERF_FLAG_FD_CLOEXEC);
		if (r->fd < 0) {
			if (errno == ENODEV)	/* offline CPU */
				continue;
			err = -errno;
			goto fail;
		}
		r->base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			       r->fd, 0);
		if (r->base == MAP_FAILED) {
			err = -errno;
			close(r->fd);
			goto fail;
		}
		r->data_size = RING_PAGES * pm->page_size;
		pm->nr_rings++;
	}
	*out = pm;
	return 0;
fail:
	proc_maps__free(pm);
	return err;
}

void proc_maps__free(struct proc_maps *pm)
{
	size_t i;

	if (!pm)
		return;
	for (i = 0; i < (size_t)pm->nr_rings; i++) {
		munmap(pm->rings[i].base,
		       (RING_PAGES + 1) * pm->page_size);
		close(pm->rings[i].fd);
	}
	for (i = 0; i < pm->nr_procs; i++) {
		free(pm->procs[i]->maps);
		free(pm->procs[i]);
	}
	for (i = 0; i < pm->nr_mods; i++)
		if (pm->mods[i])
			module_free(pm->mods[i]);
	free(pm->mods);
	free(pm->free_ids);
	free(pm->procs);
	free(pm->rings);
	free(pm->pend);
	free(pm->pend_buf);
	hashmap__release(&pm->proc_idx);
	hashmap__release(&pm->mod_idx);
	free(pm);
}

struct exec_seen {
	char **files;
	size_t skip;		/* "/proc/PID/root" before each path */
};

static bool exec_seen_eq(uint32_t id, const void *key, void *ctx)
{
	const struct exec_seen *s = ctx;

	return !strcmp(s->files[id - 1] + s->skip, key);
}

int proc_maps__exec_files(pid_t pid, char ***out, size_t *nr)
{
	char root[64], *line = NULL;
	struct exec_seen s = { NULL, 0 };
	struct hashmap idx;
	size_t cap = 0, fcap = 0;
	FILE *f;

	snprintf(root, sizeof(root), "/proc/%d/maps", pid);
	f = fopen(root, "re");
	if (!f)
		return -errno;
	snprintf(root, sizeof(root), "/proc/%d/root", pid);
	s.skip = strlen(root);
	hashmap__init(&idx);
	*nr = 0;
	/* A process may map tens of thousands of files: no quadratic scan. */
	while (getline(&line, &cap, f) > 0) {
		uint64_t start, end, pgoff, dev, ino, h;
		const char *path;
		char perms[5];

		line[strcspn(line, "\n")] = '\0';
		if (proc_maps__parse_line(line, &start, &end, perms, &pgoff,
					  &dev, &ino, &path) ||
		    perms[2] != 'x' || !path || path[0] != '/')
			continue;
		h = hash__bytes(path, strlen(path), 0);
		if (hashmap__find(&idx, h, exec_seen_eq, path, &s))
			continue;
		if (array__grow((void **)&s.files, &fcap, *nr + 1,
				sizeof(*s.files)) ||
		    asprintf(&s.files[*nr], "%s%s", root, path) < 0)
			break;
		(*nr)++;
		if (hashmap__insert(&idx, h, *nr))
			break;
	}
	*out = s.files;
	hashmap__release(&idx);
	free(line);
	fclose(f);
	return 0;
}
