/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From sample events to a profile.  Each sample's user addresses are tied,
 * the moment it is handled, to the mapping (and so the file and offset)
 * they had when it was taken; identical raw stacks are then counted once.
 * Symbolization happens per distinct frame when the profile is built.
 * Not here: the BPF side (sampler.c), symbols (symbolizer.c), output.
 */
#ifndef EBPROF_RECORDER_H
#define EBPROF_RECORDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "profile/profile.h"
#include "sample/proc_maps.h"
#include "sample/sampler.h"
#include "symbol/symbolizer.h"
#include "unwind/unwind.h"

struct recorder;

struct recorder_stats {
	uint64_t samples;		/* handled */
	uint64_t user_missing;		/* user stack could not be read */
	uint64_t user_missing_efault;	/*   of which: -EFAULT */
	uint64_t kernel_missing;
	uint64_t user_truncated;	/* hit the maximum depth */
	uint64_t kernel_truncated;
	uint64_t kthread;		/* kernel threads (no user stack) */
	uint64_t unmapped_frames;	/* user address in no known mapping */
	/* DWARF mode (--call-graph dwarf) */
	uint64_t dwarf_samples;		/* user stacks unwound from copies */
	uint64_t dwarf_stop[UNWIND_STOP_NR]; /* by why unwinding stopped */
	uint64_t dwarf_frames;		/* user frames found */
	uint64_t dwarf_fp_frames;	/*   of which: through frame pointers */
	uint64_t dwarf_bytes;		/* stack bytes received */
	uint64_t dwarf_ns;		/* time spent unwinding */
	/* frame-pointer mode */
	uint64_t leaf_fixed;		/* callers restored by the leaf fix-up */
	/* --off-cpu */
	uint64_t off_blocks, off_ns;	/* blocks with stacks, their time */
	uint64_t off_short_blocks, off_short_ns; /* summed short blocks */
	uint64_t off_wakers;		/* blocks with their waker's stacks */
	uint64_t filtered;		/* dropped by the origins' filter */
	uint64_t midstack_fixed;	/* callers of frameless functions
					 * restored from unwind tables
					 * (fp_repair.h) */
};

struct recorder *recorder__new(struct proc_maps *pm, unsigned int freq);
void recorder__free(struct recorder *r);

/*
 * Python frames (python.h) replace the interpreter in the stacks of the
 * CPython processes @py detects; 0 or -ENOMEM.
 */
struct python;
int recorder__set_python(struct recorder *r, struct python *py, bool lines);

/*
 * Frame-pointer mode: restore the caller a frame-pointer walk misses when
 * the sample lands in a function without its frame (on by default).
 */
void recorder__set_leaf_fixup(struct recorder *r, bool on);

/*
 * Off-CPU recording: the profile gets a third type, off_cpu/nanoseconds;
 * blocks (SAMPLE_F_OFFCPU events) end with a frame naming their state,
 * and per-thread sums of blocks under @min_ns are added with
 * recorder__off_cpu_short().
 */
void recorder__set_off_cpu(struct recorder *r, uint64_t min_ns);
int recorder__off_cpu_short(struct recorder *r, const struct off_short_key *k,
			    const struct off_short_val *v);

/*
 * Labels each sample with its origin (container, pod, unit) and drops
 * those the origins filter out.  @o stays the caller's.
 */
struct origins;
void recorder__set_origins(struct recorder *r, struct origins *o);

/*
 * Handles one sample.  Samples newer than the horizon are kept aside:
 * the mappings they need may not have been read yet.  Returns 0, -errno,
 * or 1 when the samples kept aside reach RECORDER_MAX_DEFERRED_BYTES: the
 * caller should stop reading until the horizon moves.
 */
#define RECORDER_MAX_DEFERRED_BYTES (64u << 20)
int recorder__sample(struct recorder *r, const struct sample_event *e);
/* recorder__sample() as a sampler_cb (@ctx: the recorder). */
int recorder__on_sample(const struct sample_event *e, size_t size, void *ctx);
/* Sets the horizon (CLOCK_MONOTONIC ns) and handles what it releases. */
int recorder__set_horizon(struct recorder *r, uint64_t ts);

/*
 * Builds a profile of everything recorded since the last reset:
 * symbolized, labelled, with types [samples/count, cpu/nanoseconds] (and
 * off_cpu/nanoseconds with recorder__set_off_cpu()).
 */
struct profile *recorder__build(struct recorder *r, struct symbolizer *sym);
/* Forgets the recorded stacks (next window); statistics stay. */
void recorder__reset(struct recorder *r);

const struct recorder_stats *recorder__stats(const struct recorder *r);

/*
 * Ask HotSpot JVMs for a perf map of their compiled code through their
 * attach mechanism when a profile is built (on by default).
 */
void recorder__set_jvm_attach(struct recorder *r, bool on);

/* Drops per-process / per-module caches (proc_maps__gc() callbacks). */
void recorder__forget_pid(struct recorder *r, pid_t pid);
void recorder__forget_module(struct recorder *r, uint32_t id);

/*
 * Writes the per-module share of unresolved frames of the last build,
 * for modules above @min_share percent, as "  module: P% of N frames
 * unsymbolized (hint)" lines.
 */
void recorder__print_unresolved(const struct recorder *r, FILE *f,
				double min_share);

#endif
