// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process JIT symbol tables (see jit_syms.h).  A table holds the
 * symbols in file order, each with a sequence number, and is sorted by
 * address only when looked up after it grew.  Runtimes reuse addresses
 * (V8 and HotSpot free and recompile code), so entries overlap: the
 * newest entry covering an address names it.  Everything is bounded: the
 * bytes read per file and refresh, the entries per process, the name
 * length.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/array.h"
#include "lib/clock.h"
#include "lib/hashmap.h"
#include "lib/safe_open.h"
#include "runtime/jit_syms.h"
#include "runtime/jitdump.h"
#include "runtime/jvm_attach.h"
#include "runtime/perf_map.h"
#include "sample/proc_status.h"

#define MAX_SYMS	(4u << 20)	/* per process */
#define MAX_NAME	1024
#define READ_BYTES	(512ull << 20)	/* per file and refresh */
#define READ_RECORDS	(4u << 20)
#define BACK_STEPS	64		/* overlapping entries examined */
#define RETRY_MS	1000		/* reopening a file not there yet, */
#define RETRY_MAX_MS	60000		/* doubling up to this */
#define JVM_TIMEOUT_MS	5000		/* per request */
#define JVM_BUDGET_MS	15000		/* for all JVMs of a refresh */

struct jit_sym {
	uint64_t start, end;
	uint32_t seq, name;		/* name: offset in the pool */
};

struct jit_table {
	struct jit_sym *syms;
	size_t nr, cap, nr_sorted;
	uint64_t max_len;
	char *pool;
	size_t pool_len, pool_cap;
	uint32_t seq;
};

struct jit_proc {
	pid_t pid;
	struct proc_status st;
	char comm[17];
	bool touched;			/* since the last refresh */
	uint64_t last_try, retry_ms;	/* ms */
	/* perf map */
	int map_fd;
	struct perf_map_reader map_rd;
	char map_path[64];
	/* jitdump */
	int dump_fd;
	struct jitdump_reader dump_rd;
	char *dump_path;
	struct jit_table t;
	/* HotSpot */
	bool jvm_checked, is_jvm, jvm_no_fp, jvm_fp_known;
	int jvm_err;
	/* this profile */
	double frames, unnamed;
};

struct jit_syms {
	struct jit_proc **procs;	/* id i at procs[i - 1]; NULL: gone */
	size_t nr, cap, nr_gone;
	struct hashmap idx;
	bool jvm_attach;
};

/* ---- the table ---- */

static int table_add(struct jit_table *t, uint64_t start, uint64_t size,
		     const char *name, size_t len)
{
	struct jit_sym *s;
	size_t i;

	if (t->nr >= MAX_SYMS || !size || start + size < start)
		return 0;
	if (len > MAX_NAME)
		len = MAX_NAME;
	if (array__grow((void **)&t->syms, &t->cap, t->nr + 1,
			sizeof(*t->syms)) ||
	    array__grow((void **)&t->pool, &t->pool_cap, t->pool_len + len + 1,
			1))
		return -ENOMEM;
	s = &t->syms[t->nr++];
	s->start = start;
	s->end = start + size;
	s->seq = t->seq++;
	s->name = t->pool_len;
	memcpy(t->pool + t->pool_len, name, len);
	/* ';' separates frames in folded stacks; no control characters. */
	for (i = 0; i < len; i++) {
		char c = t->pool[t->pool_len + i];

		if (c == ';')
			t->pool[t->pool_len + i] = ':';
		else if ((unsigned char)c < 0x20 || c == 0x7f)
			t->pool[t->pool_len + i] = ' ';
	}
	t->pool[t->pool_len + len] = '\0';
	t->pool_len += len + 1;
	if (size > t->max_len)
		t->max_len = size;
	return 0;
}

static void table_release(struct jit_table *t)
{
	free(t->syms);
	free(t->pool);
	memset(t, 0, sizeof(*t));
}

/*
 * Sorts by start address, entries with the same start staying in file
 * order: a stable LSD radix sort, 16 bits a pass, skipping the passes in
 * which every key has the same digit.  100k entries take a few ms where
 * qsort() took tens.
 */
static int table_sort(struct jit_table *t)
{
	struct jit_sym *tmp, *src = t->syms, *dst;
	size_t count[65536], i;
	int shift;

	tmp = malloc(t->nr * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	dst = tmp;
	for (shift = 0; shift < 64; shift += 16) {
		size_t sum = 0;
		unsigned int d0 = (src[0].start >> shift) & 0xffff;
		bool same = true;

		memset(count, 0, sizeof(count));
		for (i = 0; i < t->nr; i++) {
			unsigned int d = (src[i].start >> shift) & 0xffff;

			count[d]++;
			same &= d == d0;
		}
		if (same)
			continue;
		for (i = 0; i < 65536; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < t->nr; i++)
			dst[count[(src[i].start >> shift) & 0xffff]++] = src[i];
		dst = src;
		src = src == t->syms ? tmp : t->syms;
	}
	if (src != t->syms)
		memcpy(t->syms, src, t->nr * sizeof(*src));
	free(tmp);
	return 0;
}

static const struct jit_sym *table_lookup(struct jit_table *t, uint64_t addr)
{
	const struct jit_sym *best = NULL;
	size_t lo = 0, hi, steps;

	if (t->nr_sorted != t->nr) {
		if (table_sort(t))
			return NULL;
		t->nr_sorted = t->nr;
	}
	/* The first entry starting after addr. */
	hi = t->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->syms[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (steps = 0; lo > 0 && steps < BACK_STEPS; steps++) {
		const struct jit_sym *s = &t->syms[--lo];

		if (addr - s->start >= t->max_len)
			break;
		if (addr < s->end && (!best || s->seq > best->seq))
			best = s;
	}
	return best;
}

/* Jitdump moves: the code at @old now lives at @new. */
static int table_move(struct jit_table *t, uint64_t old, uint64_t new,
		      uint64_t size)
{
	const struct jit_sym *s = table_lookup(t, old);
	char name[MAX_NAME + 1];

	if (!s || s->start != old)
		return 0;
	snprintf(name, sizeof(name), "%s", t->pool + s->name);
	return table_add(t, new, size, name, strlen(name));
}

static int add_perf_map(void *ctx, uint64_t start, uint64_t size,
			const char *name, size_t len)
{
	return table_add(ctx, start, size, name, len);
}

static int add_load(void *ctx, uint64_t addr, uint64_t size,
		    const char *name)
{
	return table_add(ctx, addr, size, name, strlen(name));
}

static int add_move(void *ctx, uint64_t old, uint64_t new, uint64_t size)
{
	return table_move(ctx, old, new, size);
}

/* ---- processes ---- */

static bool proc_eq(uint32_t id, const void *key, void *ctx)
{
	const struct jit_proc *p = ((struct jit_syms *)ctx)->procs[id - 1];

	return p && p->pid == *(const pid_t *)key;
}

static struct jit_proc *proc_find(struct jit_syms *js, pid_t pid)
{
	uint32_t id = hashmap__find(&js->idx, hash__u64(pid, 0), proc_eq,
				    &pid, js);

	return id ? js->procs[id - 1] : NULL;
}

static void proc_free(struct jit_proc *p)
{
	if (p->map_fd >= 0)
		close(p->map_fd);
	if (p->dump_fd >= 0)
		close(p->dump_fd);
	free(p->dump_path);
	table_release(&p->t);
	free(p);
}

struct jit_syms *jit_syms__new(void)
{
	struct jit_syms *js = calloc(1, sizeof(*js));

	if (!js)
		return NULL;
	hashmap__init(&js->idx);
	js->jvm_attach = true;
	return js;
}

void jit_syms__free(struct jit_syms *js)
{
	size_t i;

	if (!js)
		return;
	for (i = 0; i < js->nr; i++)
		if (js->procs[i])
			proc_free(js->procs[i]);
	free(js->procs);
	hashmap__release(&js->idx);
	free(js);
}

void jit_syms__set_jvm_attach(struct jit_syms *js, bool on)
{
	js->jvm_attach = on;
}

bool jit_syms__is_jit_module(const struct pm_module *mod)
{
	const char *p = mod ? mod->path : NULL;

	if (!mod)
		return false;
	if (mod->special)
		return strcmp(p, "[vdso]") && strcmp(p, "[vsyscall]");
	return !strcmp(p, "//anon") || !strncmp(p, "/memfd:", 7);
}

/* Opens the perf map in the process's root, owned by its user. */
static void open_perf_map(struct jit_proc *p)
{
	char root[64];
	struct safe_open_opts o = {
		.root = root, .owner = p->st.euid, .nofollow = 1,
	};
	int fd;

	snprintf(root, sizeof(root), "/proc/%d/root", p->pid);
	fd = safe_open(p->map_path, &o);
	if (fd >= 0)
		p->map_fd = fd;
}

/*
 * The jitdump whose first page the runtime mapped as a marker: opened
 * through map_files, so it is exactly the mapped file.
 */
static void open_jitdump(struct jit_proc *p)
{
	char path[64], line[4200], name[32];
	struct safe_open_opts o = { .owner = p->st.euid };
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", p->pid);
	snprintf(name, sizeof(name), "/jit-%d.dump", p->st.nspid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e;
		char *file = strchr(line, '/'), *nl = strchr(line, '\n');
		size_t n;
		int fd;

		if (nl)
			*nl = '\0';
		if (!file || sscanf(line, "%llx-%llx", &s, &e) != 2)
			continue;
		n = strlen(file);
		if (n < strlen(name) || strcmp(file + n - strlen(name), name))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/map_files/%llx-%llx",
			 p->pid, s, e);
		/* The exact file; a mapped device or FIFO is never opened. */
		fd = safe_open(path, &o);
		if (fd < 0)
			continue;
		if (!(p->dump_path = strdup(file))) {
			close(fd);
			continue;
		}
		p->dump_fd = fd;
		break;
	}
	fclose(f);
}

static void read_comm(struct jit_proc *p)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", p->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, p->comm, sizeof(p->comm) - 1);
	close(fd);
	if (n > 0 && p->comm[n - 1] == '\n')
		n--;
	p->comm[n > 0 ? n : 0] = '\0';
}

static void read_sources(struct jit_proc *p)
{
	int err;

	if (p->map_fd >= 0) {
		err = perf_map__read(p->map_fd, &p->map_rd, READ_BYTES,
				     add_perf_map, &p->t);
		if (err == -ESTALE) {
			/* Rewritten (a JVM's new snapshot): start over. */
			memset(&p->map_rd, 0, sizeof(p->map_rd));
			perf_map__read(p->map_fd, &p->map_rd, READ_BYTES,
				       add_perf_map, &p->t);
		}
	}
	if (p->dump_fd >= 0)
		jitdump__read(p->dump_fd, &p->dump_rd, READ_RECORDS, add_load,
			      add_move, &p->t);
}

/*
 * Opens what is not open yet, trying again after 1 s, 2 s, 4 s... up to a
 * minute; false: the process is gone.
 */
static bool open_sources(struct jit_proc *p)
{
	uint64_t t = clock__mono_ms();

	if (p->map_fd >= 0 && p->dump_fd >= 0)
		return true;
	if (p->last_try && t - p->last_try < p->retry_ms)
		return true;
	/* Most processes never write a map: look less and less often. */
	p->retry_ms = !p->last_try ? RETRY_MS :
		      p->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS :
		      p->retry_ms * 2;
	p->last_try = t;
	if (!p->st.euid && !p->st.nspid && proc_status__read(p->pid, &p->st))
		return false;
	if (!p->map_path[0])
		snprintf(p->map_path, sizeof(p->map_path), "/tmp/perf-%d.map",
			 p->st.nspid);
	if (p->map_fd < 0)
		open_perf_map(p);
	if (p->dump_fd < 0)
		open_jitdump(p);
	return true;
}

static struct jit_proc *proc_new(struct jit_syms *js, pid_t pid)
{
	struct jit_proc *p;

	if (js->nr_gone > 1024 && js->nr_gone > js->nr / 2) {
		/* Compact: the index cannot delete, so rebuild it. */
		size_t i, n = 0;

		hashmap__release(&js->idx);
		hashmap__init(&js->idx);
		for (i = 0; i < js->nr; i++) {
			if (!js->procs[i])
				continue;
			js->procs[n++] = js->procs[i];
			if (hashmap__insert(&js->idx,
					    hash__u64(js->procs[i]->pid, 0), n))
				return NULL;
		}
		js->nr = n;
		js->nr_gone = 0;
	}
	if (array__grow((void **)&js->procs, &js->cap, js->nr + 1,
			sizeof(*js->procs)))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->map_fd = p->dump_fd = -1;
	if (proc_status__read(pid, &p->st)) {
		free(p);
		return NULL;
	}
	read_comm(p);
	js->procs[js->nr++] = p;
	if (hashmap__insert(&js->idx, hash__u64(pid, 0), js->nr)) {
		js->procs[--js->nr] = NULL;
		free(p);
		return NULL;
	}
	return p;
}

void jit_syms__touch(struct jit_syms *js, pid_t pid)
{
	struct jit_proc *p = proc_find(js, pid);

	if (!p) {
		p = proc_new(js, pid);
		if (!p)
			return;
		p->touched = true;
		open_sources(p);
		/* What is there now, in case the process exits soon. */
		read_sources(p);
		return;
	}
	p->touched = true;
	if (p->map_fd < 0 || p->dump_fd < 0)
		open_sources(p);
}

/* Asks a HotSpot JVM for its flags and its perf map. */
static void jvm_refresh(struct jit_syms *js, struct jit_proc *p,
			uint64_t deadline)
{
	char out[256];
	int rc;

	if (!p->jvm_checked) {
		p->jvm_checked = true;
		p->is_jvm = jvm_attach__is_hotspot(p->pid);
		if (p->is_jvm && jvm_attach__has_option(p->pid,
					"-XX:+DisableAttachMechanism"))
			p->jvm_err = -EPERM;
	}
	if (p->is_jvm && !p->jvm_fp_known && (!js->jvm_attach || p->jvm_err)) {
		/* Not asked: what its options say. */
		p->jvm_fp_known = true;
		p->jvm_no_fp = !jvm_attach__has_option(p->pid,
					"-XX:+PreserveFramePointer");
	}
	if (!p->is_jvm || !js->jvm_attach || p->jvm_err)
		return;
	if (clock__mono_ms() > deadline) {
		p->jvm_err = -EBUSY;	/* for this refresh only */
		return;
	}
	if (!p->jvm_fp_known) {
		rc = jvm_attach__request(p->pid, "printflag",
					 "PreserveFramePointer", out,
					 sizeof(out), JVM_TIMEOUT_MS);
		if (rc < 0) {
			p->jvm_err = rc;
			return;
		}
		p->jvm_fp_known = rc == 0;
		p->jvm_no_fp = rc == 0 && strstr(out, "-PreserveFramePointer");
	}
	rc = jvm_attach__request(p->pid, "jcmd", "Compiler.perfmap", out,
				 sizeof(out), JVM_TIMEOUT_MS);
	if (rc) {
		p->jvm_err = rc < 0 ? rc : -EPROTO;
		return;
	}
	/* The JVM rewrote the file: reopen it (it may be a new inode). */
	if (p->map_fd >= 0) {
		close(p->map_fd);
		p->map_fd = -1;
	}
	memset(&p->map_rd, 0, sizeof(p->map_rd));
	p->last_try = 0;
	table_release(&p->t);
	open_sources(p);
}

void jit_syms__refresh(struct jit_syms *js)
{
	uint64_t deadline = clock__mono_ms() + JVM_BUDGET_MS;
	size_t i;

	for (i = 0; i < js->nr; i++) {
		struct jit_proc *p = js->procs[i];

		if (!p || !p->touched)
			continue;
		p->touched = false;
		if (p->jvm_err == -EBUSY)
			p->jvm_err = 0;
		if (kill(p->pid, 0) == 0 || errno == EPERM) {
			jvm_refresh(js, p, deadline);
			p->last_try = 0;	/* a file made since: now */
			open_sources(p);
		}
		read_sources(p);
	}
}

int jit_syms__lookup(struct jit_syms *js, pid_t pid, uint64_t addr,
		     const char **name, const char **source)
{
	struct jit_proc *p = proc_find(js, pid);
	const struct jit_sym *s;

	*name = *source = NULL;
	if (!p || (p->map_fd < 0 && p->dump_fd < 0))
		return -1;
	*source = p->dump_fd >= 0 ? p->dump_path : p->map_path;
	s = table_lookup(&p->t, addr);
	if (!s)
		return 0;
	*name = p->t.pool + s->name;
	return 1;
}

void jit_syms__account(struct jit_syms *js, pid_t pid, bool named, double n)
{
	struct jit_proc *p = proc_find(js, pid);

	if (!p)
		return;
	p->frames += n;
	if (!named)
		p->unnamed += n;
}

void jit_syms__reset_counts(struct jit_syms *js)
{
	size_t i;

	for (i = 0; i < js->nr; i++)
		if (js->procs[i])
			js->procs[i]->frames = js->procs[i]->unnamed = 0;
}

void jit_syms__forget(struct jit_syms *js, pid_t pid)
{
	struct jit_proc *p = proc_find(js, pid);
	size_t i;

	if (!p)
		return;
	for (i = 0; i < js->nr; i++)
		if (js->procs[i] == p) {
			js->procs[i] = NULL;
			js->nr_gone++;
			break;
		}
	proc_free(p);
}

void jit_syms__print_summary(const struct jit_syms *js, FILE *f)
{
	size_t i;

	for (i = 0; i < js->nr; i++) {
		const struct jit_proc *p = js->procs[i];
		bool source;

		if (!p || !p->frames)
			continue;
		source = p->map_fd >= 0 || p->dump_fd >= 0;
		if (source && p->unnamed)
			fprintf(f, "  %s[%d]: JIT addresses without a symbol: "
				"%.1f%% of %.0f JIT frames (%s)\n", p->comm,
				p->pid, 100.0 * p->unnamed / p->frames,
				p->frames, p->dump_fd >= 0 ? p->dump_path :
				p->map_path);
		if (p->is_jvm && p->jvm_err)
			fprintf(f, "  %s[%d]: cannot ask the JVM for its perf "
				"map: %s\n", p->comm, p->pid,
				p->jvm_err == -ETIMEDOUT ? "no attach listener "
				"answered in time" :
				p->jvm_err == -EPERM ? "it runs with "
				"-XX:+DisableAttachMechanism" :
				p->jvm_err == -EBUSY ? "other JVMs took the "
				"time allowed" :
				p->jvm_err == -ENOTSUP ? "it does not handle "
				"SIGQUIT (-Xrs?)" : strerror(-p->jvm_err));
		if (p->is_jvm && p->jvm_no_fp)
			fprintf(f, "  %s[%d]: the JVM runs without frame "
				"pointers in compiled code: add "
				"-XX:+PreserveFramePointer for complete Java "
				"stacks\n", p->comm, p->pid);
	}
}
