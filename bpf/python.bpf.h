/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPython frame walker of the sampler (included by sampler.bpf.c): at
 * a sample of a process user space registered in py_procs, find the
 * sampled thread's PyThreadState through its TSS slot (not the GIL
 * holder), then follow the frame chain and record (code object,
 * instruction index) pairs, innermost first.  One read per frame; the
 * loop runs under bpf_loop so deep recursion is not cut by the verifier.
 * Not here: names and lines (user space reads code objects, python.c).
 */
#ifndef EBPROF_PYTHON_BPF_WALK_H
#define EBPROF_PYTHON_BPF_WALK_H

#include "python.h"

/* Frame owner of the C-stack entry frames of 3.12+ (FRAME_OWNED_BY_CSTACK). */
#define PY_OWNER_CSTACK 3

const volatile bool want_python = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct py_proc);
} py_procs SEC(".maps");

struct py_walk {
	struct py_stack *st;
	__u64 frame;
	struct py_proc cfg;
};

/* A field of the frame copy at a user-given offset the verifier can bound. */
static __always_inline __u64 py_u64(const __u8 *buf, __u32 off)
{
	if (off > PY_FRAME_READ - 8)
		return 0;
	return *(const __u64 *)(buf + (off & 0x78));
}

static long py_step(__u32 i, void *data)
{
	struct py_walk *w = data;
	struct py_stack *st = w->st;
	__u8 buf[PY_FRAME_READ];
	__u32 n = st->nr, off;
	struct py_frame *f;
	__u64 code, instr;

	if (!w->frame)
		return 1;
	if (n >= PY_MAX_FRAMES) {
		st->err = PYE_TRUNCATED;
		return 1;
	}
	if (bpf_probe_read_user(buf, sizeof(buf), (void *)w->frame)) {
		st->err = PYE_READ;
		return 1;
	}
	w->frame = py_u64(buf, w->cfg.frame_back);
	off = w->cfg.frame_owner;
	if (off < PY_FRAME_READ && buf[off & 0x7f] == PY_OWNER_CSTACK) {
		/* A C-level evaluator call begins below this shim frame. */
		if (n > 0 && n <= PY_MAX_FRAMES)
			st->frames[(n - 1) & (PY_MAX_FRAMES - 1)].flags |=
				PYF_ENTRY;
		return 0;
	}
	code = py_u64(buf, w->cfg.frame_code);
	f = &st->frames[n & (PY_MAX_FRAMES - 1)];
	f->code = code;
	f->flags = 0;
	off = w->cfg.frame_entry;
	if (off < PY_FRAME_READ && buf[off & 0x7f])
		f->flags = PYF_ENTRY;
	off = w->cfg.frame_instr;
	if (w->cfg.lasti_is_int) {
		if (off > PY_FRAME_READ - 4)
			return 1;
		f->lasti = *(const __s32 *)(buf + (off & 0x7c));
	} else {
		instr = py_u64(buf, off);
		f->lasti = instr ? (__s32)((__s64)(instr - code -
					w->cfg.code_adaptive) >> 1) : -1;
	}
	st->nr = n + 1;
	return 0;
}

/* The process's Python settings, or NULL: not Python, or --no-python. */
static __always_inline const struct py_proc *python__proc(__u32 tgid)
{
	if (!want_python)
		return NULL;
	return bpf_map_lookup_elem(&py_procs, &tgid);
}

/* Fills @st with the current thread's Python frames. */
static __always_inline void python__walk(const struct py_proc *pp,
					 struct py_stack *st)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct py_walk w = { .st = st };
	__u64 tstate = 0, frame = 0, slot;

	st->nr = 0;
	st->err = PYE_NO_TSTATE;
	if (pp->tss_key >= 32)
		return;
	slot = task->thread.fsbase + pp->tls_off + pp->tss_key * 16 + 8;
	if (bpf_probe_read_user(&tstate, sizeof(tstate), (void *)slot) ||
	    !tstate)
		return;
	st->err = PYE_READ;
	if (bpf_probe_read_user(&frame, sizeof(frame),
				(void *)(tstate + pp->tstate_frame)))
		return;
	if (pp->cframe_frame != PY_OFF_NONE && frame &&
	    bpf_probe_read_user(&frame, sizeof(frame),
				(void *)(frame + pp->cframe_frame)))
		return;
	st->err = PYE_OK;
	w.frame = frame;
	w.cfg = *pp;
	/* Room for the C-stack shim frames skipped on the way. */
	bpf_loop(2 * PY_MAX_FRAMES, py_step, &w, 0);
}

/*
 * DWARF mode: appends the Python frames at @size (8-aligned) in @buf, a
 * scratch of @limit bytes holding the event @e; returns the new size.
 */
static __always_inline __u32 python__append(struct sample_event *e,
					     __u8 *buf, __u32 size,
					     __u32 limit, __u32 tgid)
{
	const struct py_proc *py = python__proc(tgid);
	__u32 off = (size + 7) & ~7U;

	if (!py || (e->flags & SAMPLE_F_KTHREAD) ||
	    off > limit - sizeof(struct py_stack))
		return size;
	python__walk(py, (struct py_stack *)(buf + off));
	e->flags |= SAMPLE_F_PYTHON;
	return off + sizeof(struct py_stack);
}

#endif
