/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by bpf/sampler.bpf.c and common/sampler.c: the sample event
 * the BPF program writes into the ring buffer, and its counters.
 */
#ifndef EBPROF_SAMPLER_BPF_H
#define EBPROF_SAMPLER_BPF_H

/* The kernel's default kernel.perf_event_max_stack. */
#define SAMPLER_MAX_STACK 127
#define SAMPLER_COMM_LEN 16

#define SAMPLE_F_KTHREAD 0x1	/* kernel thread: no user stack to expect */

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
	__u64 kstack[SAMPLER_MAX_STACK]; /* leaf first */
	__u64 ustack[SAMPLER_MAX_STACK]; /* leaf first */
};

enum sampler_counter {
	CNT_SAMPLES,		/* perf events that passed the filters */
	CNT_LOST,		/* ring buffer full: sample dropped */
	CNT_NR,
};

#endif
