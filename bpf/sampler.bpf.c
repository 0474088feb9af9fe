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
#include "python.bpf.h"

#define PF_KTHREAD 0x00200000

const volatile bool filter_pid = false;	/* only tgids in target_pids */
const volatile bool filter_tid = false;	/* only tids in target_tids */
const volatile bool filter_cgroup = false; /* only tasks under cgroups[0] */
const volatile bool follow_forks = false; /* children join target_pids */
const volatile bool include_idle = false;
const volatile bool want_user = true;
const volatile bool want_kernel = true;
const volatile __u64 wakeup_bytes = 256 * 1024;
/*
 * DWARF mode when non-zero: copy the user registers and up to this many
 * bytes of the user stack for user space to unwind; 0 is frame-pointer
 * mode (bpf_get_stack, plus a few words at sp for the leaf fix-up).
 */
const volatile __u32 user_stack_bytes = 0;

#define PAGE_SZ 4096
/* Scratch for a DWARF-mode event: header, regs, stack, one page of slack. */
#define SCRATCH_SIZE (SAMPLE_USTACK_OFF + sizeof(struct sample_ustack) + \
		      SAMPLER_MAX_USTACK_BYTES + PAGE_SZ + \
		      sizeof(struct py_stack))

struct scratch {
	__u8 buf[SCRATCH_SIZE];
};

/*
 * One entry per CPU (a per-CPU array cannot hold 64 KiB values).  A
 * perf_event program does not nest on its CPU (bpf_prog_active), so the
 * entry of the current CPU is ours for the whole run.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);			/* nr CPUs in DWARF mode */
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

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

/* The header, the kernel stack and the user registers' leaf words. */
static __always_inline void fill_common(struct bpf_perf_event_data *ctx,
					struct sample_event *e, __u32 tgid,
					__u32 tid)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	e->ts = bpf_ktime_get_ns();
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->pid = tgid;
	e->tid = tid;
	e->cpu = bpf_get_smp_processor_id();
	e->flags = (BPF_CORE_READ(task, flags) & PF_KTHREAD) || tid == 0 ?
		   SAMPLE_F_KTHREAD : 0;
	e->usp = e->ubp = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	BPF_CORE_READ_STR_INTO(&e->pcomm, task, group_leader, comm);
	e->kstack_sz = want_kernel ?
		bpf_get_stack(ctx, e->kstack, sizeof(e->kstack), 0) : 0;
}

/*
 * Copies up to @want bytes of user stack from @sp, page by page so that
 * a copy reaching past the end of the stack mapping (or a page that is
 * not resident) keeps what came before instead of failing whole.
 */
static __always_inline __u32 copy_stack(__u8 *dst, __u64 sp, __u32 want,
					 __s32 *err)
{
	__u64 done = 0, n = PAGE_SZ - (sp & (PAGE_SZ - 1)), off, len;
	int i;

	*err = 0;
	for (i = 0; i < SAMPLER_MAX_USTACK_BYTES / PAGE_SZ + 1; i++) {
		long r;

		if (done >= want)
			break;
		if (n > want - done)
			n = want - done;
		/* Bounds the verifier can see: off + len <= max + page. */
		off = done & (2 * SAMPLER_MAX_USTACK_BYTES - 1);
		len = n & (2 * PAGE_SZ - 1);
		if (off > SAMPLER_MAX_USTACK_BYTES || len > PAGE_SZ || !len)
			break;
		r = bpf_probe_read_user(dst + off, len, (void *)(sp + off));
		if (r) {
			if (!done)
				*err = r;
			break;
		}
		done += len;
		n = PAGE_SZ;
	}
	return done;
}

static __always_inline __u64 wake_flags(void)
{
	/*
	 * Wake the reader only when a good share of the buffer is used: it
	 * also polls on a timer, and a wake-up per sample would cost more
	 * than the sample itself.
	 */
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/* DWARF mode: registers and stack bytes instead of a user stack. */
static __always_inline int sample_dwarf(struct bpf_perf_event_data *ctx,
					__u32 tgid, __u32 tid)
{
	__u32 cpu = bpf_get_smp_processor_id(), size, want, copied = 0;
	struct sample_ustack *us;
	struct sample_event *e;
	struct pt_regs *regs;
	struct scratch *sc;

	sc = bpf_map_lookup_elem(&scratch, &cpu);
	if (!sc) {
		count(CNT_LOST);
		return 0;
	}
	e = (struct sample_event *)sc->buf;
	fill_common(ctx, e, tgid, tid);
	e->ustack_sz = 0;
	e->flags |= SAMPLE_F_USTACK;
	us = (struct sample_ustack *)(sc->buf + SAMPLE_USTACK_OFF);
	us->size = 0;
	us->err = 0;
	us->redzone_ok = 0;
	if (want_user && !(e->flags & SAMPLE_F_KTHREAD)) {
		regs = (struct pt_regs *)bpf_task_pt_regs(
			bpf_get_current_task_btf());
		us->regs[SREG_AX] = BPF_CORE_READ(regs, ax);
		us->regs[SREG_DX] = BPF_CORE_READ(regs, dx);
		us->regs[SREG_CX] = BPF_CORE_READ(regs, cx);
		us->regs[SREG_BX] = BPF_CORE_READ(regs, bx);
		us->regs[SREG_SI] = BPF_CORE_READ(regs, si);
		us->regs[SREG_DI] = BPF_CORE_READ(regs, di);
		us->regs[SREG_BP] = BPF_CORE_READ(regs, bp);
		us->regs[SREG_SP] = BPF_CORE_READ(regs, sp);
		us->regs[SREG_R8] = BPF_CORE_READ(regs, r8);
		us->regs[SREG_R9] = BPF_CORE_READ(regs, r9);
		us->regs[SREG_R10] = BPF_CORE_READ(regs, r10);
		us->regs[SREG_R11] = BPF_CORE_READ(regs, r11);
		us->regs[SREG_R12] = BPF_CORE_READ(regs, r12);
		us->regs[SREG_R13] = BPF_CORE_READ(regs, r13);
		us->regs[SREG_R14] = BPF_CORE_READ(regs, r14);
		us->regs[SREG_R15] = BPF_CORE_READ(regs, r15);
		us->regs[SREG_IP] = BPF_CORE_READ(regs, ip);
		want = user_stack_bytes;
		if (want > SAMPLER_MAX_USTACK_BYTES)
			want = SAMPLER_MAX_USTACK_BYTES;
		copied = copy_stack(us->data, us->regs[SREG_SP], want,
				    &us->err);
		us->size = copied;
		us->redzone_ok = !bpf_probe_read_user(us->redzone,
			sizeof(us->redzone),
			(void *)(us->regs[SREG_SP] - sizeof(us->redzone)));
	}
	/* From the local copy: the verifier cannot bound a map load. */
	size = (SAMPLE_USTACK_OFF + sizeof(*us) + copied) & 0x1ffff;
	if (size > SCRATCH_SIZE)
		return 0;
	size = python__append(e, sc->buf, size, SCRATCH_SIZE, tgid) & 0x1ffff;
	if (size > SCRATCH_SIZE)
		return 0;
	if (bpf_ringbuf_output(&events, e, size, wake_flags()))
		count(CNT_LOST);
	return 0;
}

SEC("perf_event")
int on_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	const struct py_proc *py;
	struct sample_event *e;
	struct pt_regs *regs;

	if (tid == 0 && !include_idle)
		return 0;
	if (filter_pid && !bpf_map_lookup_elem(&target_pids, &tgid))
		return 0;
	if (filter_tid && !bpf_map_lookup_elem(&target_tids, &tid))
		return 0;
	if (filter_cgroup && bpf_current_task_under_cgroup(&cgroups, 0) != 1)
		return 0;
	count(CNT_SAMPLES);
	if (user_stack_bytes)
		return sample_dwarf(ctx, tgid, tid);

	py = python__proc(tgid);
	if (py)
		e = bpf_ringbuf_reserve(&events, sizeof(*e) +
					sizeof(struct py_stack), 0);
	else
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(CNT_LOST);
		return 0;
	}
	fill_common(ctx, e, tgid, tid);
	e->ustack_sz = 0;
	if (want_user && !(e->flags & SAMPLE_F_KTHREAD)) {
		e->ustack_sz = bpf_get_stack(ctx, e->ustack, sizeof(e->ustack),
					     BPF_F_USER_STACK);
		/* A few words at sp let user space recover a leaf's caller. */
		regs = (struct pt_regs *)bpf_task_pt_regs(
			bpf_get_current_task_btf());
		e->usp = BPF_CORE_READ(regs, sp);
		e->ubp = BPF_CORE_READ(regs, bp);
		if (!bpf_probe_read_user(e->uleaf, sizeof(e->uleaf),
					 (void *)e->usp))
			e->flags |= SAMPLE_F_LEAF;
		if (py) {
			python__walk(py, (struct py_stack *)(e + 1));
			e->flags |= SAMPLE_F_PYTHON;
		}
	}
	bpf_ringbuf_submit(e, wake_flags());
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
