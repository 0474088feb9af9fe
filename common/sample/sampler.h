/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF sampler's lifecycle: open the skeleton, configure it (target,
 * stacks, ring size), load, open one cpu-clock perf event per CPU, attach,
 * then hand each sample event to a callback.  Not here: what samples mean
 * (recorder.c) or symbols (symbolizer.c).
 */
#ifndef EBPROF_SAMPLER_H
#define EBPROF_SAMPLER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/types.h>
#include "bpf/offcpu.h"
#include "bpf/python.h"
#include "bpf/sampler.h"

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
	/* Set (by a signal handler) to end a consume round early; or
	 * NULL. */
	const volatile sig_atomic_t *stop;
	bool off_cpu;			/* also trace blocks off the CPU */
	bool off_cpu_wakers;		/* and who woke them */
	uint64_t off_cpu_min_ns;	/* shorter blocks are only summed */
	bool python;			/* walk the Python frames of the
					 * processes in sampler__python_set() */
};

/* Off-CPU counters (record --off-cpu), summed over CPUs. */
struct sampler_offcpu_stats {
	uint64_t blocks;		/* sent with their stacks */
	uint64_t lost, lost_ns;		/* ring buffer full */
	uint64_t short_blocks;		/* under the minimum, summed */
	uint64_t short_lost, short_lost_ns; /* short-block map full */
	uint64_t no_start;		/* task storage refused */
};

/* Most events handled in one sampler__consume() round. */
#define SAMPLER_ROUND_MAX (1u << 18)

struct sampler;

/* Bytes an event claims to span (DWARF events are variable-sized). */
static inline size_t sample_event__size(const struct sample_event *e)
{
	const struct sample_ustack *us;

	if (!(e->flags & SAMPLE_F_USTACK))
		return sizeof(*e) + ((e->flags & SAMPLE_F_WAKER) ?
				     sizeof(struct off_waker) : 0) +
		       (e->flags & SAMPLE_F_PYTHON ?
			sizeof(struct py_stack) : 0);
	us = (const void *)((const char *)e + SAMPLE_USTACK_OFF);
	if (e->flags & SAMPLE_F_PYTHON)
		return ((SAMPLE_USTACK_OFF + sizeof(*us) + us->size + 7) &
			~(size_t)7) + sizeof(struct py_stack);
	return SAMPLE_USTACK_OFF + sizeof(*us) + us->size;
}

/* The waker that follows a SAMPLE_F_WAKER event, or NULL. */
static inline const struct off_waker *
sample_event__waker(const struct sample_event *e)
{
	if (!(e->flags & SAMPLE_F_WAKER) || (e->flags & SAMPLE_F_USTACK))
		return NULL;
	return (const void *)(e + 1);
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
 * Called for each sample: returns 0 to go on, > 0 to end the current
 * round (the sample was taken), -errno to fail the round.  A
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
/*
 * Consumes pending samples without waiting, for at most @budget_ms or
 * SAMPLER_ROUND_MAX events, or until the stop flag is set or the callback
 * ends the round: 0 when the ring was emptied, 1 when events may be left
 * for the next round, -errno.  Bounded so that a producer faster than the
 * reader cannot keep the caller from its deadline or signals.
 */
int sampler__consume(struct sampler *s, unsigned int budget_ms);
/*
 * After sampler__stop(): consumes for at most @budget_ms, then drops
 * what is left, counting it (sampler__dropped()); 0 or -errno.
 */
int sampler__drain(struct sampler *s, unsigned int budget_ms);
/* Events read from the ring but dropped unhandled. */
uint64_t sampler__dropped(const struct sampler *s);

/*
 * Registers CPython process @pid with where its frames are (@py), or
 * forgets it (@py NULL); 0 or -errno.
 */
int sampler__python_set(struct sampler *s, pid_t pid,
			const struct py_proc *py);

/* Stops sampling (disables the perf events); pending samples stay. */
void sampler__stop(struct sampler *s);

/*
 * Samples that passed the filters, and those lost: the ring buffer was
 * full (the reader fell behind), or sampler__drain() dropped them.
 */
void sampler__counters(const struct sampler *s, uint64_t *samples,
		       uint64_t *lost);

void sampler__offcpu_stats(const struct sampler *s,
			   struct sampler_offcpu_stats *st);

/*
 * Calls @cb for each per-thread sum of short off-CPU blocks; with @take
 * the entries are removed as they are read (atomically), so the next call
 * sees only what came since.  0 or -errno.
 */
typedef int (*sampler_short_cb)(const struct off_short_key *k,
				const struct off_short_val *v, void *ctx);
int sampler__offcpu_short(struct sampler *s, bool take, sampler_short_cb cb,
			  void *ctx);

/*
 * Off-CPU blocks open at the ends of the recording.  seed: threads of
 * @pids (all their threads) and @tids asleep now are charged from now when
 * they wake, with no stacks (SAMPLE_F_OFF_EARLY).  pending: after
 * sampler__stop(), calls @cb with an event for each thread still blocked,
 * charged up to @now (CLOCK_MONOTONIC ns); *@nr counts them.  Threads are
 * found in /proc and their storage through pidfds (Linux 6.9+ for threads
 * other than the leader).  0 or -errno.
 */
int sampler__offcpu_seed(struct sampler *s, const pid_t *pids, size_t npids,
			 const pid_t *tids, size_t ntids);
int sampler__offcpu_pending(struct sampler *s, uint64_t now, sampler_cb cb,
			    void *ctx, uint64_t *nr);

/*
 * Runs of the sampling program and the time they took, counted while
 * kernel.bpf_stats_enabled is 1 (0, 0 otherwise); 0 or -errno.
 */
int sampler__prog_stats(const struct sampler *s, uint64_t *runs,
			uint64_t *ns);
/* The same for the off-CPU program (one run per context switch). */
int sampler__offcpu_prog_stats(const struct sampler *s, uint64_t *runs,
			       uint64_t *ns);

/* What sampler__new()'s -errno means for the user, in one phrase. */
const char *sampler__strerror(int err);

#endif
