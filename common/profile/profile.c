// SPDX-License-Identifier: GPL-2.0
/*
 * The in-memory profile (see profile.h): interning of frames, mappings and
 * samples, merging of profiles.  No I/O here: readers and writers live in
 * folded.c and pprof.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "profile/profile.h"

struct profile *profile__new(void)
{
	struct profile *p = calloc(1, sizeof(*p));
	struct pf_value_type t;

	if (!p)
		return NULL;
	strpool__init(&p->strings);
	hashmap__init(&p->frame_idx);
	hashmap__init(&p->mapping_idx);
	hashmap__init(&p->sample_idx);
	t.type = profile__intern(p, "samples");
	t.unit = profile__intern(p, "count");
	if (!t.type || !t.unit || profile__set_types(p, &t, 1)) {
		profile__free(p);
		return NULL;
	}
	return p;
}

void profile__free(struct profile *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr_samples; i++) {
		free(p->samples[i].frames);
		free(p->samples[i].values);
	}
	free(p->samples);
	free(p->frames);
	free(p->mappings);
	free(p->types);
	free(p->comments);
	hashmap__release(&p->frame_idx);
	hashmap__release(&p->mapping_idx);
	hashmap__release(&p->sample_idx);
	strpool__release(&p->strings);
	free(p);
}

const char *profile__intern(struct profile *p, const char *s)
{
	return strpool__intern(&p->strings, s);
}

int profile__set_types(struct profile *p, const struct pf_value_type *types,
		       size_t nr)
{
	struct pf_value_type *t;
	size_t i;

	if (p->nr_samples || !nr)
		return -EINVAL;
	t = calloc(nr, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		t[i].type = profile__intern(p, types[i].type);
		t[i].unit = profile__intern(p, types[i].unit);
	}
	free(p->types);
	p->types = t;
	p->nr_types = nr;
	p->default_type = 0;
	return 0;
}

int profile__add_type(struct profile *p, const char *type, const char *unit)
{
	struct pf_value_type *t;
	size_t i;

	t = realloc(p->types, (p->nr_types + 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	p->types = t;
	for (i = 0; i < p->nr_samples; i++) {
		double *v = realloc(p->samples[i].values,
				    (p->nr_types + 1) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		v[p->nr_types] = 0;
		p->samples[i].values = v;
	}
	t[p->nr_types].type = profile__intern(p, type);
	t[p->nr_types].unit = profile__intern(p, unit);
	if (!t[p->nr_types].type || !t[p->nr_types].unit)
		return -ENOMEM;
	return (int)p->nr_types++;
}

int profile__find_type(const struct profile *p, const char *type)
{
	size_t i;

	for (i = 0; i < p->nr_types; i++)
		if (!strcmp(p->types[i].type, type))
			return (int)i;
	return -1;
}

int profile__add_comment(struct profile *p, const char *text)
{
	const char **c = realloc(p->comments,
				 (p->nr_comments + 1) * sizeof(*c));

	if (!c)
		return -ENOMEM;
	p->comments = c;
	c[p->nr_comments] = profile__intern(p, text);
	if (!c[p->nr_comments])
		return -ENOMEM;
	p->nr_comments++;
	return 0;
}

static bool frame_eq(uint32_t id, const void *key, void *ctx)
{
	const struct pf_frame *a = &((struct profile *)ctx)->frames[id - 1];
	const struct pf_frame *b = key;

	return a->name == b->name && a->system_name == b->system_name &&
	       a->module == b->module && a->addr == b->addr &&
	       a->mapping == b->mapping && a->kind == b->kind &&
	       a->flags == b->flags && a->file == b->file &&
	       a->start_line == b->start_line && a->line == b->line;
}

uint32_t profile__frame(struct profile *p, const struct pf_frame *f)
{
	struct pf_frame k = *f;
	uint64_t h;
	uint32_t id;

	k.name = profile__intern(p, f->name ? f->name : "[unknown]");
	k.system_name = profile__intern(p, f->system_name);
	k.module = profile__intern(p, f->module);
	k.file = profile__intern(p, f->file);
	if (!k.name || (f->file && !k.file))
		return 0;
	h = hash__u64((uintptr_t)k.name, k.addr);
	h = hash__u64((uintptr_t)k.module ^ ((uint64_t)k.kind << 56) ^
		      ((uint64_t)k.flags << 48) ^ k.mapping, h);
	h = hash__u64((uintptr_t)k.system_name, h);
	h = hash__u64((uintptr_t)k.file ^ ((uint64_t)k.line << 32), h);
	id = hashmap__find(&p->frame_idx, h, frame_eq, &k, p);
	if (id)
		return id;
	if (array__grow((void **)&p->frames, &p->frames_cap, p->nr_frames + 1,
		    sizeof(*p->frames)))
		return 0;
	p->frames[p->nr_frames++] = k;
	if (hashmap__insert(&p->frame_idx, h, p->nr_frames)) {
		p->nr_frames--;
		return 0;
	}
	return p->nr_frames;
}

static bool mapping_eq(uint32_t id, const void *key, void *ctx)
{
	const struct pf_mapping *a = &((struct profile *)ctx)->mappings[id - 1];
	const struct pf_mapping *b = key;

	return a->start == b->start && a->limit == b->limit &&
	       a->offset == b->offset && a->file == b->file &&
	       a->build_id == b->build_id;
}

uint32_t profile__mapping(struct profile *p, const struct pf_mapping *m)
{
	struct pf_mapping k = *m;
	uint64_t h;
	uint32_t id;

	k.file = profile__intern(p, m->file ? m->file : "");
	k.build_id = profile__intern(p, m->build_id);
	if (!k.file)
		return 0;
	h = hash__u64(k.start, k.limit);
	h = hash__u64(k.offset ^ (uintptr_t)k.file, h);
	h = hash__u64((uintptr_t)k.build_id, h);
	id = hashmap__find(&p->mapping_idx, h, mapping_eq, &k, p);
	if (id)
		return id;
	if (array__grow((void **)&p->mappings, &p->mappings_cap,
			p->nr_mappings + 1,
		    sizeof(*p->mappings)))
		return 0;
	p->mappings[p->nr_mappings++] = k;
	if (hashmap__insert(&p->mapping_idx, h, p->nr_mappings)) {
		p->nr_mappings--;
		return 0;
	}
	return p->nr_mappings;
}

struct sample_key {
	const uint32_t *frames;
	size_t depth;
	struct pf_labels labels;
};

static bool labels_eq(const struct pf_labels *a, const struct pf_labels *b)
{
	return a->pid == b->pid && a->tid == b->tid && a->comm == b->comm &&
	       a->process == b->process && a->cgroup == b->cgroup &&
	       a->ns_pid == b->ns_pid && a->runtime == b->runtime &&
	       !memcmp(a->origin, b->origin, sizeof(a->origin));
}

const char *pf_origin__key(enum pf_origin o)
{
	static const char *const keys[PF_NR_ORIGIN] = {
		[PF_CONTAINER_ID] = "container_id",
		[PF_CONTAINER_NAME] = "container_name",
		[PF_SERVICE_NAME] = "service_name",
		[PF_COMPOSE_PROJECT] = "compose_project",
		[PF_POD_UID] = "pod_uid",
		[PF_POD_QOS] = "pod_qos",
		[PF_SYSTEMD_UNIT] = "systemd_unit",
	};

	return o < PF_NR_ORIGIN ? keys[o] : NULL;
}

static bool sample_eq(uint32_t id, const void *key, void *ctx)
{
	const struct pf_sample *s = &((struct profile *)ctx)->samples[id - 1];
	const struct sample_key *k = key;

	return s->depth == k->depth && labels_eq(&s->labels, &k->labels) &&
	       !memcmp(s->frames, k->frames, k->depth * sizeof(*k->frames));
}

/* @frames[0..depth) cut to PROFILE_MAX_DEPTH into @out; 0 or -ENOMEM. */
static int cut_stack(struct profile *p, const uint32_t *frames, size_t depth,
		     uint32_t *out)
{
	struct pf_frame mark = { .name = PROFILE_CUT_FRAME };
	size_t leaf = PROFILE_MAX_DEPTH - PROFILE_KEEP_ROOT - 1;

	memcpy(out, frames, PROFILE_KEEP_ROOT * sizeof(*out));
	out[PROFILE_KEEP_ROOT] = profile__frame(p, &mark);
	if (!out[PROFILE_KEEP_ROOT])
		return -ENOMEM;
	memcpy(out + PROFILE_KEEP_ROOT + 1, frames + depth - leaf,
	       leaf * sizeof(*out));
	p->cut_stacks++;
	return 0;
}

int profile__add(struct profile *p, const uint32_t *frames, size_t depth,
		 const struct pf_labels *labels, const double *values)
{
	struct sample_key k = { frames, depth, { 0 } };
	uint32_t cut[PROFILE_MAX_DEPTH];
	struct pf_sample *s;
	uint64_t h;
	uint32_t id;
	size_t i;

	if (depth > PROFILE_MAX_DEPTH) {
		if (cut_stack(p, frames, depth, cut))
			return -ENOMEM;
		frames = k.frames = cut;
		depth = k.depth = PROFILE_MAX_DEPTH;
	}

	if (labels) {
		k.labels = *labels;
		k.labels.comm = profile__intern(p, labels->comm);
		k.labels.process = profile__intern(p, labels->process);
		k.labels.cgroup = profile__intern(p, labels->cgroup);
		for (i = 0; i < PF_NR_ORIGIN; i++)
			k.labels.origin[i] = profile__intern(p,
							     labels->origin[i]);
		k.labels.runtime = profile__intern(p, labels->runtime);
	}
	h = hash__bytes(frames, depth * sizeof(*frames), 0);
	h = hash__u64(((uint64_t)(uint32_t)k.labels.pid << 32) |
		      (uint32_t)k.labels.tid, h);
	h = hash__u64((uintptr_t)k.labels.comm ^
		      ((uintptr_t)k.labels.process << 1) ^
		      ((uintptr_t)k.labels.cgroup << 2) ^
		      ((uintptr_t)k.labels.origin[PF_CONTAINER_ID] << 3) ^
		      ((uintptr_t)k.labels.origin[PF_SYSTEMD_UNIT] << 4) ^
		      ((uintptr_t)k.labels.runtime << 5), h);
	id = hashmap__find(&p->sample_idx, h, sample_eq, &k, p);
	if (id) {
		s = &p->samples[id - 1];
		for (i = 0; i < p->nr_types; i++)
			s->values[i] += values[i];
		return 0;
	}
	if (array__grow((void **)&p->samples, &p->samples_cap,
			p->nr_samples + 1,
		    sizeof(*p->samples)))
		return -ENOMEM;
	s = &p->samples[p->nr_samples];
	s->frames = malloc((depth ? depth : 1) * sizeof(*frames));
	s->values = malloc(p->nr_types * sizeof(*values));
	if (!s->frames || !s->values) {
		free(s->frames);
		free(s->values);
		return -ENOMEM;
	}
	memcpy(s->frames, frames, depth * sizeof(*frames));
	memcpy(s->values, values, p->nr_types * sizeof(*values));
	s->depth = depth;
	s->labels = k.labels;
	p->nr_samples++;
	if (hashmap__insert(&p->sample_idx, h, p->nr_samples)) {
		p->nr_samples--;
		free(s->frames);
		free(s->values);
		return -ENOMEM;
	}
	return 0;
}

static uint32_t copy_frame(struct profile *dst, const struct profile *src,
			   uint32_t id, uint32_t *mapping_ids)
{
	struct pf_frame f = *profile__frame_get(src, id);

	if (f.mapping) {
		if (!mapping_ids[f.mapping - 1])
			mapping_ids[f.mapping - 1] = profile__mapping(
				dst, &src->mappings[f.mapping - 1]);
		f.mapping = mapping_ids[f.mapping - 1];
		if (!f.mapping)
			return 0;
	}
	return profile__frame(dst, &f);
}

int profile__merge(struct profile *dst, const struct profile *src)
{
	uint32_t *frame_ids = NULL, *mapping_ids = NULL, *stack = NULL;
	int *type_map = NULL, err = -ENOMEM;
	double *vals = NULL;
	size_t i, j, max_depth = 1;

	if (!dst->nr_samples && !dst->time_nanos) {
		/* First input: adopt its types and metadata. */
		if (src->nr_types && profile__set_types(dst, src->types,
							src->nr_types))
			return -ENOMEM;
		dst->default_type = src->default_type;
		dst->period_type.type = profile__intern(dst,
							src->period_type.type);
		dst->period_type.unit = profile__intern(dst,
							src->period_type.unit);
		dst->period = src->period;
		dst->time_nanos = src->time_nanos;
		dst->main_file = profile__intern(dst, src->main_file);
		dst->duration_nanos = src->duration_nanos;
		for (i = 0; i < src->nr_comments; i++)
			if (profile__add_comment(dst, src->comments[i]))
				return -ENOMEM;
	} else if (src->time_nanos) {
		int64_t end = dst->time_nanos + dst->duration_nanos;
		int64_t send = src->time_nanos + src->duration_nanos;

		if (!dst->time_nanos || src->time_nanos < dst->time_nanos)
			dst->time_nanos = src->time_nanos;
		dst->duration_nanos = (send > end ? send : end) -
				      dst->time_nanos;
	}
	frame_ids = calloc(src->nr_frames + 1, sizeof(*frame_ids));
	mapping_ids = calloc(src->nr_mappings + 1, sizeof(*mapping_ids));
	type_map = calloc(dst->nr_types, sizeof(*type_map));
	vals = calloc(dst->nr_types, sizeof(*vals));
	for (i = 0; i < src->nr_samples; i++)
		if (src->samples[i].depth > max_depth)
			max_depth = src->samples[i].depth;
	stack = calloc(max_depth, sizeof(*stack));
	if (!frame_ids || !mapping_ids || !type_map || !vals || !stack)
		goto out;
	for (j = 0; j < dst->nr_types; j++)
		type_map[j] = profile__find_type(src, dst->types[j].type);
	for (i = 0; i < src->nr_samples; i++) {
		const struct pf_sample *s = &src->samples[i];

		for (j = 0; j < s->depth; j++) {
			uint32_t id = s->frames[j];

			if (!frame_ids[id])
				frame_ids[id] = copy_frame(dst, src, id,
							   mapping_ids);
			if (!frame_ids[id])
				goto out;
			stack[j] = frame_ids[id];
		}
		for (j = 0; j < dst->nr_types; j++)
			vals[j] = type_map[j] < 0 ? 0 : s->values[type_map[j]];
		if (profile__add(dst, stack, s->depth, &s->labels, vals))
			goto out;
	}
	dst->cut_stacks += src->cut_stacks;
	err = 0;
out:
	free(frame_ids);
	free(mapping_ids);
	free(type_map);
	free(vals);
	free(stack);
	return err;
}

double profile__total(const struct profile *p)
{
	double t = 0;
	size_t i;

	for (i = 0; i < p->nr_samples; i++)
		t += p->samples[i].values[p->default_type];
	return t;
}

int pf_kind__from_suffix(const char *name, size_t len)
{
	int k;

	if (len <= 4)
		return -1;
	for (k = PF_USER + 1; k < PF_NR_KINDS; k++)
		if (!memcmp(name + len - 4, pf_kind__suffix(k), 4))
			return k;
	return -1;
}

const char *pf_kind__suffix(uint8_t kind)
{
	static const char *const suffix[PF_NR_KINDS] = {
		[PF_USER] = "", [PF_KERNEL] = "_[k]", [PF_JIT] = "_[j]",
		[PF_INLINE] = "_[i]", [PF_WAKER] = "_[w]",
	};

	return kind < PF_NR_KINDS ? suffix[kind] : "";
}
