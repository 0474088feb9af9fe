/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-process executable mappings over time.  The kernel reports every
 * executable mmap, fork, exec and exit through perf's side-band records
 * (one dummy perf event per CPU), so the mappings of a process that lives
 * 30 ms are known even though it is gone by the time its samples are
 * symbolized.  Processes that existed before the recording are read from
 * /proc/PID/maps the first time they are needed.
 *
 * Each mapping has a lifetime [born, dead) in CLOCK_MONOTONIC ns, the clock
 * of the BPF samples, so a sample resolves against the mappings its process
 * had at that moment (exec replaces them, dlopen adds some).
 *
 * Each mapped file becomes one module, shared by every process that maps
 * it (keyed by device and inode); its file is opened when first seen, so it
 * stays readable after the process exits, is deleted, or lives in another
 * mount namespace.  Not here: reading symbols (symbolizer.c).
 */
#ifndef EBPROF_PROC_MAPS_H
#define EBPROF_PROC_MAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct pm_module {
	char *path;		/* as the process named it; "[vdso]" etc. */
	const char *name;	/* basename of path */
	uint64_t dev, ino;	/* 0, 0 for special mappings */
	int fd;			/* opened file, or -1 */
	bool special;		/* [vdso], [anon], ... : not a file */
	void *priv;		/* the symbolizer's per-module state */
	uint32_t id;		/* 1-based, dense */
};

struct pm_map {
	uint64_t start, end, pgoff;
	uint64_t born, dead;	/* lifetime; dead = UINT64_MAX while alive */
	struct pm_module *mod;
};

struct proc_maps;

/*
 * Starts tracking: opens the side-band perf events on every CPU.  Returns
 * 0 or -errno.  Call before the sampler is attached so nothing is missed.
 */
int proc_maps__new(struct proc_maps **out);
void proc_maps__free(struct proc_maps *pm);

/* Reads every pending side-band record; 0 or -errno. */
int proc_maps__drain(struct proc_maps *pm);

/*
 * The mapping of @pid covering @addr at time @ts (newest wins), or NULL.
 * Loads /proc/PID/maps for a process seen for the first time.
 */
const struct pm_map *proc_maps__lookup(struct proc_maps *pm, pid_t pid,
				       uint64_t addr, uint64_t ts);

/* What proc_maps__gc() lets go of, so that other caches follow. */
struct pm_gc_ops {
	void (*proc_gone)(void *ctx, pid_t pid);
	/* Before the module is freed; its id may be given to a new one. */
	void (*module_gone)(void *ctx, struct pm_module *mod);
};

/*
 * Forgets what no sample newer than @ts (CLOCK_MONOTONIC ns) can need:
 * processes that exited before it, mappings that died before it, and the
 * modules no remaining mapping uses (their files are closed).  Continuous
 * recordings call it after each window, so that memory follows the live
 * processes, not every process and file ever seen.
 */
void proc_maps__gc(struct proc_maps *pm, uint64_t ts,
		   const struct pm_gc_ops *ops, void *ctx);

/*
 * Modules by id, 1..proc_maps__nr_modules(); NULL for an id that is free
 * (its module was retired by proc_maps__gc()).
 */
uint32_t proc_maps__nr_modules(const struct proc_maps *pm);
struct pm_module *proc_maps__module(const struct proc_maps *pm, uint32_t id);

/* Side-band records lost because their buffer was full. */
uint64_t proc_maps__lost(const struct proc_maps *pm);

/* Parses one line of /proc/PID/maps; exposed for tests.  0 or -EINVAL. */
int proc_maps__parse_line(const char *line, uint64_t *start, uint64_t *end,
			  char perms[5], uint64_t *pgoff, uint64_t *dev,
			  uint64_t *ino, const char **path);

/*
 * The files behind the executable mappings of @pid, once each, as
 * "/proc/PID/root/PATH" (unwind-test -p audits them): *@out is an array of
 * *@nr strings, each and the array to free.  0, or -errno (-ENOENT: no
 * such process).
 */
int proc_maps__exec_files(pid_t pid, char ***out, size_t *nr);

#endif
