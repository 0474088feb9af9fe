/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by bpf/python.bpf.h and common/runtime/python.c: where a CPython
 * process keeps its per-thread state and frames (filled by user space when
 * it detects the interpreter), and the block of Python frames the sampler
 * appends to a sample event (SAMPLE_F_PYTHON).  Not here: code objects and
 * names, which user space reads from the process itself.
 */
#ifndef EBPROF_PYTHON_BPF_H
#define EBPROF_PYTHON_BPF_H

/* Python frames a sample carries: 200-deep recursion comes out whole. */
#define PY_MAX_FRAMES 256
/* Bytes of a frame read at once: every field the walk needs is below. */
#define PY_FRAME_READ 104
#define PY_OFF_NONE 0xffff

/*
 * One CPython process (BPF hash map py_procs, keyed by tgid).  The thread
 * state is found per thread, through the gilstate TSS key (glibc
 * pthread_getspecific of a key below 32: *(fsbase + tls_off + key * 16 +
 * 8)), so threads that released the GIL have their own stacks too.
 */
struct py_proc {
	__u32 minor;		/* 3.minor */
	__u32 tss_key;		/* pthread key of the gilstate TSS */
	__u32 tls_off;		/* specific_1stblock in struct pthread */
	__u16 tstate_frame;	/* tstate -> frame / cframe / current_frame */
	__u16 cframe_frame;	/* _PyCFrame -> current_frame, or NONE */
	__u16 frame_code;	/* frame -> code object */
	__u16 frame_back;	/* frame -> previous frame */
	__u16 frame_instr;	/* int f_lasti (3.10) or instruction pointer */
	__u16 frame_owner;	/* char owner (3.12+), or NONE */
	__u16 frame_entry;	/* bool is_entry (3.11), or NONE */
	__u16 code_adaptive;	/* code -> first code unit (3.11+) */
	__u32 lasti_is_int;	/* frame_instr is 3.10's f_lasti */
};

#define PYF_ENTRY 0x1	/* outermost frame of one C-level evaluator call */

struct py_frame {
	__u64 code;		/* code object address */
	__s32 lasti;		/* instruction index in code units, -1 */
	__u32 flags;		/* PYF_* */
};

enum py_err {
	PYE_OK,
	PYE_NO_TSTATE,		/* thread has no Python state */
	PYE_READ,		/* a read of the target's memory faulted */
	PYE_TRUNCATED,		/* more than PY_MAX_FRAMES frames */
};

/* After the sample event (fp mode) when SAMPLE_F_PYTHON is set. */
struct py_stack {
	__u32 nr;		/* frames, innermost first */
	__u32 err;		/* enum py_err */
	struct py_frame frames[PY_MAX_FRAMES];
};

#endif
