// SPDX-License-Identifier: GPL-2.0
/*
 * Wall-clock views of off-CPU recordings; see wallclock.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "bpf/offcpu.h"
#include "profile/wallclock.h"

static const char *const state_names[OFF_NR_STATES] = {
	[OFF_SLEEPING] = "sleeping", [OFF_DISK] = "disk",
	[OFF_RUNNABLE] = "runnable",
};

const char *off_state__name(unsigned int state)
{
	return state < OFF_NR_STATES ? state_names[state] : "unknown";
}

const char *wallclock__type_name(const char *name)
{
	return name && !strcmp(name, "off-cpu") ? "off_cpu" : name;
}

/*
 * enum off_state of a sample whose leaf is a marker frame (below the
 * waker's frames, if any), else -1.
 */
static int leaf_state(const struct profile *p, const struct pf_sample *s)
{
	const char *name;
	size_t n = strlen(WALLCLOCK_MARKER), d = s->depth;
	int i;

	while (d && profile__frame_get(p, s->frames[d - 1])->kind == PF_WAKER)
		d--;
	if (!d)
		return -1;
	name = profile__frame_get(p, s->frames[d - 1])->name;
	if (strncmp(name, WALLCLOCK_MARKER, n))
		return -1;
	for (i = 0; i < OFF_NR_STATES; i++) {
		size_t l = strlen(state_names[i]);

		if (!strncmp(name + n, state_names[i], l) &&
		    !strcmp(name + n + l, "]"))
			return i;
	}
	return -1;
}

/* Adds @type (unit @unit) if missing; its index or -ENOMEM. */
static int need_type(struct profile *p, const char *type, const char *unit,
		     bool *added)
{
	int t = profile__find_type(p, type);

	*added = t < 0;
	return t >= 0 ? t : profile__add_type(p, type, unit);
}

int wallclock__add_views(struct profile *p)
{
	int cpu, off, wall, src = (int)p->default_type;
	bool from_folded, added_cpu, added_off, added_wall;
	const char *unit;
	size_t i;

	from_folded = profile__find_type(p, "off_cpu") < 0;
	if (from_folded) {
		/* A folded wall-clock file: its off-CPU stacks say so. */
		for (i = 0; i < p->nr_samples; i++)
			if (leaf_state(p, &p->samples[i]) >= 0)
				break;
		if (i == p->nr_samples)
			return 0;
	}
	unit = from_folded ? "microseconds" : "nanoseconds";
	cpu = need_type(p, "cpu", unit, &added_cpu);
	if (cpu < 0)
		return cpu;
	off = need_type(p, "off_cpu", unit, &added_off);
	if (off < 0)
		return off;
	wall = need_type(p, "wall", unit, &added_wall);
	if (wall < 0)
		return wall;
	for (i = 0; i < p->nr_samples; i++) {
		double *v = p->samples[i].values;

		if (from_folded) {
			bool is_off = leaf_state(p, &p->samples[i]) >= 0;

			if (added_cpu)
				v[cpu] = is_off ? 0 : v[src];
			if (added_off)
				v[off] = is_off ? v[src] : 0;
			if (added_wall)
				v[wall] = v[src];
		} else if (added_wall) {
			v[wall] = v[cpu] + v[off];
		}
	}
	return 1;
}

int wallclock__select(struct profile *p, const char *sample_type, char *err,
		      size_t errlen)
{
	int views = wallclock__add_views(p), t;

	if (views < 0) {
		snprintf(err, errlen, "out of memory");
		return views;
	}
	if (!sample_type && !views)
		return 0;
	t = profile__find_type(p, sample_type ?
			       wallclock__type_name(sample_type) : "wall");
	if (t < 0) {
		snprintf(err, errlen, "no sample type '%s' in the input",
			 sample_type);
		return -EINVAL;
	}
	p->default_type = t;
	return 0;
}

int wallclock__folded_view(struct profile *p)
{
	int cpu = profile__find_type(p, "cpu");
	int off = profile__find_type(p, "off_cpu");
	int wall;
	size_t i;

	if (cpu < 0 || off < 0)
		return -EINVAL;
	wall = profile__add_type(p, "wall", "microseconds");
	if (wall < 0)
		return wall;
	for (i = 0; i < p->nr_samples; i++) {
		double *v = p->samples[i].values;

		v[wall] = round((v[cpu] + v[off]) / 1e3);
	}
	p->default_type = wall;
	return 0;
}

static int cmp_wall(const void *a, const void *b)
{
	const struct wallclock_thread *x = a, *y = b;

	if (x->wall != y->wall)
		return x->wall < y->wall ? 1 : -1;
	return x->tid - y->tid;
}

int wallclock__threads(const struct profile *p, struct wallclock_thread **rows,
		       size_t *nr, const char **unit)
{
	int cpu = profile__find_type(p, "cpu");
	int off = profile__find_type(p, "off_cpu");
	struct wallclock_thread *t = NULL;
	size_t i, j, n = 0;

	*rows = NULL;
	*nr = 0;
	if (cpu < 0 || off < 0)
		return -EINVAL;
	*unit = p->types[cpu].unit;
	for (i = 0; i < p->nr_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		int st = leaf_state(p, s);

		for (j = 0; j < n; j++)
			if (t[j].pid == s->labels.pid &&
			    t[j].tid == s->labels.tid &&
			    t[j].comm == s->labels.comm)
				break;
		if (j == n) {
			struct wallclock_thread *g;

			g = realloc(t, (n + 1) * sizeof(*t));
			if (!g) {
				free(t);
				return -ENOMEM;
			}
			t = g;
			memset(&t[n], 0, sizeof(t[n]));
			t[n].pid = s->labels.pid;
			t[n].tid = s->labels.tid;
			t[n].comm = s->labels.comm;
			n++;
		}
		t[j].cpu += s->values[cpu];
		if (st >= 0)
			t[j].off[st] += s->values[off];
		t[j].wall += s->values[cpu] + s->values[off];
	}
	if (n)
		qsort(t, n, sizeof(*t), cmp_wall);
	*rows = t;
	*nr = n;
	return 0;
}
