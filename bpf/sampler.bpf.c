// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU sampler: runs on every cpu-clock perf event (one per CPU), keeps
 * the samples of the target (pids, tids, a cgroup, or everything), and
 * sends each one's kernel and user frame-pointer stacks to user space
 * through a ring buffer, where they are aggregated and symbolized
 * (common/sample/sampler.c).  Aggregating in user space rather than in a stack map
 * avoids stack-id collisions and lets user space resolve each address with
 * the mappings the process had at that moment (short-lived processes).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "sampler.h"
#include "offcpu.h"
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

/*
 * The header and the kernel stack, less @kskip leaf frames (the BPF
 * program and its tracepoint glue when called from a tracepoint).
 */
static __always_inline void fill_common(void *ctx, struct sample_event *e,
					__u32 tgid, __u32 tid, __u32 kskip)
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
	e->off_ns = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	BPF_CORE_READ_STR_INTO(&e->pcomm, task, group_leader, comm);
	e->kstack_sz = want_kernel ?
		bpf_get_stack(ctx, e->kstack, sizeof(e->kstack),
			      kskip & BPF_F_SKIP_FIELD_MASK) : 0;
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
static __always_inline int sample_dwarf(void *ctx, __u32 tgid, __u32 tid)
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
	fill_common(ctx, e, tgid, tid, 0);
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

/* Frame-pointer mode: the user stack, and a few words at sp. */
static __always_inline void fill_fp_user(void *ctx, struct sample_event *e)
{
	struct pt_regs *regs;

	e->ustack_sz = 0;
	if (!want_user || (e->flags & SAMPLE_F_KTHREAD))
		return;
	e->ustack_sz = bpf_get_stack(ctx, e->ustack, sizeof(e->ustack),
				     BPF_F_USER_STACK);
	/* A few words at sp let user space recover a leaf's caller. */
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	e->usp = BPF_CORE_READ(regs, sp);
	e->ubp = BPF_CORE_READ(regs, bp);
	if (!bpf_probe_read_user(e->uleaf, sizeof(e->uleaf), (void *)e->usp))
		e->flags |= SAMPLE_F_LEAF;
}

/* The current task is in the target (-p, -t, --cgroup, or all). */
static __always_inline bool is_target(__u32 tgid, __u32 tid)
{
	if (filter_pid && !bpf_map_lookup_elem(&target_pids, &tgid))
		return false;
	if (filter_tid && !bpf_map_lookup_elem(&target_tids, &tid))
		return false;
	if (filter_cgroup && bpf_current_task_under_cgroup(&cgroups, 0) != 1)
		return false;
	return true;
}

SEC("perf_event")
int on_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	const struct py_proc *py;
	struct sample_event *e;

	if (tid == 0 && !include_idle)
		return 0;
	if (!is_target(tgid, tid))
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
	fill_common(ctx, e, tgid, tid, 0);
	fill_fp_user(ctx, e);
	if (py && want_user && !(e->flags & SAMPLE_F_KTHREAD)) {
		python__walk(py, (struct py_stack *)(e + 1));
		e->flags |= SAMPLE_F_PYTHON;
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

/*
 * ---- Off-CPU time (record --off-cpu, frame-pointer mode) ----
 *
 * At sched_switch, current is still prev.  A target thread that leaves
 * the CPU has its stacks taken then, with the CPU samples' capture code
 * (kernel stack, fp user stack and the leaf words), into its task storage
 * with the time and the state it left in.  When it is switched in again
 * (it is next), the block's length is known: blocks of off_cpu_min_ns or
 * more send the kept event to the ring buffer; shorter ones are summed
 * per thread and state in off_short, so a context-switch storm costs map
 * updates, not ring records.
 */
const volatile __u64 off_cpu_min_ns = 0;

#define TASK_UNINTERRUPTIBLE	0x2
#define TASK_DEAD		0x80
#define TASK_NOLOAD		0x400

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct off_pending);
} off_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OFF_SHORT_ENTRIES);
	__type(key, struct off_short_key);
	__type(value, struct off_short_val);
} off_short SEC(".maps");

static __always_inline void count_add(__u32 which, __u64 n)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &which);

	if (c)
		*c += n;
}

/*
 * The state as sched_switch reports it: a preempted task was not dequeued
 * and stays runnable whatever its state says; TASK_IDLE (uninterruptible
 * but not counted in the load) is an idle wait, not I/O.
 */
static __always_inline __u32 off_state_of(bool preempt, unsigned int st)
{
	if (preempt || !st)
		return OFF_RUNNABLE;
	if (st & TASK_DEAD)
		return OFF_NR_STATES;
	if ((st & TASK_UNINTERRUPTIBLE) && !(st & TASK_NOLOAD))
		return OFF_DISK;
	return OFF_SLEEPING;
}

/* A block under the minimum: add it to its thread's sum. */
static __always_inline void off_add_short(struct task_struct *task,
					  __u32 state, __u64 ns)
{
	struct off_short_key k = { task->tgid, task->pid, state };
	struct off_short_val *v, nv = { ns, 1 };

	count(CNT_OFF_SHORT);
	v = bpf_map_lookup_elem(&off_short, &k);
	if (!v) {
		BPF_CORE_READ_STR_INTO(&nv.comm, task, comm);
		BPF_CORE_READ_STR_INTO(&nv.pcomm, task, group_leader, comm);
		if (!bpf_map_update_elem(&off_short, &k, &nv, BPF_NOEXIST))
			return;
		/* Another CPU added it meanwhile, or the map is full. */
		v = bpf_map_lookup_elem(&off_short, &k);
		if (!v) {
			count(CNT_OFF_SHORT_LOST);
			count_add(CNT_OFF_SHORT_LOST_NS, ns);
			return;
		}
	}
	__sync_fetch_and_add(&v->ns, ns);
	__sync_fetch_and_add(&v->blocks, 1);
}

/* @next runs again: charge it the block it kept, if any. */
static __always_inline void off_switch_in(struct task_struct *next, __u64 now)
{
	struct off_pending *p;
	__u64 ns;
	__u32 state;

	p = bpf_task_storage_get(&off_pending, next, 0, 0);
	if (!p || !p->ts)
		return;
	ns = now > p->ts ? now - p->ts : 1;
	state = p->state & 0x3;
	p->ts = 0;
	if (ns < off_cpu_min_ns) {
		off_add_short(next, state, ns);
		return;
	}
	count(CNT_OFF_BLOCKS);
	p->ev.off_ns = ns;
	p->ev.flags |= SAMPLE_F_OFFCPU | state << SAMPLE_OFF_STATE_SHIFT;
	if (bpf_ringbuf_output(&events, &p->ev, (p->ev.flags & SAMPLE_F_WAKER) ?
			       sizeof(p->ev) + sizeof(p->waker) :
			       sizeof(p->ev), wake_flags())) {
		count(CNT_OFF_LOST);
		count_add(CNT_OFF_LOST_NS, ns);
	}
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u32 tgid = id >> 32, tid = (__u32)id, state;
	struct off_pending *p;

	if (next->pid)
		off_switch_in(next, now);
	if (tid == 0 || (prev->flags & PF_KTHREAD))
		return 0;
	state = off_state_of(preempt, prev_state);
	if (state >= OFF_NR_STATES || !is_target(tgid, tid))
		return 0;
	p = bpf_task_storage_get(&off_pending, prev, 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!p) {
		count(CNT_OFF_NO_START);
		return 0;
	}
	/* Skips the program and bpf_trace_run4(): __schedule() is the leaf. */
	fill_common(ctx, &p->ev, tgid, tid, 2);
	fill_fp_user(ctx, &p->ev);
	p->ts = now;
	p->state = state;
	return 0;
}

/*
 * --off-cpu-wakers: the waker of a blocked target thread, in its context.
 * From an interrupt, current is whoever was interrupted: user space cuts
 * the stacks at the interrupt entry (the kernel stack shows it).
 */
SEC("tp_btf/sched_waking")
int BPF_PROG(on_waking, struct task_struct *task)
{
	struct off_pending *p = bpf_task_storage_get(&off_pending, task, 0, 0);
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *cur = bpf_get_current_task_btf();
	struct off_waker *w;

	if (!p || !p->ts)
		return 0;
	w = &p->waker;
	w->kstack_sz = bpf_get_stack(ctx, w->kstack, sizeof(w->kstack), 2);
	w->ustack_sz = 0;
	w->pid = id >> 32;
	w->tid = (__u32)id;
	bpf_get_current_comm(w->comm, sizeof(w->comm));
	if (w->tid && !(cur->flags & PF_KTHREAD))
		w->ustack_sz = bpf_get_stack(ctx, w->ustack, sizeof(w->ustack),
					     BPF_F_USER_STACK);
	p->ev.flags |= SAMPLE_F_WAKER;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
