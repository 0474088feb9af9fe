/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DWARF unwinding of copied user stacks (record --call-graph dwarf): a
 * sample's user registers and the top of its user stack, copied by the
 * BPF program, are unwound with libunwind's remote API against each
 * module's .eh_frame_hdr / .eh_frame, read from the mapped file (which
 * proc_maps keeps open) rather than from the process, which may be gone.
 * Where a module has no unwind information, libunwind falls back to the
 * frame pointer for that frame and DWARF resumes at the next one.
 *
 * libunwind caches what it learns per IP; that cache is flushed when the
 * process being unwound changes, and when a mapping appears at an address
 * another module used before (exec, dlopen after dlclose).  Module images
 * are mapped once and shared by every process.
 *
 * Also here: the audit of a file's unwind information (unwind-test).
 * Not here: symbols (symbolizer.c), the leaf fix-up of frame-pointer
 * stacks (leaf_fixup.c).
 */
#ifndef EBPROF_UNWIND_H
#define EBPROF_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/types.h>
#include "bpf/sampler.h"
#include "sample/proc_maps.h"

/* Deepest user stack unwound; a 64 KiB copy rarely holds more. */
#define UNWIND_MAX_FRAMES 2048

/* Why unwinding stopped. */
enum unwind_stop {
	UNWIND_END,		/* the outermost frame: the stack is complete */
	UNWIND_STACK_SHORT,	/* needed stack beyond the copied bytes */
	UNWIND_NO_INFO,		/* no unwind info and no usable frame pointer */
	UNWIND_BAD_FRAME,	/* an invalid frame (corrupt or unusual code) */
	UNWIND_MAX_DEPTH,	/* UNWIND_MAX_FRAMES (or the caller's max) */
	UNWIND_NO_STACK,	/* no registers or stack bytes to start from */
	UNWIND_STOP_NR,
};

struct unwind_result {
	int nr;			/* frames written, leaf first */
	enum unwind_stop stop;
	unsigned int fp_frames;	/* frames found through the frame pointer */
};

/* The mapping of @pid covering @addr at time @ts, or NULL. */
typedef const struct pm_map *(*unwind_lookup_fn)(void *ctx, pid_t pid,
						 uint64_t addr, uint64_t ts);

struct unwinder;

/* NULL with errno set on failure. */
struct unwinder *unwinder__new(unwind_lookup_fn lookup, void *ctx);
void unwinder__free(struct unwinder *u);

/*
 * Unwinds one sample: @regs in SREG_* order, @stack the @size bytes copied
 * from regs[SREG_SP], @redzone (or NULL) the SAMPLE_REDZONE_WORDS words
 * below it.  Writes up to @max return addresses (the first is
 * the sampled IP) to @ips and, when @maps is not NULL, the mapping of each
 * (NULL when none) to @maps.  0, or -ENOMEM.
 */
int unwinder__unwind(struct unwinder *u, pid_t pid, uint64_t ts,
		     const uint64_t regs[SREG_NR], const uint64_t *redzone,
		     const uint8_t *stack, size_t size, uint64_t *ips,
		     const struct pm_map **maps, int max,
		     struct unwind_result *res);

/*
 * Copies @len bytes of the file-backed code at @addr of @pid at @ts (from
 * the module's file, not the process).  0, or -ENOENT when the address is
 * in no mapping or beyond its file contents.
 */
int unwinder__read(struct unwinder *u, pid_t pid, uint64_t ts, uint64_t addr,
		   void *buf, size_t len);

/* Drops the per-process state of @pid (it exited). */
void unwinder__forget(struct unwinder *u, pid_t pid);
/* Drops what is cached of module @id (proc_maps retired it). */
void unwinder__forget_module(struct unwinder *u, uint32_t id);

/* "complete", "stack copy too short", ... */
const char *unwind_stop__name(enum unwind_stop s);

/* What a file offers for unwinding (unwind-test's audit). */
struct unwind_file_info {
	bool eh_frame;		/* .eh_frame present and not empty */
	bool eh_frame_hdr;	/* a binary-search table (PT_GNU_EH_FRAME) */
	bool debug_frame;	/* .debug_frame in the file itself */
	size_t fde_count;	/* entries of .eh_frame_hdr's table */
	bool executable;	/* has an executable PT_LOAD */
	uint64_t text_size;	/* bytes of executable segments */
};

/* Reads @fd's section and program headers; 0, -ENOEXEC or -errno. */
int unwind__file_info(int fd, struct unwind_file_info *info);

#endif
