/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames a frame-pointer walk skips in the middle of a stack.  A function
 * that keeps no frame pointer (libc's clock_gettime, syscall wrappers)
 * leaves %rbp to its caller, so the walk from anything it calls goes
 * from the callee's frame straight to the caller's caller: the caller is
 * lost, wherever the frameless function sits.  The words the BPF program
 * copies at the user %rsp (bpf/sampler.h: SAMPLE_LEAF_WORDS) hold the
 * frames nearest the leaf; unwinding them by their .eh_frame entries
 * (unwind.c: each function's CFA rule at that address gives its frame
 * size and where its return address is) gives an exact prefix of the
 * stack, and fp_repair__merge() joins it to the frame-pointer walk.
 *
 * The frameless leaf is the same case at the bottom of the stack, so
 * where unwind tables cover the leaf this replaces the leaf fix-up.
 *
 * Not here: the unwinding itself (unwind.c), the leaf's own caller when
 * no unwind table covers the leaf (leaf_fixup.c, by disassembly).
 */
#ifndef EBPROF_FP_REPAIR_H
#define EBPROF_FP_REPAIR_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Joins @fp (@nfp return addresses of the frame-pointer walk, leaf first,
 * every frame of it a true frame but some missing) and @dw (@ndw frames
 * unwound by DWARF from the same registers over a few stack words: an
 * exact prefix of the stack).  The walk's frames are matched in order
 * against @dw (a DWARF frame one past a walk frame matches it: unwind.c
 * adds 1 to signal frames); where the first one @dw does not hold begins
 * the walk's tail, appended to all of @dw.  When not even the walk's
 * first caller is in @dw: if DWARF stopped at the end of the copied words
 * (@dw_short), the walk skipped the callers @dw has (a frameless leaf:
 * %rbp still the caller's), and the walk's callers follow them; else the
 * two disagree and @fp is kept.  Writes at most @max frames to @out
 * (which may be @fp) and returns their number; the frames the walk
 * missed are counted in @*added.
 */
int fp_repair__merge(const uint64_t *fp, int nfp, const uint64_t *dw,
		     int ndw, bool dw_short, uint64_t *out, int max,
		     int *added);

#endif
