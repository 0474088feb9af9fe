/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF sampler's lifecycle: open the skeleton, configure it (target,
 * stacks, ring size), load, open one cpu-clock perf event per CPU, attach,
 * then hand each sample event to a callback.  Not here: what samples mean
 * (recorder.c) or symbols (symbolizer.c).
 */
#ifndef EBPROF_SAMPLER_H
#define EBPROF_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/types.h>
#include "../bpf/sampler.h"
#include "../bpf/python.h"

struct sampler_opts {
	unsigned int freq;		/* Hz */
	bool user, kernel;		/* which stacks */
	bool idle;			/* keep samples of pid 0 */
	const pid_t *pids;		/* tgids, or NULL for no pid filter */
	size_t nr_pids;
	bool follow_forks;		/* children of pids join the target */
	const pid_t *tids;		/* thread ids, or NULL */
	size_t nr_tids;
	int cgroup_fd;			/* cgroup v2 directory, or -1 */
	unsigned int user_stack_bytes;	/* DWARF mode: user stack bytes to
					 * copy per sample (<= 65536); 0 for
					 * frame pointers */
	bool python;			/* walk the Python frames of the
					 * processes in sampler__python_set() */
};

struct sampler;

/* Bytes an event claims to span (DWARF events are variable-sized). */
static inline size_t sample_event__size(const struct sample_event *e)
{
	const struct sample_ustack *us;

	if (!(e->flags & SAMPLE_F_USTACK))
		return sizeof(*e) + (e->flags & SAMPLE_F_PYTHON ?
				     sizeof(struct py_stack) : 0);
	us = (const void *)((const char *)e + SAMPLE_USTACK_OFF);
	if (e->flags & SAMPLE_F_PYTHON)
		return ((SAMPLE_USTACK_OFF + sizeof(*us) + us->size + 7) &
			~(size_t)7) + sizeof(struct py_stack);
	return SAMPLE_USTACK_OFF + sizeof(*us) + us->size;
}

/* The Python frames of an event, or NULL. */
static inline const struct py_stack *
sample_event__python(const struct sample_event *e)
{
	if (!(e->flags & SAMPLE_F_PYTHON))
		return NULL;
	return (const void *)((const char *)e + sample_event__size(e) -
			      sizeof(struct py_stack));
}

/* The registers and stack bytes of a DWARF-mode event, or NULL. */
static inline const struct sample_ustack *
sample_event__ustack(const struct sample_event *e)
{
	if (!(e->flags & SAMPLE_F_USTACK))
		return NULL;
	return (const void *)((const char *)e + SAMPLE_USTACK_OFF);
}

/*
 * Called for each sample; return non-zero to stop the current poll.  A
 * DWARF-mode event (SAMPLE_F_USTACK) is variable-sized; its size has been
 * checked against sample_event__size().
 */
typedef int (*sampler_cb)(const struct sample_event *e, size_t size,
			  void *ctx);

/*
 * Loads and attaches.  -errno on failure: -EPERM without privileges,
 * -ENOENT when the kernel lacks something (BTF, an event), -EINVAL for a
 * frequency the kernel refuses.
 */
int sampler__new(const struct sampler_opts *opts, sampler_cb cb, void *ctx,
		 struct sampler **out);
void sampler__free(struct sampler *s);

/* Adds a process to the target (command mode); 0 or -errno. */
int sampler__add_pid(struct sampler *s, pid_t pid);

/*
 * Waits up to @timeout_ms, or until the ring buffer is a quarter full,
 * without consuming: the caller first reads the side-band records that
 * the pending samples may need, then calls sampler__consume().
 */
int sampler__wait(struct sampler *s, int timeout_ms);
/* Consumes pending samples without waiting. */
int sampler__consume(struct sampler *s);

/*
 * Registers CPython process @pid with where its frames are (@py), or
 * forgets it (@py NULL); 0 or -errno.
 */
int sampler__python_set(struct sampler *s, pid_t pid,
			const struct py_proc *py);

/* Stops sampling (disables the perf events); pending samples stay. */
void sampler__stop(struct sampler *s);

/* Samples that passed the filters, and those lost (ring buffer full). */
void sampler__counters(const struct sampler *s, uint64_t *samples,
		       uint64_t *lost);

/*
 * Runs of the sampling program and the time they took, counted while
 * kernel.bpf_stats_enabled is 1 (0, 0 otherwise); 0 or -errno.
 */
int sampler__prog_stats(const struct sampler *s, uint64_t *runs,
			uint64_t *ns);

#endif
