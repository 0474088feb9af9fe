/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A frame-pointer walk over a copy of a user stack (DWARF-mode samples),
 * for code that has no unwind tables but keeps frame pointers: JIT code
 * (V8, HotSpot with -XX:+PreserveFramePointer).  The BPF program does the
 * same walk on the live stack in frame-pointer mode.  Not here: DWARF
 * unwinding (unwind.c), deciding which walk to trust (recorder.c).
 */
#ifndef EBPROF_FP_WALK_H
#define EBPROF_FP_WALK_H

#include <stddef.h>
#include <stdint.h>

/*
 * Frames from @ip (the leaf) up the %rbp chain through the @size bytes of
 * @stack copied at @sp: each frame's return address at bp + 8, the next
 * bp at bp.  The walk stops where the chain leaves the copy, stops going
 * up, or reaches address 0.  Returns how many addresses went to @ips.
 */
int fp_walk__stack(uint64_t ip, uint64_t sp, uint64_t bp,
		   const uint8_t *stack, size_t size, uint64_t *ips, int max);

#endif
