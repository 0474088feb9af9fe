// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU sampler: runs on every cpu-clock perf event (one per CPU), keeps
 * the samples of the target (pids, tids, a cgroup, or everything), and
 * sends each one's kernel and user frame-pointer stacks to user space
 * through a ring buffer, where they are aggregated and symbolized
 * (common/sampler.c).  Aggregating in user space rather than in a stack map
 * avoids stack-id collisions and lets user space resolve each address with
 * the mappings the process had at that moment (short-lived processes).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "sampler.h"

#define PF_KTHREAD 0x00200000

const volatile bool filter_pid = false;	/* only tgids in target_pids */
const volatile bool filter_tid = false;	/* only tids in target_tids */
const volatile bool filter_cgroup = false; /* only tasks under cgroups[0] */
const volatile bool follow_forks = false; /* children join target_pids */
const volatile bool include_idle = false;
const volatile bool want_user = true;
const volatile bool want_kernel = true;
const volatile __u64 wakeup_bytes = 256 * 1024;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} target_pids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} target_tids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);	/* resized before load */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CNT_NR);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &which);

	if (c)
		(*c)++;
}

SEC("perf_event")
int on_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	struct task_struct *task;
	struct sample_event *e;
	__u64 flags = 0;

	if (tid == 0 && !include_idle)
		return 0;
	if (filter_pid && !bpf_map_lookup_elem(&target_pids, &tgid))
		return 0;
	if (filter_tid && !bpf_map_lookup_elem(&target_tids, &tid))
		return 0;
	if (filter_cgroup && bpf_current_task_under_cgroup(&cgroups, 0) != 1)
		return 0;
	count(CNT_SAMPLES);

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(CNT_LOST);
		return 0;
	}
	task = (struct task_struct *)bpf_get_current_task();
	e->ts = bpf_ktime_get_ns();
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->pid = tgid;
	e->tid = tid;
	e->cpu = bpf_get_smp_processor_id();
	e->flags = (BPF_CORE_READ(task, flags) & PF_KTHREAD) || tid == 0 ?
		   SAMPLE_F_KTHREAD : 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	BPF_CORE_READ_STR_INTO(&e->pcomm, task, group_leader, comm);
	e->kstack_sz = want_kernel ?
		bpf_get_stack(ctx, e->kstack, sizeof(e->kstack), 0) : 0;
	e->ustack_sz = want_user && !(e->flags & SAMPLE_F_KTHREAD) ?
		bpf_get_stack(ctx, e->ustack, sizeof(e->ustack),
			      BPF_F_USER_STACK) : 0;
	/*
	 * Wake the reader only when a good share of the buffer is used: it
	 * also polls on a timer, and a wake-up per sample would cost more
	 * than the sample itself.
	 */
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	else
		flags = BPF_RB_NO_WAKEUP;
	bpf_ringbuf_submit(e, flags);
	return 0;
}

/* Command mode: processes forked by the target join the target. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid, ctgid;
	__u8 one = 1;

	if (!follow_forks)
		return 0;
	ptgid = BPF_CORE_READ(parent, tgid);
	ctgid = BPF_CORE_READ(child, tgid);
	if (bpf_map_lookup_elem(&target_pids, &ptgid))
		bpf_map_update_elem(&target_pids, &ctgid, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
