/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of JIT-compiled code, per process, from the sources runtimes
 * offer: the perf map /tmp/perf-PID.map and the jitdump jit-PID.dump
 * (found through the marker mapping), read from the process's own root
 * with its namespace PID, and, for HotSpot JVMs, the perf map the JVM
 * writes when asked through its attach mechanism (jvm_attach.c).
 *
 * A process is tracked from its first sample in anonymous executable
 * memory: its files are opened then, while it lives, and kept open, so
 * what it writes later is read even after it has exited.  Files are read
 * again (what is new only) before each profile is built.
 * Not here: parsing (perf_map.c, jitdump.c), ELF symbols (symbolizer.c).
 */
#ifndef EBPROF_JIT_SYMS_H
#define EBPROF_JIT_SYMS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "sample/proc_maps.h"

struct jit_syms;

struct jit_syms *jit_syms__new(void);
void jit_syms__free(struct jit_syms *js);

/* Ask HotSpot JVMs for their perf map (default: on). */
void jit_syms__set_jvm_attach(struct jit_syms *js, bool on);

/* Can @mod hold JIT code (anonymous executable memory, memfd)? */
bool jit_syms__is_jit_module(const struct pm_module *mod);

/* A sample of @pid ran JIT code: start tracking it (cheap when known). */
void jit_syms__touch(struct jit_syms *js, pid_t pid);

/*
 * Before a profile is built: reads what the sources of the processes seen
 * since the last refresh gained, after asking their JVMs for a perf map.
 */
void jit_syms__refresh(struct jit_syms *js);

/*
 * The name of JIT code at @addr in @pid: 1 with *@name (valid until the
 * next refresh) and *@source (the file it came from), 0 when the process
 * has a source but no symbol there (*@source set, *@name NULL), -1 when
 * it has no source.
 */
int jit_syms__lookup(struct jit_syms *js, pid_t pid, uint64_t addr,
		     const char **name, const char **source);

/* Counts @n frames of @pid in JIT memory, @named or not (for the summary). */
void jit_syms__account(struct jit_syms *js, pid_t pid, bool named, double n);
/* Forgets the counts (a new profile). */
void jit_syms__reset_counts(struct jit_syms *js);

/* Forgets a process that exited (continuous mode). */
void jit_syms__forget(struct jit_syms *js, pid_t pid);

/*
 * Summary lines: per process, JIT frames without a symbol although a
 * source exists, and JVMs that run without -XX:+PreserveFramePointer.
 */
void jit_syms__print_summary(const struct jit_syms *js, FILE *f);

#endif
