/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by bpf/sampler.bpf.c and common/sample/sampler.c: the sample event
 * the BPF program writes into the ring buffer, and its counters.
 */
#ifndef EBPROF_SAMPLER_BPF_H
#define EBPROF_SAMPLER_BPF_H

/* The kernel's default kernel.perf_event_max_stack. */
#define SAMPLER_MAX_STACK 127
#define SAMPLER_COMM_LEN 16

#define SAMPLE_F_KTHREAD 0x1	/* kernel thread: no user stack to expect */
#define SAMPLE_F_LEAF	0x2	/* usp, ubp and uleaf[] are valid (fp mode) */
#define SAMPLE_F_USTACK	0x4	/* DWARF mode: a struct sample_ustack and its
				 * stack bytes replace ustack[] */
#define SAMPLE_F_OFFCPU	0x8	/* a block off the CPU of off_ns, not a CPU
				 * sample; state in bits 8-9 (offcpu.h) */
#define SAMPLE_F_WAKER	0x10	/* SAMPLE_F_OFFCPU: a struct off_waker
				 * follows the event (offcpu.h) */
#define SAMPLE_F_OFF_EARLY 0x20	/* SAMPLE_F_OFFCPU: blocked since before
				 * the recording began: no stacks */
#define SAMPLE_F_PYTHON	0x40	/* a struct py_stack (python.h) follows
				 * the event (DWARF mode: its stack
				 * bytes, 8-aligned) */

/* Words at the user sp copied in fp mode for the leaf fix-up. */
#define SAMPLE_LEAF_WORDS 16

/* DWARF mode: the x86-64 red zone, copied below sp. */
#define SAMPLE_REDZONE_WORDS 16

/* DWARF mode: the most user stack bytes a sample may carry. */
#define SAMPLER_MAX_USTACK_BYTES 65536

/* User registers in DWARF x86-64 numbering (libunwind's UNW_X86_64_*). */
enum sample_reg {
	SREG_AX, SREG_DX, SREG_CX, SREG_BX, SREG_SI, SREG_DI, SREG_BP, SREG_SP,
	SREG_R8, SREG_R9, SREG_R10, SREG_R11, SREG_R12, SREG_R13, SREG_R14,
	SREG_R15, SREG_IP,
	SREG_NR,
};

struct sample_event {
	__u64 ts;			/* CLOCK_MONOTONIC, ns */
	__u64 cgroup_id;
	__u32 pid;			/* tgid */
	__u32 tid;
	__s32 kstack_sz;		/* bytes, or -errno */
	__s32 ustack_sz;		/* bytes, or -errno */
	__u32 cpu;
	__u32 flags;			/* SAMPLE_F_* */
	char comm[SAMPLER_COMM_LEN];	/* thread name */
	char pcomm[SAMPLER_COMM_LEN];	/* process (group leader) name */
	__u64 off_ns;			/* SAMPLE_F_OFFCPU: time off the CPU */
	__u64 usp, ubp;			/* SAMPLE_F_LEAF: user sp and bp */
	__u64 uleaf[SAMPLE_LEAF_WORDS];	/* SAMPLE_F_LEAF: words at usp */
	__u64 kstack[SAMPLER_MAX_STACK]; /* leaf first */
	__u64 ustack[SAMPLER_MAX_STACK]; /* leaf first; absent with
					  * SAMPLE_F_USTACK */
};

/*
 * DWARF mode (SAMPLE_F_USTACK): the event is variable-sized and, from
 * offsetof(struct sample_event, ustack), holds this header followed by
 * `size` bytes copied from the user stack at regs[SREG_SP].
 */
struct sample_ustack {
	__u64 regs[SREG_NR];
	/*
	 * The 128-byte red zone below sp: an epilogue's `pop %rbp` leaves
	 * the saved value there, and unwind tables may still point at it.
	 */
	__u64 redzone[SAMPLE_REDZONE_WORDS];
	__u32 redzone_ok;		/* redzone[] was read */
	__u32 size;			/* bytes of stack that follow */
	__s32 err;			/* 0, or -errno of the first read */
	__u32 pad;
	__u8 data[];
};

#define SAMPLE_USTACK_OFF __builtin_offsetof(struct sample_event, ustack)

enum sampler_counter {
	CNT_SAMPLES,		/* perf events that passed the filters */
	CNT_LOST,		/* ring buffer full: sample dropped */
	CNT_OFF_BLOCKS,		/* off-CPU blocks sent with their stacks */
	CNT_OFF_LOST,		/*   ring buffer full: block dropped */
	CNT_OFF_LOST_NS,	/*   and the time they held */
	CNT_OFF_SHORT,		/* blocks under the minimum, summed per thread */
	CNT_OFF_SHORT_LOST,	/*   short-block map full: block dropped */
	CNT_OFF_SHORT_LOST_NS,	/*   and the time they held */
	CNT_OFF_NO_START,	/* switch-outs whose start could not be kept */
	CNT_NR,
};

#endif
