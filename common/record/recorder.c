// SPDX-License-Identifier: GPL-2.0
/*
 * Sample events -> aggregated raw stacks -> symbolized profile; see
 * recorder.h.  A raw stack is an array of u64: a header (pid/tid, names,
 * cgroup, depths) then (address, mapping id) pairs for the user frames and
 * addresses for the kernel frames.  User frames come from the BPF
 * program's frame-pointer walk (with the leaf fix-up), or, for DWARF-mode
 * samples, from unwinding the copied stack when the sample is handled: the
 * stack bytes themselves cannot be aggregated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "container/origin.h"
#include "lib/array.h"
#include "lib/clock.h"
#include "lib/hashmap.h"
#include "lib/strpool.h"
#include "profile/wallclock.h"
#include "record/recorder.h"
#include "runtime/jit_syms.h"
#include "runtime/python.h"
#include "unwind/fp_repair.h"
#include "unwind/fp_walk.h"
#include "unwind/leaf_fixup.h"

#define HDR 4	/* u64 words of header in a raw stack */
/* Words of a waker section: pid/tid, comm, depths, frames. */
#define WAKER_WORDS (3 + 3 * SAMPLER_MAX_STACK)
/* Most user frames of a raw stack. */
#define MAX_USER (UNWIND_MAX_FRAMES > SAMPLER_MAX_STACK + 1 ? \
		  UNWIND_MAX_FRAMES : SAMPLER_MAX_STACK + 1)

/* A process mapping as sampled: resolved to a module and file offset. */
struct rmap {
	uint64_t start, end, pgoff;
	uint32_t mod;		/* pm_module id */
	pid_t pid;
};

struct rstack {
	uint64_t *key;		/* HDR + 2 * nu + nk words, then with Python
				 * frames: the native leaf frames to keep and
				 * np words (python.h), outermost first */
	size_t len;		/* in words */
	double count;		/* samples, or off-CPU blocks */
	double off_ns;		/* off-CPU time */
};

struct modstat {
	double frames, unresolved;
};

struct recorder {
	struct proc_maps *pm;
	unsigned int freq;
	struct strpool names;		/* comm strings */

	struct rmap *rmaps;		/* id i at rmaps[i - 1] */
	size_t nr_rmaps, rmaps_cap;
	struct hashmap rmap_idx;

	struct rstack *stacks;
	size_t nr_stacks, stacks_cap;
	struct hashmap stack_idx;

	struct sample_event **deferred;
	size_t nr_deferred, deferred_cap, deferred_bytes;
	uint64_t horizon;

	uint64_t *scratch;		/* key being built */
	struct unwinder *uw;		/* created on first need */
	struct jit_syms *jit;		/* NULL: JIT code stays unnamed */
	struct leaf_fixup *lf;
	struct origins *origins;	/* header word 2 is an origin id */
	struct python *py;		/* NULL: --no-python */
	bool py_lines;			/* "qualname (file.py:LINE)" */
	uint64_t *pywords;		/* Python frames of the sample */
	bool leaf_fixup, lf_failed;
	uint64_t *uips;			/* user frames of the sample */
	const struct pm_map **umaps;	/* and their mappings */
	struct recorder_stats stats;
	struct modstat *modstats;	/* by module id, of the last build */
	size_t nr_modstats;
	uint64_t first_ts, last_ts;
	bool off_cpu;			/* record --off-cpu: three types */
	uint64_t off_cpu_min_ns;
};

struct recorder *recorder__new(struct proc_maps *pm, unsigned int freq)
{
	struct recorder *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->pm = pm;
	r->freq = freq;
	r->horizon = UINT64_MAX;
	strpool__init(&r->names);
	hashmap__init(&r->rmap_idx);
	hashmap__init(&r->stack_idx);
	r->leaf_fixup = true;
	r->jit = jit_syms__new();
	r->scratch = malloc((HDR + 2 * MAX_USER + SAMPLER_MAX_STACK +
			     WAKER_WORDS + 1 + PY_MAX_FRAMES) *
			    sizeof(uint64_t));
	r->uips = malloc(MAX_USER * sizeof(*r->uips));
	r->umaps = malloc(MAX_USER * sizeof(*r->umaps));
	if (!r->scratch || !r->uips || !r->umaps) {
		free(r->scratch);
		free(r->uips);
		free(r->umaps);
		free(r);
		return NULL;
	}
	return r;
}

void recorder__reset(struct recorder *r)
{
	size_t i;

	for (i = 0; i < r->nr_stacks; i++)
		free(r->stacks[i].key);
	r->nr_stacks = 0;
	hashmap__release(&r->stack_idx);
	/*
	 * Mappings and names are referenced only by the stacks: a new window
	 * starts without them, so a recording that runs for days stays flat.
	 */
	r->nr_rmaps = 0;
	hashmap__release(&r->rmap_idx);
	strpool__release(&r->names);
	strpool__init(&r->names);
	r->first_ts = r->last_ts = 0;
}

void recorder__free(struct recorder *r)
{
	size_t i;

	if (!r)
		return;
	recorder__reset(r);
	for (i = 0; i < r->nr_deferred; i++)
		free(r->deferred[i]);
	free(r->deferred);
	free(r->stacks);
	free(r->rmaps);
	free(r->scratch);
	free(r->uips);
	free(r->umaps);
	free(r->pywords);
	unwinder__free(r->uw);
	leaf_fixup__free(r->lf);
	jit_syms__free(r->jit);
	free(r->modstats);
	hashmap__release(&r->rmap_idx);
	strpool__release(&r->names);
	free(r);
}

void recorder__set_origins(struct recorder *r, struct origins *o)
{
	r->origins = o;
}

int recorder__set_python(struct recorder *r, struct python *py, bool lines)
{
	r->py_lines = lines;
	if (!r->pywords)
		r->pywords = malloc(PY_MAX_FRAMES * sizeof(*r->pywords));
	if (!r->pywords)
		return -ENOMEM;
	r->py = py;
	return 0;
}

void recorder__set_leaf_fixup(struct recorder *r, bool on)
{
	r->leaf_fixup = on;
}

const struct recorder_stats *recorder__stats(const struct recorder *r)
{
	return &r->stats;
}

void recorder__set_jvm_attach(struct recorder *r, bool on)
{
	if (r->jit)
		jit_syms__set_jvm_attach(r->jit, on);
}

void recorder__forget_pid(struct recorder *r, pid_t pid)
{
	if (r->jit)
		jit_syms__forget(r->jit, pid);
	if (r->uw)
		unwinder__forget(r->uw, pid);
}

void recorder__forget_module(struct recorder *r, uint32_t id)
{
	if (r->uw)
		unwinder__forget_module(r->uw, id);
}

static bool rmap_eq(uint32_t id, const void *key, void *ctx)
{
	const struct rmap *a = &((struct recorder *)ctx)->rmaps[id - 1];
	const struct rmap *b = key;

	return a->start == b->start && a->end == b->end &&
	       a->pgoff == b->pgoff && a->mod == b->mod && a->pid == b->pid;
}

static uint32_t rmap_id(struct recorder *r, pid_t pid, const struct pm_map *m)
{
	struct rmap k = { m->start, m->end, m->pgoff, m->mod->id, pid };
	uint64_t h = hash__u64(k.start ^ ((uint64_t)k.mod << 40), k.pid);
	uint32_t id = hashmap__find(&r->rmap_idx, h, rmap_eq, &k, r);

	if (id)
		return id;
	if (array__grow((void **)&r->rmaps, &r->rmaps_cap, r->nr_rmaps + 1,
			sizeof(*r->rmaps)))
		return 0;
	r->rmaps[r->nr_rmaps++] = k;
	if (hashmap__insert(&r->rmap_idx, h, r->nr_rmaps)) {
		r->nr_rmaps--;
		return 0;
	}
	return r->nr_rmaps;
}

static size_t key_len(const uint64_t *k);

/* The rmap of a Python frame in the frame memo. */
#define RMAP_PYTHON (~1ULL)
/*
 * A Python section (RS_PYTHON) after the kernel frames: a header word,
 * Python depth << 32 | the native frame the Python frames replace from
 * (fp mode) or PY_MERGE (DWARF: merge into the whole native stack), then
 * the Python frames (python.h words), innermost first.
 */
#define PY_MERGE 0xffffffffu

static bool stack_eq(uint32_t id, const void *key, void *ctx)
{
	const struct rstack *s = &((struct recorder *)ctx)->stacks[id - 1];
	const uint64_t *k = key;
	size_t len = key_len(k);

	return s->len == len && !memcmp(s->key, k, len * sizeof(*k));
}

static int stack_add(struct recorder *r, size_t len, double count,
		     double off_ns)
{
	uint64_t h = hash__bytes(r->scratch, len * sizeof(uint64_t), 0);
	uint32_t id = hashmap__find(&r->stack_idx, h, stack_eq, r->scratch, r);
	struct rstack *s;

	if (id) {
		r->stacks[id - 1].count += count;
		r->stacks[id - 1].off_ns += off_ns;
		return 0;
	}
	if (array__grow((void **)&r->stacks, &r->stacks_cap, r->nr_stacks + 1,
			sizeof(*r->stacks)))
		return -ENOMEM;
	s = &r->stacks[r->nr_stacks];
	s->key = malloc(len * sizeof(uint64_t));
	if (!s->key)
		return -ENOMEM;
	memcpy(s->key, r->scratch, len * sizeof(uint64_t));
	s->len = len;
	s->count = count;
	s->off_ns = off_ns;
	r->nr_stacks++;
	if (hashmap__insert(&r->stack_idx, h, r->nr_stacks)) {
		free(s->key);
		r->nr_stacks--;
		return -ENOMEM;
	}
	return 0;
}

/* Flags in the low bits of header word 3 (above the kernel depth). */
#define RS_USER_MISSING		(1u << 16)
#define RS_KERNEL_MISSING	(1u << 17)
#define RS_OFFCPU		(1u << 18)	/* off-CPU block(s) */
#define RS_OFF_SHORT		(1u << 19)	/*   summed short blocks */
#define RS_OFF_STATE_SHIFT	20		/*   enum off_state, 2 bits */
#define RS_WAKER		(1u << 22)	/*   a waker section follows */
#define RS_OFF_EARLY		(1u << 23)	/*   began before the recording */
#define RS_PYTHON		(1u << 24)	/* a Python section follows */

/*
 * Words of a raw stack: the header, user (address, mapping) pairs, kernel
 * addresses, and with RS_WAKER the waker's pid/tid, comm and depths words
 * and its frames in the same layout.
 */
static size_t key_len(const uint64_t *k)
{
	size_t len = HDR + 2 * (k[3] >> 32) + (k[3] & 0xffff);

	if (k[3] & RS_PYTHON)
		len += 1 + (k[len] >> 32);
	if (k[3] & RS_WAKER)
		len += 3 + 2 * (k[len + 2] >> 32) + (k[len + 2] & 0xffff);
	return len;
}

static const struct pm_map *pm_lookup(void *ctx, pid_t pid, uint64_t addr,
				      uint64_t ts)
{
	return proc_maps__lookup(ctx, pid, addr, ts);
}

static struct unwinder *unwinder(struct recorder *r)
{
	if (!r->uw)
		r->uw = unwinder__new(pm_lookup, r->pm);
	return r->uw;
}

struct code_ctx {
	struct recorder *r;
	pid_t pid;
	uint64_t ts;
};

static int read_code(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct code_ctx *c = ctx;

	return unwinder__read(c->r->uw, c->pid, c->ts, addr, buf, len);
}

/* User frames of a DWARF-mode sample, unwound now; -ENOMEM or >= 0. */
static int dwarf_frames(struct recorder *r, const struct sample_event *e,
			const struct sample_ustack *us)
{
	struct recorder_stats *st = &r->stats;
	struct unwind_result res;
	uint64_t t0;
	int err;

	if (!unwinder(r))
		return -ENOMEM;
	t0 = clock__mono_ns();
	err = unwinder__unwind(r->uw, e->pid, e->ts,
			       (const uint64_t *)us->regs,
			       us->redzone_ok ?
			       (const uint64_t *)us->redzone : NULL, us->data,
			       us->size, r->uips, r->umaps, UNWIND_MAX_FRAMES,
			       &res);
	st->dwarf_ns += clock__mono_ns() - t0;
	if (err)
		return err;
	st->dwarf_samples++;
	st->dwarf_stop[res.stop]++;
	st->dwarf_frames += res.nr;
	st->dwarf_fp_frames += res.fp_frames;
	st->dwarf_bytes += us->size;
	return res.nr;
}

/*
 * DWARF mode, JIT code: it has no unwind tables, and libunwind's
 * frame-pointer fallback loses its way from a JIT leaf (a stub, say).
 * When the unwound stack starts in JIT code and then leaves the
 * mappings, walk the frame pointers through the copy instead, and keep
 * whichever stays in the mappings longer.
 */
static int jit_dwarf_frames(struct recorder *r, const struct sample_event *e,
			    const struct sample_ustack *us, int nu)
{
	uint64_t *ips = r->scratch;	/* free until the key is built */
	int i, good = 0, n;

	if (nu < 2 || !r->umaps[0] ||
	    !jit_syms__is_jit_module(r->umaps[0]->mod))
		return nu;
	while (good < nu && r->umaps[good])
		good++;
	if (good == nu)
		return nu;
	n = fp_walk__stack(us->regs[SREG_IP], us->regs[SREG_SP],
			   us->regs[SREG_BP], us->data, us->size, ips,
			   UNWIND_MAX_FRAMES);
	for (i = 0; i < n && i <= good; i++)
		if (!proc_maps__lookup(r->pm, e->pid, ips[i], e->ts))
			break;
	if (i <= good)
		return nu;
	for (i = 0; i < n; i++) {
		r->uips[i] = ips[i];
		r->umaps[i] = proc_maps__lookup(r->pm, e->pid, ips[i], e->ts);
	}
	r->stats.dwarf_fp_frames += n - 1;
	return n;
}

/*
 * The leaf fix-up by disassembly (leaf_fixup.c), for leaves no unwind
 * table covers; capstone is started on first need.
 */
static int fp_leaf(struct recorder *r, const struct sample_event *e, int nu)
{
	struct code_ctx c = { r, e->pid, e->ts };
	uint64_t caller;
	int i;

	if (r->lf_failed)
		return nu;
	if (!r->lf && !(r->lf = leaf_fixup__new())) {
		r->lf_failed = true;
		return nu;
	}
	caller = leaf_fixup__caller(r->lf, e->ustack[0], e->usp, e->ubp,
				    (const uint64_t *)e->uleaf, SAMPLE_LEAF_WORDS,
				    nu > 1 ? e->ustack[1] : 0, read_code, &c);
	if (!caller)
		return nu;
	for (i = nu; i > 1; i--)
		r->uips[i] = r->uips[i - 1];
	r->uips[1] = caller;
	r->stats.leaf_fixed++;
	return nu + 1;
}

/* Appends the waker section at k[len]; the new length, or 0 (ENOMEM). */
static size_t add_waker(struct recorder *r, const struct sample_event *e,
			const struct off_waker *w, size_t len)
{
	int nu = w->ustack_sz > 0 ? w->ustack_sz / 8 : 0;
	int nk = w->kstack_sz > 0 ? w->kstack_sz / 8 : 0;
	uint64_t *k = r->scratch;
	uint32_t comm;
	int i;

	if (nu > SAMPLER_MAX_STACK)
		nu = SAMPLER_MAX_STACK;
	if (nk > SAMPLER_MAX_STACK)
		nk = SAMPLER_MAX_STACK;
	comm = strpool__id(&r->names, w->comm, strnlen(w->comm,
						       sizeof(w->comm)));
	if (!comm)
		return 0;
	k[len++] = (uint64_t)w->pid << 32 | w->tid;
	k[len++] = comm;
	k[len++] = (uint64_t)nu << 32 | nk;
	for (i = 0; i < nu; i++) {
		const struct pm_map *m = proc_maps__lookup(r->pm, w->pid,
							   w->ustack[i],
							   e->ts);
		uint32_t id = m ? rmap_id(r, w->pid, m) : 0;

		if (m && !id)
			return 0;
		k[len++] = w->ustack[i];
		k[len++] = id;
	}
	for (i = 0; i < nk; i++)
		k[len++] = w->kstack[i];
	r->stats.off_wakers++;
	return len;
}

/*
 * User frames of a frame-pointer sample, with the callers the walk
 * skipped under frameless functions restored (fp_repair.h): the words
 * copied at sp, unwound by DWARF from the sampled ip, sp and bp, joined to
 * the walk.  Where no unwind table covers the leaf (libunwind fell back to
 * the frame pointer), the leaf fix-up by disassembly first.
 */
static int fp_frames(struct recorder *r, const struct sample_event *e, int nu)
{
	uint64_t regs[SREG_NR] = { 0 }, dw[SAMPLE_LEAF_WORDS + 2];
	struct unwind_result res;
	int added;

	memcpy(r->uips, e->ustack, nu * sizeof(*r->uips));
	if (!r->leaf_fixup || !(e->flags & SAMPLE_F_LEAF) || nu < 1 ||
	    !unwinder(r))
		return nu;
	regs[SREG_IP] = e->ustack[0];
	regs[SREG_SP] = e->usp;
	regs[SREG_BP] = e->ubp;
	if (unwinder__unwind(r->uw, e->pid, e->ts, regs, NULL,
			     (const uint8_t *)e->uleaf, sizeof(e->uleaf), dw,
			     NULL, SAMPLE_LEAF_WORDS + 2, &res))
		res.nr = 0;
	if (res.nr < 2 || res.fp_frames)
		nu = fp_leaf(r, e, nu);
	if (res.nr < 2)
		return nu;
	nu = fp_repair__merge(r->uips, nu, dw, res.nr,
			      res.stop == UNWIND_STACK_SHORT && !res.fp_frames,
			      r->uips, MAX_USER, &added);
	r->stats.midstack_fixed += added;
	return nu;
}

static int handle(struct recorder *r, const struct sample_event *e)
{
	struct recorder_stats *st = &r->stats;
	const struct sample_ustack *us = sample_event__ustack(e);
	int nu = e->ustack_sz > 0 ? e->ustack_sz / 8 : 0;
	int nk = e->kstack_sz > 0 ? e->kstack_sz / 8 : 0;
	uint32_t comm, pcomm, flags = 0, org = 0;
	uint64_t *k = r->scratch;
	size_t len = HDR;
	bool dwarf = false, jit = false;
	int i, np = 0, cut = -1;

	if (r->origins &&
	    !(org = origins__of(r->origins, e->cgroup_id, e->pid))) {
		st->filtered++;
		return 0;
	}
	if (nu > SAMPLER_MAX_STACK)
		nu = SAMPLER_MAX_STACK;
	if (nk > SAMPLER_MAX_STACK)
		nk = SAMPLER_MAX_STACK;
	st->samples++;
	if (!r->first_ts)
		r->first_ts = e->ts;
	r->last_ts = e->ts;
	if (us && !(e->flags & SAMPLE_F_KTHREAD) && us->size) {
		nu = dwarf_frames(r, e, us);
		if (nu < 0)
			return nu;
		nu = jit_dwarf_frames(r, e, us, nu);
		dwarf = true;
	} else if (us) {
		nu = 0;
	}
	if (e->flags & SAMPLE_F_KTHREAD) {
		st->kthread++;
	} else if (e->ustack_sz < 0 || (us && !us->size)) {
		st->user_missing++;
		if (e->ustack_sz == -EFAULT || (us && us->err == -EFAULT))
			st->user_missing_efault++;
		flags |= RS_USER_MISSING;
	}
	if (e->kstack_sz < 0) {
		st->kernel_missing++;
		flags |= RS_KERNEL_MISSING;
	}
	if (e->flags & SAMPLE_F_OFFCPU) {
		flags |= RS_OFFCPU |
			 SAMPLE_OFF_STATE(e->flags) << RS_OFF_STATE_SHIFT;
		if (e->flags & SAMPLE_F_OFF_EARLY)
			flags |= RS_OFF_EARLY;
		st->off_blocks++;
		st->off_ns += e->off_ns;
	}
	if (!us && nu == SAMPLER_MAX_STACK)
		st->user_truncated++;
	if (nk == SAMPLER_MAX_STACK)
		st->kernel_truncated++;
	if (!us)
		nu = fp_frames(r, e, nu);
	if (r->py) {
		python__check(r->py, e->pid, e->pcomm, e->ts);
		np = python__frames(r->py, e, r->pywords);
		if (np < 0)
			return np;
	}
	comm = strpool__id(&r->names, e->comm, strnlen(e->comm,
						       SAMPLER_COMM_LEN));
	pcomm = strpool__id(&r->names, e->pcomm, strnlen(e->pcomm,
							 SAMPLER_COMM_LEN));
	if (!comm || !pcomm)
		return -ENOMEM;
	k[0] = (uint64_t)e->pid << 32 | e->tid;
	k[1] = (uint64_t)comm << 32 | pcomm;
	k[2] = r->origins ? org : e->cgroup_id;
	k[3] = (uint64_t)nu << 32 | flags | nk | (np ? RS_PYTHON : 0);
	for (i = 0; i < nu; i++) {
		uint64_t addr = r->uips[i];
		const struct pm_map *m = dwarf ? r->umaps[i] :
			proc_maps__lookup(r->pm, e->pid, addr, e->ts);
		uint32_t id = 0;

		if (m) {
			jit |= jit_syms__is_jit_module(m->mod);
			id = rmap_id(r, e->pid, m);
			if (!id)
				return -ENOMEM;
		} else {
			st->unmapped_frames++;
		}
		/*
		 * A frame-pointer walk does not get through the interpreter
		 * (built without frame pointers): keep the native frames
		 * leafward of it, the Python frames stand for the rest.
		 */
		if (np && !dwarf && cut < 0 &&
		    (!m || python__is_interp(r->py, e->pid, m->mod->dev,
					     m->mod->ino)))
			cut = i;
		k[len++] = addr;
		k[len++] = id;
	}
	for (i = 0; i < nk; i++)
		k[len++] = e->kstack[i];
	if (np) {
		k[len++] = (uint64_t)np << 32 |
			   (dwarf ? PY_MERGE : cut < 0 ? (uint32_t)nu :
			    (uint32_t)cut);
		memcpy(k + len, r->pywords, np * sizeof(*k));
		len += np;
	}
	if (jit && r->jit)
		jit_syms__touch(r->jit, e->pid);
	if ((flags & RS_OFFCPU) && sample_event__waker(e)) {
		k[3] |= RS_WAKER;
		len = add_waker(r, e, sample_event__waker(e), len);
		if (!len)
			return -ENOMEM;
	}
	if (flags & RS_OFFCPU)
		return stack_add(r, len, 1, e->off_ns);
	return stack_add(r, len, 1, 0);
}

void recorder__set_off_cpu(struct recorder *r, uint64_t min_ns)
{
	r->off_cpu = true;
	r->off_cpu_min_ns = min_ns;
}

int recorder__off_cpu_short(struct recorder *r, const struct off_short_key *sk,
			    const struct off_short_val *v)
{
	uint32_t comm, pcomm;
	uint64_t *k = r->scratch;

	if (sk->state >= OFF_NR_STATES)
		return 0;
	comm = strpool__id(&r->names, v->comm, strnlen(v->comm,
						       sizeof(v->comm)));
	pcomm = strpool__id(&r->names, v->pcomm, strnlen(v->pcomm,
							 sizeof(v->pcomm)));
	if (!comm || !pcomm)
		return -ENOMEM;
	k[0] = (uint64_t)sk->pid << 32 | sk->tid;
	k[1] = (uint64_t)comm << 32 | pcomm;
	k[2] = 0;
	k[3] = RS_OFFCPU | RS_OFF_SHORT |
	       (uint64_t)sk->state << RS_OFF_STATE_SHIFT;
	r->stats.off_short_blocks += v->blocks;
	r->stats.off_short_ns += v->ns;
	return stack_add(r, HDR, v->blocks, v->ns);
}

int recorder__sample(struct recorder *r, const struct sample_event *e)
{
	struct sample_event *copy;

	if (r->py)
		python__prefetch(r->py, e);
	if (e->ts <= r->horizon)
		return handle(r, e);
	if (array__grow((void **)&r->deferred, &r->deferred_cap,
			r->nr_deferred + 1, sizeof(*r->deferred)))
		return -ENOMEM;
	copy = malloc(sample_event__size(e));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, e, sample_event__size(e));
	r->deferred[r->nr_deferred++] = copy;
	r->deferred_bytes += sample_event__size(e);
	/*
	 * Bounded: the caller stops reading, and the next horizon (taken
	 * after this round) releases every sample kept aside now.
	 */
	return r->deferred_bytes >= RECORDER_MAX_DEFERRED_BYTES;
}

int recorder__on_sample(const struct sample_event *e, size_t size, void *ctx)
{
	int err = recorder__sample(ctx, e);

	(void)size;
	/* A sample that cannot be handled is counted, not fatal. */
	return err == -ENOMEM || err > 0 ? err : 0;
}

int recorder__set_horizon(struct recorder *r, uint64_t ts)
{
	size_t i, kept = 0;
	int err = 0;

	r->horizon = ts;
	for (i = 0; i < r->nr_deferred; i++) {
		struct sample_event *e = r->deferred[i];

		if (e->ts <= ts && !err) {
			err = handle(r, e);
			r->deferred_bytes -= sample_event__size(e);
			free(e);
		} else {
			r->deferred[kept++] = e;
		}
	}
	r->nr_deferred = kept;
	return err;
}

/* ---- building the profile ---- */

/*
 * The leaf frames that name why a thread was off the CPU, and the parent
 * of the per-thread sums of short blocks (which have no stacks).
 */
static int off_cpu_markers(struct recorder *r, struct profile *p,
			   uint32_t markers[OFF_NR_STATES], uint32_t *short_id,
			   uint32_t *early_id)
{
	char name[64];
	struct pf_frame f = { .name = name };
	int i;

	for (i = 0; i < OFF_NR_STATES; i++) {
		snprintf(name, sizeof(name), "[off-cpu: %s]",
			 off_state__name(i));
		markers[i] = profile__frame(p, &f);
		if (!markers[i])
			return -ENOMEM;
	}
	snprintf(name, sizeof(name), "[off-cpu: blocks under %.0f us]",
		 r->off_cpu_min_ns / 1e3);
	*short_id = profile__frame(p, &f);
	snprintf(name, sizeof(name), "[off-cpu: blocked since before the "
		 "recording]");
	*early_id = profile__frame(p, &f);
	return *short_id && *early_id ? 0 : -ENOMEM;
}

struct frame_memo {
	struct hashmap idx;
	uint64_t (*keys)[3];	/* addr, rmap (or ~0 kernel), leaf */
	uint32_t *ids;		/* profile frame ids */
	uint64_t *spans;	/* inlined frames: first << 8 | count */
	size_t nr, cap;
	uint32_t *mapping_ids;	/* profile mapping id by rmap id */
	uint32_t *inl_ids;	/* PF_INLINE frame ids, outermost first */
	size_t nr_inl, inl_cap;
};

/* The PF_INLINE frames of @res after head frame @f, into @fm->inl_ids. */
static int inline_frames(struct profile *p, struct frame_memo *fm,
			 const struct pf_frame *f, const struct sym_result *res,
			 uint64_t *span)
{
	size_t i, n = res->nr_inl > 255 ? 255 : res->nr_inl;

	*span = (uint64_t)fm->nr_inl << 8 | n;
	if (array__grow((void **)&fm->inl_ids, &fm->inl_cap, fm->nr_inl + n,
			sizeof(*fm->inl_ids)))
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct pf_frame g = *f;

		g.kind = PF_INLINE;
		g.name = res->inl[i].name;
		g.system_name = res->inl[i].mangled;
		g.file = res->inl[i].file;
		g.line = res->inl[i].line;
		g.flags = 0;
		fm->inl_ids[fm->nr_inl] = profile__frame(p, &g);
		if (!fm->inl_ids[fm->nr_inl++])
			return -ENOMEM;
	}
	return 0;
}

static bool memo_eq(uint32_t id, const void *key, void *ctx)
{
	return !memcmp(((struct frame_memo *)ctx)->keys[id - 1], key,
		       3 * sizeof(uint64_t));
}

static void count_frame(struct recorder *r, uint32_t mod, bool resolved,
			double n)
{
	if (mod >= r->nr_modstats)
		return;
	r->modstats[mod].frames += n;
	if (!resolved)
		r->modstats[mod].unresolved += n;
}

/*
 * JIT code of a process with a symbol source (perf map, jitdump): a JIT
 * frame, in a mapping named for the source, with the source's name.
 */
static void jit_frame(struct jit_syms *js, pid_t pid, uint64_t addr,
		      struct pf_frame *f, struct sym_result *res)
{
	const char *name, *source;
	int rc = jit_syms__lookup(js, pid, addr, &name, &source);

	if (rc < 0)
		return;
	f->kind = PF_JIT;
	res->module = source;
	if (rc == 0)
		return;
	res->name = name;
	res->mangled = NULL;
	res->resolved = true;
}

/* Profile frame id of a user (rmap != ~0) or kernel frame. */
static uint32_t frame_id(struct recorder *r, struct symbolizer *sym,
			 struct profile *p, struct frame_memo *fm,
			 uint64_t addr, uint64_t rmap, bool leaf, uint64_t *span)
{
	uint64_t key[3] = { addr, rmap, leaf };
	uint64_t h = hash__bytes(key, sizeof(key), 0);
	uint32_t id = hashmap__find(&fm->idx, h, memo_eq, key, fm);
	struct pf_frame f = { 0 };
	struct sym_result res;
	/* Return addresses point after the call: look up the call itself. */
	uint64_t look = leaf || !addr ? addr : addr - 1;

	*span = 0;
	if (id) {
		*span = fm->spans[id - 1];
		return fm->ids[id - 1];
	}
	if (rmap == RMAP_PYTHON) {
		const struct py_func *pf = python__func(r->py,
							py_word__func(addr));

		if (!pf)
			return 0;
		f.file = pf->file;
		f.start_line = pf->first_line;
		if (pf->interp) {
			/* A mapping for the interpreter (no addresses). */
			struct pf_mapping im = { .file = pf->interp };

			f.mapping = profile__mapping(p, &im);
			f.module = pf->interp;
			if (!f.mapping)
				return 0;
		}
		f.line = py_word__line(addr);
		memset(&res, 0, sizeof(res));
		res.name = r->py_lines ? python__name_line(r->py, pf, f.line) :
			   pf->name;
		if (!res.name)
			return 0;
		res.module = f.module;
		res.mangled = pf->qualname;
		res.file = pf->file;
		res.line = f.line;
		res.resolved = true;
		addr = 0;
	} else if (rmap == ~0ULL) {
		if (symbolizer__kernel(sym, look, &res))
			return 0;
		f.kind = PF_KERNEL;
		f.mapping = fm->mapping_ids[0];
	} else if (rmap) {
		const struct rmap *m = &r->rmaps[rmap - 1];
		struct pm_module *mod = proc_maps__module(r->pm, m->mod);

		if (symbolizer__user(sym, mod, m->pid,
				     look - m->start + m->pgoff, &res))
			return 0;
		if (r->jit && jit_syms__is_jit_module(mod))
			jit_frame(r->jit, m->pid, look, &f, &res);
		if (!fm->mapping_ids[rmap]) {
			struct pf_mapping pm = {
				m->start, m->end, m->pgoff, res.module,
				res.build_id,
			};

			fm->mapping_ids[rmap] = profile__mapping(p, &pm);
		}
		f.mapping = fm->mapping_ids[rmap];
	} else {
		memset(&res, 0, sizeof(res));
		res.name = "[unknown]";
	}
	f.name = res.name;
	f.system_name = res.mangled;
	f.module = res.module;
	f.addr = addr;
	f.flags = res.resolved ? 0 : PF_FRAME_UNRESOLVED;
	f.file = res.file;
	f.line = res.line;
	if (fm->nr == fm->cap) {
		size_t cap = fm->cap ? fm->cap * 2 : 1024;
		void *k = realloc(fm->keys, cap * sizeof(*fm->keys));
		void *i = k ? realloc(fm->ids, cap * sizeof(*fm->ids)) : NULL;
		void *sp = i ? realloc(fm->spans, cap * sizeof(*fm->spans))
			     : NULL;

		if (k)
			fm->keys = k;
		if (i)
			fm->ids = i;
		if (!k || !i || !sp)
			return 0;
		fm->spans = sp;
		fm->cap = cap;
	}
	id = profile__frame(p, &f);
	if (!id || (rmap && rmap != ~0ULL && res.nr_inl &&
		    inline_frames(p, fm, &f, &res, span)))
		return 0;
	memcpy(fm->keys[fm->nr], key, sizeof(key));
	fm->spans[fm->nr] = *span;
	fm->ids[fm->nr++] = id;
	if (hashmap__insert(&fm->idx, h, fm->nr))
		return 0;
	return id;
}

/*
 * --call-graph dwarf, where the native stack is whole: each interpreter
 * loop frame of @nat (@nn frame ids, root first) gives way to the Python
 * frames it ran, as py-spy --native shows them; the native frames between
 * (C extensions calling back into Python) stay in order.  The Python words
 * @pw (outermost first) split into one run per C-level evaluator call,
 * each starting at a PY_WORD_ENTRY frame; runs and loop frames are paired
 * from the leaf (a stack copy may miss the root), runs left over go to the
 * outermost loop frame.  Writes @out, returns its depth, 0 on error.
 */
static size_t py_merge(struct recorder *r, struct symbolizer *sym,
		       struct profile *p, struct frame_memo *fm,
		       const uint32_t *nat, size_t nn, const uint64_t *pw,
		       size_t np, uint32_t *out)
{
	size_t start[PY_MAX_FRAMES + 1], ng = 0, ne = 0, i, j, o = 0, t = 0;
	size_t t0, extra, g, from, to;
	bool replaced = false;

	for (i = 0; i < np; i++)
		if (!i || (pw[i] & PY_WORD_ENTRY))
			start[ng++] = i;
	start[ng] = np;
	for (i = 0; i < nn; i++)
		ne += python__is_eval(profile__frame_get(p, nat[i])->name);
	/* Loop frames without a run (root side), runs without a loop. */
	t0 = ne > ng ? ne - ng : 0;
	extra = ng > ne ? ng - ne : 0;
	for (i = 0; i < nn || (!ne && i == nn); i++) {
		/* Functions inlined into a loop frame that gave way go too. */
		if (i < nn && replaced &&
		    profile__frame_get(p, nat[i])->kind == PF_INLINE)
			continue;
		replaced = false;
		if (ne && !python__is_eval(profile__frame_get(p,
							      nat[i])->name)) {
			out[o++] = nat[i];
			continue;
		}
		if (ne && t < t0) {
			out[o++] = nat[i];
			t++;
			continue;
		}
		/* No loop frame seen (unwinding stopped): all at the root. */
		g = ne ? t - t0 + extra : ng - 1;
		from = !ne || t == t0 ? 0 : start[g];
		to = start[g + 1];
		for (j = from; j < to; j++) {
			uint64_t span;
			uint32_t id = frame_id(r, sym, p, fm,
					       pw[j] & ~PY_WORD_ENTRY,
					       RMAP_PYTHON, false, &span);

			if (!id)
				return 0;
			out[o++] = id;
		}
		replaced = true;
		t++;
		if (!ne) {
			memcpy(out + o, nat, nn * sizeof(*nat));
			return o + nn;
		}
	}
	return o;
}

static int build_types(struct recorder *r, struct profile *p)
{
	struct pf_value_type t[3] = {
		{ "samples", "count" }, { "cpu", "nanoseconds" },
		{ "off_cpu", "nanoseconds" },
	};

	if (profile__set_types(p, t, r->off_cpu ? 3 : 2))
		return -ENOMEM;
	p->period_type.type = profile__intern(p, "cpu");
	p->period_type.unit = profile__intern(p, "nanoseconds");
	p->period = r->freq ? 1000000000LL / r->freq : 0;
	return 0;
}

/* Kernel functions that begin interrupt handling on x86-64. */
static bool irq_entry(const char *name)
{
	static const char *const prefixes[] = {
		"asm_sysvec_", "asm_common_interrupt", "asm_exc_",
		"handle_softirqs", "__do_softirq", "run_ksoftirqd",
	};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * The waker's frames above the blocked stack, as offwaketime draws them:
 * its kernel then user frames from the wake-up up, then its name, all of
 * kind PF_WAKER (folded suffix _[w]).  A wake-up from an interrupt ends at
 * the interrupt's entry, named "[interrupt]": what lies beyond was only
 * interrupted.
 */
static int waker_frames(struct recorder *r, struct symbolizer *sym,
			struct profile *p, struct frame_memo *fm,
			const uint64_t *w, uint32_t *stack, size_t *d)
{
	size_t nu = w[2] >> 32, nk = w[2] & 0xffff, j;
	const uint64_t *u = w + 3, *kf = w + 3 + 2 * nu;
	struct pf_frame f;
	uint32_t id;

	bool irq = false;

	for (j = 0; j < nk + nu && !irq; j++) {
		uint64_t span;	/* a waker's inlined frames are not drawn */

		id = j < nk ? frame_id(r, sym, p, fm, kf[j], ~0ULL, j == 0,
				       &span) :
		     frame_id(r, sym, p, fm, u[2 * (j - nk)],
			      u[2 * (j - nk) + 1], j == 0, &span);
		if (!id)
			return -ENOMEM;
		f = *profile__frame_get(p, id);
		irq = j < nk && irq_entry(f.name);
		f.kind = PF_WAKER;
		stack[(*d)++] = profile__frame(p, &f);
		if (!stack[*d - 1])
			return -ENOMEM;
	}
	memset(&f, 0, sizeof(f));
	f.name = irq ? "[interrupt]" : r->names.strs[(uint32_t)w[1] - 1];
	f.kind = PF_WAKER;
	stack[(*d)++] = profile__frame(p, &f);
	return stack[*d - 1] ? 0 : -ENOMEM;
}

/* Frames of one built stack: user (with inlined frames) and kernel,
 * markers, a waker's kernel and user frames, Python frames. */
#define STACK_ROOM (4 * MAX_USER + 3 * SAMPLER_MAX_STACK + PY_MAX_FRAMES + 8)

struct profile *recorder__build(struct recorder *r, struct symbolizer *sym)
{
	struct profile *p = profile__new();
	struct frame_memo fm = { 0 };
	uint32_t *stack = malloc(STACK_ROOM * sizeof(*stack));
	uint32_t missed_user = 0, missed_kernel = 0, short_id = 0;
	uint32_t early_id = 0;
	uint32_t markers[OFF_NR_STATES] = { 0 };
	uint32_t *merged = malloc(STACK_ROOM * sizeof(*merged));
	size_t i;
	int err = -ENOMEM;

	free(r->modstats);
	r->nr_modstats = proc_maps__nr_modules(r->pm) + 1;
	r->modstats = calloc(r->nr_modstats, sizeof(*r->modstats));
	fm.mapping_ids = calloc(r->nr_rmaps + 1, sizeof(*fm.mapping_ids));
	hashmap__init(&fm.idx);
	if (r->jit) {
		jit_syms__refresh(r->jit);
		jit_syms__reset_counts(r->jit);
	}
	if (!p || !stack || !merged || !r->modstats || !fm.mapping_ids ||
	    build_types(r, p))
		goto out;
	{
		struct pf_mapping km = { 0, UINT64_MAX, 0, "[kernel.kallsyms]" };
		struct pf_frame mu = { .name = "[Missed User Stack]" };
		struct pf_frame mk = { .name = "[Missed Kernel Stack]",
				       .kind = PF_KERNEL };

		fm.mapping_ids[0] = profile__mapping(p, &km);
		missed_user = profile__frame(p, &mu);
		missed_kernel = profile__frame(p, &mk);
		if (!fm.mapping_ids[0] || !missed_user || !missed_kernel)
			goto out;
	}
	if (r->off_cpu && off_cpu_markers(r, p, markers, &short_id, &early_id))
		goto out;
	for (i = 0; i < r->nr_stacks; i++) {
		const struct rstack *s = &r->stacks[i];
		const uint64_t *k = s->key;
		size_t nu = k[3] >> 32, nk = k[3] & 0xffff, d = 0, j;
		const uint64_t *pw = k + HDR + 2 * nu + nk;
		size_t np = k[3] & RS_PYTHON ? pw[0] >> 32 : 0, d0, n;
		uint64_t cut = nu;
		bool merge;
		double vals[3] = { s->count, s->count * p->period, 0 };
		struct pf_labels l = {
			.pid = k[0] >> 32, .tid = (uint32_t)k[0],
			.comm = r->names.strs[(k[1] >> 32) - 1],
			.process = r->names.strs[(uint32_t)k[1] - 1],
			.runtime = np ? "python" : NULL,
		};

		if (k[3] & RS_OFFCPU) {
			vals[1] = 0;
			vals[2] = s->off_ns;
		}
		if (k[3] & RS_OFF_SHORT)
			stack[d++] = short_id;
		if (k[3] & RS_OFF_EARLY)
			stack[d++] = early_id;
		if (r->origins)
			origins__labels(r->origins, k[2], l.pid, &l);
		if (k[3] & RS_USER_MISSING)
			stack[d++] = missed_user;
		if (np)
			cut = (uint32_t)pw[0];
		merge = np && cut == PY_MERGE;
		if (merge)
			cut = nu;
		/* fp mode: Python frames at the root, outermost first. */
		for (j = 0; j < np && !merge; j++) {
			uint64_t span;
			uint32_t id = frame_id(r, sym, p, &fm,
					       pw[1 + j] & ~PY_WORD_ENTRY,
					       RMAP_PYTHON, false, &span);

			if (!id)
				goto out;
			stack[d++] = id;
		}
		/* Root first: the BPF stacks are leaf first. */
		d0 = d;
		for (j = nu; j-- > 0;) {
			uint64_t addr = k[HDR + 2 * j], rm = k[HDR + 2 * j + 1];
			uint64_t span, in;
			uint32_t id;
			const struct pf_frame *f;

			/* Native frames under the Python ones (see handle()). */
			if (np && j > cut)
				continue;
			id = frame_id(r, sym, p, &fm, addr, rm,
				      j == 0 && nk == 0, &span);
			if (!id)
				goto out;
			f = profile__frame_get(p, id);
			if (np && !merge && j == cut &&
			    (j > 0 || python__is_eval(f->name)))
				continue;
			count_frame(r, rm ? r->rmaps[rm - 1].mod : 0,
				    !(f->flags & PF_FRAME_UNRESOLVED), s->count);
			if (r->jit && rm && jit_syms__is_jit_module(
				proc_maps__module(r->pm, r->rmaps[rm - 1].mod)))
				jit_syms__account(r->jit, l.pid,
					!(f->flags & PF_FRAME_UNRESOLVED),
					s->count);
			stack[d++] = id;
			/* inlined frames, while room is left for the rest */
			for (in = 0; in < (span & 0xff) &&
			     d + j + nk + 2 * SAMPLER_MAX_STACK +
			     PY_MAX_FRAMES + 8 < STACK_ROOM; in++)
				stack[d++] = fm.inl_ids[(span >> 8) + in];
		}
		if (merge) {
			n = py_merge(r, sym, p, &fm, stack + d0, d - d0, pw + 1,
				     np, merged);
			if (!n)
				goto out;
			memcpy(stack + d0, merged, n * sizeof(*stack));
			d = d0 + n;
		}
		for (j = nk; j-- > 0;) {
			uint64_t span;
			uint32_t id = frame_id(r, sym, p, &fm,
					       k[HDR + 2 * nu + j], ~0ULL,
					       j == 0, &span);

			if (!id)
				goto out;
			stack[d++] = id;
		}
		if (k[3] & RS_KERNEL_MISSING)
			stack[d++] = missed_kernel;
		if (k[3] & RS_OFFCPU)
			stack[d++] = markers[(k[3] >> RS_OFF_STATE_SHIFT) & 3];
		if ((k[3] & RS_WAKER) &&
		    waker_frames(r, sym, p, &fm,
				 pw + (np ? np + 1 : 0), stack, &d))
			goto out;
		if (profile__add(p, stack, d, &l, vals))
			goto out;
	}
	p->time_nanos = 0;
	if (r->last_ts > r->first_ts)
		p->duration_nanos = r->last_ts - r->first_ts;
	err = 0;
out:
	hashmap__release(&fm.idx);
	free(fm.keys);
	free(fm.ids);
	free(fm.spans);
	free(fm.inl_ids);
	free(fm.mapping_ids);
	free(stack);
	free(merged);
	if (err) {
		profile__free(p);
		errno = -err;
		return NULL;
	}
	return p;
}

void recorder__print_unresolved(const struct recorder *r, FILE *f,
				double min_share)
{
	size_t i;

	for (i = 0; i < r->nr_modstats; i++) {
		const struct modstat *m = &r->modstats[i];
		struct pm_module *mod = proc_maps__module(r->pm, i);
		double share;
		const char *hint;

		if (!m->frames || !m->unresolved)
			continue;
		share = 100.0 * m->unresolved / m->frames;
		if (share < min_share)
			continue;
		if (!mod && r->stats.dwarf_samples)
			hint = "addresses outside every known mapping";
		else if (!mod)
			hint = "frame-pointer walks through code built without "
			       "frame pointers: try --call-graph dwarf";
		else if (mod->special)
			hint = "anonymous or JIT code without a symbol map";
		else if (!symbolizer__module_has_symbols(mod))
			hint = "no symbols: install its debug symbols "
			       "(e.g. the -dbg or -dbgsym package)";
		else
			hint = "addresses between symbols: stripped local "
			       "functions, install debug symbols";
		fprintf(f, "  %s: %.1f%% of %.0f frames unsymbolized (%s)\n",
			mod ? mod->path : "[unknown]", share, m->frames, hint);
	}
	if (r->jit)
		jit_syms__print_summary(r->jit, f);
}
