/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by the off-CPU block of bpf/sampler.bpf.c and user space
 * (record --off-cpu): the state a thread left the CPU in, and the per-thread
 * sums of blocks shorter than --off-cpu-min, which cross to user space as
 * map entries instead of one ring record each.
 */
#ifndef EBPROF_OFFCPU_BPF_H
#define EBPROF_OFFCPU_BPF_H

#include "sampler.h"

/* Why the thread was off the CPU (bits 8-9 of a sample's flags). */
enum off_state {
	OFF_SLEEPING,		/* TASK_INTERRUPTIBLE, stopped, TASK_IDLE */
	OFF_DISK,		/* TASK_UNINTERRUPTIBLE: I/O, kernel locks */
	OFF_RUNNABLE,		/* preempted or yielded: waiting for a CPU */
	OFF_NR_STATES,
};

#define SAMPLE_OFF_STATE_SHIFT	8
#define SAMPLE_OFF_STATE(flags)	(((flags) >> SAMPLE_OFF_STATE_SHIFT) & 0x3)

/* Entries of the short-block map; a full map counts CNT_OFF_SHORT_LOST. */
#define OFF_SHORT_ENTRIES 16384

struct off_short_key {
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 state;		/* enum off_state */
};

struct off_short_val {
	__u64 ns;		/* summed time off the CPU */
	__u64 blocks;
	char comm[16];		/* thread name when first seen */
	char pcomm[16];		/* process name */
};

/*
 * --off-cpu-wakers: who woke the thread (sched_waking runs in the waker's
 * context), sent after the event with SAMPLE_F_WAKER.  From an interrupt
 * (a timer, I/O completion) they are the interrupted task's: user space
 * cuts them at the interrupt entry in the kernel stack.
 */
struct off_waker {
	__u32 pid, tid;
	__s32 kstack_sz;		/* bytes, or -errno */
	__s32 ustack_sz;
	char comm[SAMPLER_COMM_LEN];
	__u64 kstack[SAMPLER_MAX_STACK]; /* leaf first */
	__u64 ustack[SAMPLER_MAX_STACK];
};

/*
 * A target thread's block in progress, in its task storage: set at
 * switch-out, sent (or summed) and cleared at switch-in.  User space reads
 * the ones still open when the recording stops, and seeds those of threads
 * already blocked when it starts (SAMPLE_F_OFF_EARLY, no stacks).
 */
struct off_pending {
	__u64 ts;			/* switch-out, ns; 0: none pending */
	__u32 state;			/* enum off_state */
	__u32 pad;
	struct sample_event ev;		/* stacks at switch-out */
	struct off_waker waker;		/* SAMPLE_F_WAKER: sent with ev */
};

#endif
