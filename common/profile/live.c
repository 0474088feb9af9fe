// SPDX-License-Identifier: GPL-2.0
/*
 * A live view's data (see live.h).  The window is itself a profile whose
 * frames are functions (no address, no mapping: a function is one frame
 * whatever instruction was sampled) and whose samples are per process, not
 * per thread; each push multiplies it by the decay and adds the new
 * interval, dropping what decayed below a hundredth of a sample, so it
 * holds what ran lately and never grows past it.  Views and caller trees
 * are profiles derived from the window, ranked by report.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "profile/live.h"

#define LIVE_MIN_WEIGHT	0.01

struct live {
	struct profile *win;
	double keep;
};

/* What to keep of a stack while copying it. */
struct copy_opts {
	double scale;
	size_t type;			/* source value */
	bool kernel;			/* keep kernel frames */
	int32_t pid;			/* only this process, 0: any */
	const char *container;		/* only this container ("[host]":
					 * none), NULL: any */
	/* Cut at the leaf-most frame equal to this one (callers trees),
	 * dropping stacks without it; NULL: whole stacks. */
	const struct live_row *cut;
};

struct live *live__new(double keep)
{
	struct live *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->win = profile__new();
	if (!l->win) {
		free(l);
		return NULL;
	}
	l->keep = keep > 0 && keep <= 1 ? keep : 1;
	return l;
}

void live__free(struct live *l)
{
	if (!l)
		return;
	profile__free(l->win);
	free(l);
}

/* @src's frame @id as a function frame of @dst (cached in @map); 0: ENOMEM */
static uint32_t copy_frame(struct profile *dst, const struct profile *src,
			   uint32_t id, uint32_t *map)
{
	const struct pf_frame *f = profile__frame_get(src, id);
	struct pf_frame k = {
		.name = f->name, .kind = f->kind,
		.flags = f->flags & PF_FRAME_UNRESOLVED,
		.module = report__frame_dso(src, f),
	};

	if (!map[id - 1])
		map[id - 1] = profile__frame(dst, &k);
	return map[id - 1];
}

static bool frame_is(const struct profile *p, uint32_t id,
		     const struct live_row *row)
{
	const struct pf_frame *f = profile__frame_get(p, id);

	return f->kind == row->kind && !strcmp(f->name, row->sym) &&
	       !strcmp(report__frame_dso(p, f), row->dso);
}

static int copy_samples(struct profile *dst, const struct profile *src,
			const struct copy_opts *o)
{
	/* A user kind: kernel frames are what is hidden (no "_[k]"). */
	static const struct pf_frame kernel_only = {
		.name = "[kernel]", .module = "[kernel.kallsyms]",
	};
	uint32_t *map = NULL, *stack = NULL, kid = 0;
	size_t i, j, cap = 0;
	int err = -ENOMEM;

	if (!src->nr_samples)
		return 0;
	map = calloc(src->nr_frames + 1, sizeof(*map));
	if (!map)
		return -ENOMEM;
	for (i = 0; i < src->nr_samples; i++) {
		const struct pf_sample *s = &src->samples[i];
		struct pf_labels lb = { .pid = s->labels.pid };
		double v = s->values[o->type] * o->scale;
		size_t depth = 0, end = s->depth;

		if (v < LIVE_MIN_WEIGHT || (o->pid && s->labels.pid != o->pid) ||
		    (o->container &&
		     strcmp(report__sample_container(s), o->container)))
			continue;
		if (o->cut) {
			while (end && !frame_is(src, s->frames[end - 1], o->cut))
				end--;
			if (!end)
				continue;
		}
		if (array__grow((void **)&stack, &cap, end + 1, sizeof(*stack)))
			goto out;
		for (j = 0; j < end; j++) {
			uint32_t id = s->frames[j];

			if (!o->kernel && (o->cut ? j + 1 < end : true) &&
			    profile__frame_get(src, id)->kind == PF_KERNEL)
				continue;
			id = copy_frame(dst, src, id, map);
			if (!id)
				goto out;
			stack[depth++] = id;
		}
		if (!depth) {
			if (!kid)
				kid = profile__frame(dst, &kernel_only);
			if (!kid)
				goto out;
			stack[depth++] = kid;
		}
		lb.process = s->labels.process ? s->labels.process :
			     s->labels.comm;
		lb.comm = lb.process;
		lb.origin[PF_CONTAINER_NAME] =
			s->labels.origin[PF_CONTAINER_NAME];
		if (profile__add(dst, stack, depth, &lb, &v))
			goto out;
	}
	err = 0;
out:
	free(stack);
	free(map);
	return err;
}

static size_t count_type(const struct profile *p)
{
	int t = profile__find_type(p, "samples");

	return t >= 0 ? (size_t)t : p->default_type;
}

int live__push(struct live *l, const struct profile *interval)
{
	struct copy_opts o = { .scale = l->keep, .kernel = true };
	struct profile *w = profile__new();
	int err = -ENOMEM;

	if (!w)
		return -ENOMEM;
	if (copy_samples(w, l->win, &o))
		goto fail;
	o.scale = 1;
	o.type = count_type(interval);
	if (copy_samples(w, interval, &o))
		goto fail;
	profile__free(l->win);
	l->win = w;
	return 0;
fail:
	profile__free(w);
	return err;
}

double live__weight(const struct live *l)
{
	return profile__total(l->win);
}

/* Weight of the samples of @p whose leaf frame is unresolved. */
static double unresolved_weight(const struct profile *p, size_t type)
{
	double w = 0;
	size_t i;

	for (i = 0; i < p->nr_samples; i++) {
		const struct pf_sample *s = &p->samples[i];

		if (s->depth && profile__frame_get(p, s->frames[s->depth - 1])
				->flags & PF_FRAME_UNRESOLVED)
			w += s->values[type];
	}
	return w;
}

double live__unresolved(const struct live *l)
{
	double total = profile__total(l->win);

	return total > 0 ? 100 * unresolved_weight(l->win, 0) / total : 0;
}

static bool row_matches(const struct report_row *r, const regex_t *re)
{
	return !regexec(re, r->id.sym, 0, NULL, 0) ||
	       (r->id.dso && !regexec(re, r->id.dso, 0, NULL, 0)) ||
	       (r->id.comm && !regexec(re, r->id.comm, 0, NULL, 0));
}

struct row_key {
	const char *sym, *dso;	/* interned in the view's profile */
	uint8_t kind;
};

static uint64_t row_key__hash(const struct row_key *k)
{
	return hash__u64((uintptr_t)k->sym ^ ((uint64_t)k->kind << 56),
			 (uintptr_t)k->dso);
}

static bool row_eq(uint32_t id, const void *key, void *ctx)
{
	const struct live_row *r = &((const struct live_row *)ctx)[id - 1];
	const struct row_key *k = key;

	/* Strings of one profile are interned: equal means same. */
	return r->sym == k->sym && r->dso == k->dso && r->kind == k->kind;
}

/*
 * Each row's busiest process among @by_proc's rows (function, module,
 * process), and how many: one pass over both, through an index of rows.
 */
static int fill_processes(struct live_view *v, const struct report *by_proc)
{
	struct hashmap idx;
	size_t i;
	int err = 0;

	hashmap__init(&idx);
	for (i = 0; i < v->nr_rows && !err; i++) {
		struct row_key k = { v->rows[i].sym, v->rows[i].dso,
				     v->rows[i].kind };

		err = hashmap__insert(&idx, row_key__hash(&k), i + 1);
	}
	for (i = 0; i < by_proc->nr_rows && !err; i++) {
		const struct report_row *r = &by_proc->rows[i];
		struct row_key k = { r->id.sym, r->id.dso, r->id.kind };
		uint32_t id = hashmap__find(&idx, row_key__hash(&k), row_eq,
					    &k, v->rows);
		struct live_row *row;

		if (!id)
			continue;	/* filtered out */
		row = &v->rows[id - 1];
		if (!row->nr_procs++ || r->total > row->best) {
			row->best = r->total;
			row->process = r->id.comm;
			row->pid = r->id.pid;
		}
	}
	hashmap__release(&idx);
	return err;
}

const char live__columns[] =
	" SELF%  TOTAL%  PROCESS                  MODULE               FUNCTION";
const char live__columns_container[] =
	" SELF%  TOTAL%  CONTAINER                MODULE               FUNCTION";

static bool by_container(const struct live_view_opts *o)
{
	return o->per_container && !o->per_process;
}

const char *live__columns_of(const struct live_view_opts *o)
{
	return by_container(o) ? live__columns_container : live__columns;
}

void live_row__format(const struct live_row *r, char *buf, size_t len)
{
	const char *mod = r->dso ? strrchr(r->dso, '/') : NULL;
	char proc[64];

	if (!r->process)
		snprintf(proc, sizeof(proc), "-");
	else if (!r->pid)
		snprintf(proc, sizeof(proc), "%s", r->process);
	else if (r->nr_procs > 1)
		snprintf(proc, sizeof(proc), "%s[%d] +%zu", r->process, r->pid,
			 r->nr_procs - 1);
	else
		snprintf(proc, sizeof(proc), "%s[%d]", r->process, r->pid);
	snprintf(buf, len, "%6.1f %7.1f  %-24s %-20s %s%s", r->self, r->total,
		 proc, mod ? mod + 1 : r->dso ? r->dso : "", r->sym,
		 pf_kind__suffix(r->kind));
}

struct live_view *live__view(struct live *l, const struct live_view_opts *o)
{
	struct copy_opts co = { .scale = 1, .kernel = o->kernel };
	struct report_keys keys = { { REPORT_KEY_SYM, REPORT_KEY_DSO,
				      REPORT_KEY_COMM, REPORT_KEY_PID }, 4 };
	struct report *by_proc = NULL;
	struct live_view *v = calloc(1, sizeof(*v));
	size_t i;
	int err = ENOMEM;

	if (!v)
		return NULL;
	v->p = profile__new();
	if (!v->p || copy_samples(v->p, l->win, &co))
		goto fail;
	v->total = profile__total(v->p);
	v->unresolved = v->total > 0 ?
			100 * unresolved_weight(v->p, 0) / v->total : 0;
	if (by_container(o)) {
		keys.k[2] = REPORT_KEY_CONTAINER;
		keys.nr = 3;
	} else if (!o->per_process) {
		by_proc = report__rank(v->p, 0, &keys);
		if (!by_proc)
			goto fail_errno;
		keys.nr = 2;
	}
	v->rank = report__rank(v->p, 0, &keys);
	if (!v->rank)
		goto fail_errno;
	report__sort(v->rank, o->by_total);
	v->rows = calloc(v->rank->nr_rows + 1, sizeof(*v->rows));
	if (!v->rows)
		goto fail;
	for (i = 0; i < v->rank->nr_rows; i++) {
		const struct report_row *r = &v->rank->rows[i];
		struct live_row *row = &v->rows[v->nr_rows];

		if (o->filter && !row_matches(r, o->filter))
			continue;
		row->sym = r->id.sym;
		row->kind = r->id.kind;
		row->dso = r->id.dso;
		row->self = v->total > 0 ? 100 * r->self / v->total : 0;
		row->total = v->total > 0 ? 100 * r->total / v->total : 0;
		if (by_container(o)) {
			row->process = r->id.container;
			row->nr_procs = 1;
		} else if (o->per_process) {
			row->process = r->id.comm;
			row->pid = r->id.pid;
			row->nr_procs = 1;
		}
		v->nr_rows++;
	}
	if (by_proc && fill_processes(v, by_proc))
		goto fail;
	report__free(by_proc);
	return v;
fail_errno:
	err = errno;
fail:
	report__free(by_proc);
	live_view__free(v);
	errno = err;
	return NULL;
}

void live_view__free(struct live_view *v)
{
	if (!v)
		return;
	free(v->rows);
	report__free(v->rank);
	profile__free(v->p);
	free(v);
}

struct live_callers *live__callers(struct live *l,
				   const struct live_view_opts *o,
				   const struct live_row *row)
{
	struct copy_opts co = {
		.scale = 1, .kernel = o->kernel, .cut = row,
		.pid = o->per_process ? row->pid : 0,
		.container = by_container(o) ? row->process : NULL,
	};
	struct live_callers *c = calloc(1, sizeof(*c));
	int err = ENOMEM;

	if (!c)
		return NULL;
	c->p = profile__new();
	if (!c->p || copy_samples(c->p, l->win, &co))
		goto fail;
	c->tree = report__tree(c->p, 0, true);
	if (!c->tree) {
		err = errno;
		goto fail;
	}
	return c;
fail:
	live_callers__free(c);
	errno = err;
	return NULL;
}

void live_callers__free(struct live_callers *c)
{
	if (!c)
		return;
	report_tree__free(c->tree);
	profile__free(c->p);
	free(c);
}
