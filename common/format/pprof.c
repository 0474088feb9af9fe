// SPDX-License-Identifier: GPL-2.0
/*
 * pprof writer and reader (see pprof.h for how the profile maps onto the
 * format).  The wire work is protobuf-c's, from the code protoc-c generates
 * out of common/format/profile.proto, and zlib's; this file maps between the
 * generated structures and the in-memory profile, and checks everything a
 * hostile file can get wrong: string indices, ids, value counts, sizes.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <zlib.h>

#include "profile.pb-c.h"
#include "format/pprof.h"
#include "lib/array.h"
#include "lib/strbuf.h"
#include "lib/utf8.h"

typedef Perftools__Profiles__Profile PbProfile;
typedef Perftools__Profiles__ValueType PbValueType;
typedef Perftools__Profiles__Sample PbSample;
typedef Perftools__Profiles__Label PbLabel;
typedef Perftools__Profiles__Mapping PbMapping;
typedef Perftools__Profiles__Location PbLocation;
typedef Perftools__Profiles__Line PbLine;
typedef Perftools__Profiles__Function PbFunction;

#define KERNEL_MAPPING	"[kernel.kallsyms]"

/* Label keys (Google's perf_data_converter uses the same). */
#define LABEL_PID		"pid"
#define LABEL_TID		"tid"
#define LABEL_THREAD		"thread_comm"
#define LABEL_PROCESS		"comm"
#define LABEL_CGROUP		"cgroup"
#define LABEL_NSPID		"container_pid"
#define LABEL_RUNTIME		"runtime"	/* "python" */
/* Labels a sample may carry: the seven above and the origins. */
#define MAX_LABELS		(7 + PF_NR_ORIGIN)

static bool kernel_file(const char *file)
{
	return file && (!strncmp(file, "[kernel", 7) ||
			!strncmp(file, "[vmlinux", 8) ||
			!strncmp(file, "vmlinux", 7));
}

/* A JIT symbol source: /tmp/perf-PID.map or .../jit-PID.dump. */
static bool jit_file(const char *file)
{
	const char *base = file ? strrchr(file, '/') : NULL;
	size_t n;

	base = base ? base + 1 : file;
	n = base ? strlen(base) : 0;
	return (n > 9 && !strncmp(base, "perf-", 5) &&
		!strcmp(base + n - 4, ".map")) ||
	       (n > 9 && !strncmp(base, "jit-", 4) &&
		!strcmp(base + n - 5, ".dump"));
}

/* The kind the reader gives a frame in this mapping (kernel, JIT). */
static uint8_t inferred_kind(const char *mapping_file)
{
	return kernel_file(mapping_file) ? PF_KERNEL :
	       jit_file(mapping_file) ? PF_JIT : PF_USER;
}

/* ---- writer ---------------------------------------------------------- */

struct enc_fn {
	int64_t name, system_name;	/* string indices */
	int64_t filename, start_line;	/* interpreted code (Python) */
};

/* A location: a head frame and the PF_INLINE frames after it, root first. */
struct enc_loc {
	uint32_t first, n;		/* in enc.loc_frames */
};

struct enc {
	const struct profile *p;
	int err;			/* first error, sticky */
	struct strpool strs;		/* the string table, "" first */
	struct strbuf tmp;		/* enc_str()'s */
	struct strbuf name;		/* enc_function()'s */

	/* Output mappings: the profile's, then synthetic ones by name. */
	size_t nr_maps;
	PbMapping *maps;
	struct strpool synth;		/* synthetic mapping names */
	uint32_t *frame_map;		/* by frame id: output mapping id */

	struct enc_fn *fns;
	size_t nr_fns, fns_cap;
	struct hashmap fn_idx;
	uint32_t *frame_fn;		/* by frame id: function as a head */
	uint32_t *frame_fn_inl;		/* ... as an inlined line */

	struct enc_loc *locs;
	size_t nr_locs, locs_cap;
	uint32_t *loc_frames;
	size_t nr_loc_frames, loc_frames_cap;
	struct hashmap loc_idx;
	uint32_t *frame_loc;		/* by frame id: its one-frame location */
};

/*
 * String index of @s (NULL: 0, the empty string).  protobuf strings must be
 * UTF-8 (decoders may refuse others), so invalid bytes become '?'.
 */
static int64_t enc_str(struct enc *e, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;
	uint32_t id;

	if (!s || !*s || e->err)
		return 0;
	while (u[i] && (n = utf8__decode(u + i, &cp)))
		i += n;
	if (!u[i]) {
		id = strpool__id(&e->strs, s, i);
	} else {
		strbuf__reset(&e->tmp);
		for (i = 0; u[i]; i += n) {
			n = utf8__decode(u + i, &cp);
			if (strbuf__add(&e->tmp, n ? s + i : "?", n ? n : 1)) {
				e->err = -ENOMEM;
				return 0;
			}
			if (!n)
				n = 1;
		}
		id = strpool__id(&e->strs, e->tmp.buf, e->tmp.len);
	}
	if (!id)
		e->err = -ENOMEM;
	return id ? (int64_t)id - 1 : 0;
}

/* A shared library, by name, as pprof's own main-binary guess tells them. */
static bool library_file(const char *file)
{
	const char *base = strrchr(file, '/'), *so;

	base = base ? base + 1 : file;
	so = strstr(base, ".so");
	return *file == '[' || !strncmp(file, "/memfd:", 7) ||
	       (so && (so[3] == '\0' || so[3] == '.'));
}

/*
 * Puts the main binary's mapping first and kernel mappings last: readers
 * (go tool pprof, pprof-format's users) take the first mapping for the
 * profiled program.  The main binary is the profile's main_file, else the
 * program (not a library) present in the most samples, weighted by the
 * default type and summed over its mappings in every process.
 */
static int enc_order_mappings(struct enc *e)
{
	const struct profile *p = e->p;
	size_t n = e->nr_maps, i, j, k = 0, main = 0;
	size_t nstr = e->strs.nr + 1;
	double *weight = calloc(n + 1, sizeof(*weight));
	double *fweight = calloc(nstr, sizeof(*fweight));
	uint32_t *seen = calloc(n + 1, sizeof(*seen));
	uint32_t *newid = calloc(n + 1, sizeof(*newid));
	PbMapping *maps = calloc(n + 1, sizeof(*maps));
	int err = -ENOMEM, best_rank = -1;

	if (!weight || !fweight || !seen || !newid || !maps)
		goto out;
	for (i = 0; i < p->nr_samples; i++) {
		const struct pf_sample *s = &p->samples[i];

		for (j = 0; j < s->depth; j++) {
			uint32_t m = e->frame_map[s->frames[j]];

			if (m && seen[m] != i + 1) {
				seen[m] = i + 1;
				weight[m] += s->values[p->default_type];
			}
		}
	}
	for (i = 1; i <= n; i++)
		fweight[e->maps[i - 1].filename] += weight[i];
	/* Rank: the named main file, then programs, then libraries. */
	for (i = 1; i <= n; i++) {
		int64_t fi = e->maps[i - 1].filename;
		const char *file = e->strs.strs[fi];
		int rank;

		if (kernel_file(file))
			continue;
		rank = p->main_file && !strcmp(file, p->main_file) ? 2 :
		       !library_file(file);
		if (rank > best_rank ||
		    (rank == best_rank &&
		     (fweight[fi] > fweight[e->maps[main - 1].filename] ||
		      (fi == e->maps[main - 1].filename &&
		       weight[i] > weight[main])))) {
			best_rank = rank;
			main = i;
		}
	}
	if (main)
		newid[main] = ++k;
	for (i = 1; i <= n; i++)	/* user mappings, then kernel ones */
		if (!newid[i] &&
		    !kernel_file(e->strs.strs[e->maps[i - 1].filename]))
			newid[i] = ++k;
	for (i = 1; i <= n; i++)
		if (!newid[i])
			newid[i] = ++k;
	for (i = 1; i <= n; i++) {
		maps[newid[i] - 1] = e->maps[i - 1];
		maps[newid[i] - 1].id = newid[i];
	}
	memcpy(e->maps, maps, n * sizeof(*maps));
	for (i = 1; i <= p->nr_frames; i++)
		e->frame_map[i] = newid[e->frame_map[i]];
	err = 0;
out:
	free(weight);
	free(fweight);
	free(seen);
	free(newid);
	free(maps);
	return err;
}

/*
 * Id of the synthetic mapping named @name (a module known by name only),
 * added when new; it spans the addresses seen in it.  0 on failure.
 */
static uint32_t enc_synth_mapping(struct enc *e, size_t *cap,
				  const char *name, uint64_t addr)
{
	uint32_t id = strpool__id(&e->synth, name, strlen(name));
	PbMapping *o;

	if (!id)
		return 0;
	id += e->p->nr_mappings;
	if (id > e->nr_maps) {
		if (array__grow((void **)&e->maps, cap, id, sizeof(*e->maps)))
			return 0;
		o = &e->maps[id - 1];
		perftools__profiles__mapping__init(o);
		o->id = id;
		o->filename = enc_str(e, name);
		o->memory_start = addr;
		e->nr_maps = id;
	}
	o = &e->maps[id - 1];
	if (addr && (addr < o->memory_start || !o->memory_start))
		o->memory_start = addr;
	if (addr && addr + 1 > o->memory_limit)
		o->memory_limit = addr + 1;
	return id;
}

/* The program a profile without mappings is of: its main_file, else the
 * process (or thread) name with the most weight.  NULL if none. */
static const char *enc_main_name(const struct profile *p)
{
	struct strpool names;
	double *w = NULL;
	size_t i, cap = 0, nr = 0, best = 0;
	const char *name = NULL;

	if (p->main_file)
		return p->main_file;
	strpool__init(&names);
	for (i = 0; i < p->nr_samples; i++) {
		const struct pf_labels *lb = &p->samples[i].labels;
		const char *n = lb->process ? lb->process : lb->comm;
		uint32_t id;

		if (!n)
			continue;
		id = strpool__id(&names, n, strlen(n));
		if (!id || array__grow((void **)&w, &cap, id, sizeof(*w)))
			goto out;
		if (id > nr)	/* a new name */
			w[nr++] = 0;
		w[id - 1] += p->samples[i].values[p->default_type];
		if (!best || w[id - 1] > w[best - 1])
			best = id;
	}
	/* Interned in the profile, so it outlives the pool. */
	for (i = 0; best && i < p->nr_samples && !name; i++) {
		const struct pf_labels *lb = &p->samples[i].labels;
		const char *n = lb->process ? lb->process : lb->comm;

		if (n && !strcmp(n, names.strs[best - 1]))
			name = n;
	}
out:
	free(w);
	strpool__release(&names);
	return name;
}

/* Output mapping ids of every frame, adding synthetic mappings. */
static int enc_mappings(struct enc *e)
{
	const struct profile *p = e->p;
	size_t i, cap = p->nr_mappings + 16;
	const char *main_name = p->nr_mappings ? NULL : enc_main_name(p);
	uint32_t kmap = 0;	/* the profile's own kernel mapping */

	e->frame_map = calloc(p->nr_frames + 1, sizeof(*e->frame_map));
	e->maps = calloc(cap, sizeof(*e->maps));
	if (!e->frame_map || !e->maps)
		return -ENOMEM;
	for (i = 0; i < p->nr_mappings; i++) {
		const struct pf_mapping *m = &p->mappings[i];
		PbMapping *o = &e->maps[i];

		perftools__profiles__mapping__init(o);
		o->id = i + 1;
		o->memory_start = m->start;
		o->memory_limit = m->limit;
		o->file_offset = m->offset;
		o->filename = enc_str(e, m->file);
		o->build_id = enc_str(e, m->build_id);
		if (!kmap && kernel_file(m->file))
			kmap = i + 1;
	}
	e->nr_maps = p->nr_mappings;
	for (i = 0; i < p->nr_frames; i++) {
		const struct pf_frame *f = &p->frames[i];
		const char *name;
		uint32_t id;

		if (f->mapping && f->mapping <= p->nr_mappings) {
			id = f->mapping;
		} else if (f->kind == PF_KERNEL && kmap) {
			id = kmap;	/* e.g. "[Missed Kernel Stack]" */
		} else if (f->kind == PF_KERNEL || f->module) {
			name = f->kind == PF_KERNEL ? KERNEL_MAPPING : f->module;
			id = enc_synth_mapping(e, &cap, name, f->addr);
			if (!id)
				return -ENOMEM;
		} else if (!p->nr_mappings && main_name) {
			/* Folded input: user code without module, of the
			 * profiled program as far as we know. */
			id = enc_synth_mapping(e, &cap, main_name, f->addr);
			if (!id)
				return -ENOMEM;
		} else {
			id = 0;
		}
		e->frame_map[i + 1] = id;
		if (id && !(f->flags & PF_FRAME_UNRESOLVED))
			e->maps[id - 1].has_functions = 1;
	}
	return e->err ? e->err : enc_order_mappings(e);
}

static bool fn_eq(uint32_t id, const void *key, void *ctx)
{
	const struct enc_fn *a = &((struct enc *)ctx)->fns[id - 1];
	const struct enc_fn *b = key;

	return a->name == b->name && a->system_name == b->system_name &&
	       a->filename == b->filename && a->start_line == b->start_line;
}

/*
 * Function id of frame @fid as a location's head line (@head) or as an
 * inlined line.  A head whose kind the reader would not infer from its
 * mapping keeps the kind as a folded suffix in its name.
 */
static uint32_t enc_function(struct enc *e, uint32_t fid, bool head)
{
	const struct pf_frame *f = profile__frame_get(e->p, fid);
	uint32_t *cache = head ? e->frame_fn : e->frame_fn_inl;
	struct enc_fn k;
	uint32_t map = e->frame_map[fid], id;
	const char *file = NULL;
	uint64_t h;

	if (cache[fid])
		return cache[fid];
	if (map)
		file = e->strs.strs[e->maps[map - 1].filename];
	/*
	 * The reader strips one folded suffix from a head's name: add one when
	 * the kind needs it or when the name itself ends like a suffix.
	 */
	if (head && (f->kind != inferred_kind(file) ||
		     (f->kind != PF_USER && pf_kind__from_suffix(f->name, strlen(f->name)) >= 0))) {
		strbuf__reset(&e->name);
		if (strbuf__adds(&e->name, f->name) ||
		    strbuf__adds(&e->name, pf_kind__suffix(f->kind))) {
			e->err = -ENOMEM;
			return 0;
		}
		k.name = enc_str(e, e->name.buf);
	} else {
		k.name = enc_str(e, f->name);
	}
	k.system_name = enc_str(e, f->system_name);
	k.filename = f->file ? enc_str(e, f->file) : 0;
	k.start_line = f->start_line;
	if (e->err)
		return 0;
	h = hash__u64((uint64_t)k.name, (uint64_t)k.system_name);
	h = hash__u64((uint64_t)k.filename, h);
	id = hashmap__find(&e->fn_idx, h, fn_eq, &k, e);
	if (!id) {
		if (array__grow((void **)&e->fns, &e->fns_cap, e->nr_fns + 1,
			 sizeof(*e->fns))) {
			e->err = -ENOMEM;
			return 0;
		}
		e->fns[e->nr_fns++] = k;
		id = e->nr_fns;
		if (hashmap__insert(&e->fn_idx, h, id)) {
			e->err = -ENOMEM;
			return 0;
		}
	}
	cache[fid] = id;
	return id;
}

struct loc_key {
	const uint32_t *frames;
	size_t n;
};

static bool loc_eq(uint32_t id, const void *key, void *ctx)
{
	const struct enc *e = ctx;
	const struct enc_loc *l = &e->locs[id - 1];
	const struct loc_key *k = key;

	return l->n == k->n && !memcmp(e->loc_frames + l->first, k->frames,
				       k->n * sizeof(*k->frames));
}

/* Location id of the run @frames[0..n) (head, then inlined frames). */
static uint32_t enc_location(struct enc *e, const uint32_t *frames, size_t n)
{
	struct loc_key k = { frames, n };
	uint64_t h;
	uint32_t id;

	if (n == 1 && e->frame_loc[frames[0]])
		return e->frame_loc[frames[0]];
	h = hash__bytes(frames, n * sizeof(*frames), 7);
	id = hashmap__find(&e->loc_idx, h, loc_eq, &k, e);
	if (!id) {
		if (array__grow((void **)&e->locs, &e->locs_cap, e->nr_locs + 1,
			 sizeof(*e->locs)) ||
		    array__grow((void **)&e->loc_frames, &e->loc_frames_cap,
			 e->nr_loc_frames + n, sizeof(*e->loc_frames)))
			return 0;
		memcpy(e->loc_frames + e->nr_loc_frames, frames,
		       n * sizeof(*frames));
		e->locs[e->nr_locs].first = e->nr_loc_frames;
		e->locs[e->nr_locs].n = n;
		e->nr_loc_frames += n;
		id = ++e->nr_locs;
		if (hashmap__insert(&e->loc_idx, h, id))
			return 0;
	}
	if (n == 1)
		e->frame_loc[frames[0]] = id;
	return id;
}

static int64_t to_i64(double v)
{
	if (isnan(v))
		return 0;
	if (v >= 0x1p63)
		return INT64_MAX;
	if (v <= -0x1p63)
		return INT64_MIN;
	return llround(v);
}

static void set_label_str(PbLabel *l, int64_t key, int64_t str)
{
	perftools__profiles__label__init(l);
	l->key = key;
	l->str = str;
}

static void set_label_num(PbLabel *l, int64_t key, int64_t num)
{
	perftools__profiles__label__init(l);
	l->key = key;
	l->num = num;
}

/* Everything the packed message points to, freed at once. */
struct enc_out {
	PbProfile msg;
	PbValueType *vt, **vtp, period_type;
	PbSample *samples, **samplep;
	uint64_t *loc_ids;
	int64_t *values;
	PbLabel *labels, **labelp;
	PbMapping **mapp;
	PbLocation *locs, **locp;
	PbLine *lines, **linep;
	PbFunction *fns, **fnp;
	int64_t *comments;
};

static void enc_out__release(struct enc_out *o)
{
	free(o->vt);
	free(o->vtp);
	free(o->samples);
	free(o->samplep);
	free(o->loc_ids);
	free(o->values);
	free(o->labels);
	free(o->labelp);
	free(o->mapp);
	free(o->locs);
	free(o->locp);
	free(o->lines);
	free(o->linep);
	free(o->fns);
	free(o->fnp);
	free(o->comments);
}

static int enc_samples(struct enc *e, struct enc_out *o)
{
	const struct profile *p = e->p;
	size_t i, j, total_depth = 0, nl = 0, nv = 0, nlab = 0;
	int64_t k_pid, k_tid, k_thread, k_proc, k_cgroup, k_nspid, k_runtime;
	int64_t k_origin[PF_NR_ORIGIN];

	for (i = 0; i < p->nr_samples; i++)
		total_depth += p->samples[i].depth;
	o->samples = calloc(p->nr_samples + 1, sizeof(*o->samples));
	o->samplep = calloc(p->nr_samples + 1, sizeof(*o->samplep));
	o->loc_ids = calloc(total_depth + 1, sizeof(*o->loc_ids));
	o->values = calloc(p->nr_samples * p->nr_types + 1,
			   sizeof(*o->values));
	o->labels = calloc(p->nr_samples * MAX_LABELS + 1, sizeof(*o->labels));
	o->labelp = calloc(p->nr_samples * MAX_LABELS + 1,
			   sizeof(*o->labelp));
	if (!o->samples || !o->samplep || !o->loc_ids || !o->values ||
	    !o->labels || !o->labelp)
		return -ENOMEM;
	for (i = 0; i < p->nr_samples * MAX_LABELS; i++)
		o->labelp[i] = &o->labels[i];
	k_pid = enc_str(e, LABEL_PID);
	k_tid = enc_str(e, LABEL_TID);
	k_thread = enc_str(e, LABEL_THREAD);
	k_proc = enc_str(e, LABEL_PROCESS);
	k_cgroup = enc_str(e, LABEL_CGROUP);
	k_nspid = enc_str(e, LABEL_NSPID);
	for (i = 0; i < PF_NR_ORIGIN; i++)
		k_origin[i] = enc_str(e, pf_origin__key(i));
	k_runtime = enc_str(e, LABEL_RUNTIME);
	for (i = 0; i < p->nr_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		const struct pf_labels *lb = &s->labels;
		PbSample *ps = &o->samples[i];
		uint64_t *ids = o->loc_ids + nl;
		size_t n = 0, start, end;

		perftools__profiles__sample__init(ps);
		o->samplep[i] = ps;
		/* Root first, in runs of a head and its inlined frames. */
		for (start = 0; start < s->depth; start = end) {
			uint32_t id;

			end = start + 1;
			while (end < s->depth &&
			       profile__frame_get(p, s->frames[end])->kind ==
			       PF_INLINE)
				end++;
			id = enc_location(e, s->frames + start, end - start);
			if (!id)
				return -ENOMEM;
			ids[n++] = id;
		}
		/* The format wants the leaf first. */
		for (j = 0; j < n / 2; j++) {
			uint64_t t = ids[j];

			ids[j] = ids[n - 1 - j];
			ids[n - 1 - j] = t;
		}
		ps->location_id = ids;
		ps->n_location_id = n;
		nl += n;
		ps->value = o->values + nv;
		ps->n_value = p->nr_types;
		for (j = 0; j < p->nr_types; j++)
			o->values[nv++] = to_i64(s->values[j]);
		ps->label = o->labelp + nlab;
		if (lb->pid)
			set_label_num(&o->labels[nlab++], k_pid, lb->pid);
		if (lb->tid)
			set_label_num(&o->labels[nlab++], k_tid, lb->tid);
		if (lb->comm)
			set_label_str(&o->labels[nlab++], k_thread,
				      enc_str(e, lb->comm));
		if (lb->process)
			set_label_str(&o->labels[nlab++], k_proc,
				      enc_str(e, lb->process));
		if (lb->cgroup)
			set_label_str(&o->labels[nlab++], k_cgroup,
				      enc_str(e, lb->cgroup));
		if (lb->ns_pid)
			set_label_num(&o->labels[nlab++], k_nspid, lb->ns_pid);
		for (j = 0; j < PF_NR_ORIGIN; j++)
			if (lb->origin[j])
				set_label_str(&o->labels[nlab++], k_origin[j],
					      enc_str(e, lb->origin[j]));
		if (lb->runtime)
			set_label_str(&o->labels[nlab++], k_runtime,
				      enc_str(e, lb->runtime));
		ps->n_label = o->labelp + nlab - ps->label;
	}
	o->msg.sample = o->samplep;
	o->msg.n_sample = p->nr_samples;
	return e->err;
}

/* Locations, their lines and functions, once every sample is encoded. */
static int enc_locations(struct enc *e, struct enc_out *o)
{
	size_t i, j, nline = 0;

	o->locs = calloc(e->nr_locs + 1, sizeof(*o->locs));
	o->locp = calloc(e->nr_locs + 1, sizeof(*o->locp));
	o->lines = calloc(e->nr_loc_frames + 1, sizeof(*o->lines));
	o->linep = calloc(e->nr_loc_frames + 1, sizeof(*o->linep));
	if (!o->locs || !o->locp || !o->lines || !o->linep)
		return -ENOMEM;
	for (i = 0; i < e->nr_locs; i++) {
		const struct enc_loc *l = &e->locs[i];
		const uint32_t *fr = e->loc_frames + l->first;
		const struct pf_frame *head = profile__frame_get(e->p, fr[0]);
		PbLocation *pl = &o->locs[i];

		perftools__profiles__location__init(pl);
		o->locp[i] = pl;
		pl->id = i + 1;
		pl->mapping_id = e->frame_map[fr[0]];
		pl->address = head->addr;
		pl->line = o->linep + nline;
		pl->n_line = l->n;
		/* Lines: the innermost inlined callee first, the head last. */
		for (j = 0; j < l->n; j++) {
			PbLine *ln = &o->lines[nline];
			uint32_t fid = fr[l->n - 1 - j];

			perftools__profiles__line__init(ln);
			ln->function_id = enc_function(e, fid, j == l->n - 1);
			ln->line = profile__frame_get(e->p, fid)->line;
			if (!ln->function_id)
				return e->err ? e->err : -ENOMEM;
			ln->line = profile__frame_get(e->p, fid)->line;
			o->linep[nline++] = ln;
		}
	}
	o->msg.location = o->locp;
	o->msg.n_location = e->nr_locs;

	o->fns = calloc(e->nr_fns + 1, sizeof(*o->fns));
	o->fnp = calloc(e->nr_fns + 1, sizeof(*o->fnp));
	if (!o->fns || !o->fnp)
		return -ENOMEM;
	for (i = 0; i < e->nr_fns; i++) {
		perftools__profiles__function__init(&o->fns[i]);
		o->fns[i].id = i + 1;
		o->fns[i].name = e->fns[i].name;
		o->fns[i].system_name = e->fns[i].system_name;
		o->fns[i].filename = e->fns[i].filename;
		o->fns[i].start_line = e->fns[i].start_line;
		o->fnp[i] = &o->fns[i];
	}
	o->msg.function = o->fnp;
	o->msg.n_function = e->nr_fns;

	o->mapp = calloc(e->nr_maps + 1, sizeof(*o->mapp));
	if (!o->mapp)
		return -ENOMEM;
	for (i = 0; i < e->nr_maps; i++)
		o->mapp[i] = &e->maps[i];
	o->msg.mapping = o->mapp;
	o->msg.n_mapping = e->nr_maps;
	return e->err;
}

/* The types record writes: what go tool pprof knows as a CPU profile. */
static bool is_cpu_profile(const struct profile *p)
{
	const struct pf_value_type *t = p->types;

	return p->nr_types == 2 && !strcmp(t[0].type, "samples") &&
	       !strcmp(t[0].unit, "count") && !strcmp(t[1].type, "cpu") &&
	       !strcmp(t[1].unit, "nanoseconds");
}

static int enc_header(struct enc *e, struct enc_out *o)
{
	const struct profile *p = e->p;
	size_t i;

	o->vt = calloc(p->nr_types + 1, sizeof(*o->vt));
	o->vtp = calloc(p->nr_types + 1, sizeof(*o->vtp));
	o->comments = calloc(p->nr_comments + 1, sizeof(*o->comments));
	if (!o->vt || !o->vtp || !o->comments)
		return -ENOMEM;
	for (i = 0; i < p->nr_types; i++) {
		perftools__profiles__value_type__init(&o->vt[i]);
		o->vt[i].type = enc_str(e, p->types[i].type);
		o->vt[i].unit = enc_str(e, p->types[i].unit);
		o->vtp[i] = &o->vt[i];
	}
	o->msg.sample_type = o->vtp;
	o->msg.n_sample_type = p->nr_types;
	/* CPU profiles open on cpu time, as Go's do: [samples/count,
	 * cpu/nanoseconds] with no default (readers take the last type). */
	if (p->nr_types > 1 && p->default_type < p->nr_types &&
	    !is_cpu_profile(p))
		o->msg.default_sample_type =
			enc_str(e, p->types[p->default_type].type);
	if (p->period_type.type || p->period_type.unit) {
		perftools__profiles__value_type__init(&o->period_type);
		o->period_type.type = enc_str(e, p->period_type.type);
		o->period_type.unit = enc_str(e, p->period_type.unit);
		o->msg.period_type = &o->period_type;
	}
	o->msg.period = p->period;
	o->msg.time_nanos = p->time_nanos;
	o->msg.duration_nanos = p->duration_nanos;
	for (i = 0; i < p->nr_comments; i++)
		o->comments[i] = enc_str(e, p->comments[i]);
	o->msg.comment = o->comments;
	o->msg.n_comment = p->nr_comments;
	return e->err;
}

/* gzip of @in into a new buffer. */
static int gzip_buf(const void *in, size_t len, void **out, size_t *outlen)
{
	z_stream z = { 0 };
	size_t cap = len / 4 + 4096, pos = 0, used = 0;
	unsigned char *buf = malloc(cap), *nb;
	int r, err = -ENOMEM;

	if (!buf)
		return -ENOMEM;
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS,
			 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(buf);
		return -ENOMEM;
	}
	for (;;) {
		size_t in_chunk = len - pos > UINT_MAX ? UINT_MAX : len - pos;
		size_t room;

		if (used == cap) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto out;
			buf = nb;
			cap *= 2;
		}
		room = cap - used > UINT_MAX ? UINT_MAX : cap - used;
		z.next_in = (unsigned char *)in + pos;
		z.avail_in = in_chunk;
		z.next_out = buf + used;
		z.avail_out = room;
		r = deflate(&z, in_chunk == len - pos ? Z_FINISH : Z_NO_FLUSH);
		pos += in_chunk - z.avail_in;
		used += room - z.avail_out;
		if (r == Z_STREAM_END)
			break;
		if (r != Z_OK && r != Z_BUF_ERROR)
			goto out;
	}
	*out = buf;
	*outlen = used;
	buf = NULL;
	err = 0;
out:
	deflateEnd(&z);
	free(buf);
	return err;
}

int pprof__encode(const struct profile *p, bool gzip, void **buf,
		  size_t *len)
{
	struct enc e = { .p = p };
	struct enc_out o = { 0 };
	void *raw = NULL;
	size_t size;
	int err = -ENOMEM;

	*buf = NULL;
	*len = 0;
	perftools__profiles__profile__init(&o.msg);
	strpool__init(&e.strs);
	strpool__init(&e.synth);
	hashmap__init(&e.fn_idx);
	hashmap__init(&e.loc_idx);
	if (strpool__id(&e.strs, "", 0) != 1)
		goto out;
	e.frame_fn = calloc(p->nr_frames + 1, sizeof(*e.frame_fn));
	e.frame_fn_inl = calloc(p->nr_frames + 1, sizeof(*e.frame_fn_inl));
	e.frame_loc = calloc(p->nr_frames + 1, sizeof(*e.frame_loc));
	if (!e.frame_fn || !e.frame_fn_inl || !e.frame_loc)
		goto out;
	err = enc_header(&e, &o);
	if (!err)
		err = enc_mappings(&e);
	if (!err)
		err = enc_samples(&e, &o);
	if (!err)
		err = enc_locations(&e, &o);
	if (err)
		goto out;
	o.msg.string_table = (char **)e.strs.strs;
	o.msg.n_string_table = e.strs.nr;
	size = perftools__profiles__profile__get_packed_size(&o.msg);
	raw = malloc(size ? size : 1);
	err = -ENOMEM;
	if (!raw)
		goto out;
	if (perftools__profiles__profile__pack(&o.msg, raw) != size) {
		err = -EOVERFLOW;
		goto out;
	}
	if (gzip) {
		err = gzip_buf(raw, size, buf, len);
	} else {
		*buf = raw;
		*len = size;
		raw = NULL;
		err = 0;
	}
out:
	free(raw);
	enc_out__release(&o);
	free(e.maps);
	free(e.frame_map);
	free(e.fns);
	free(e.frame_fn);
	free(e.frame_fn_inl);
	free(e.locs);
	free(e.loc_frames);
	free(e.frame_loc);
	hashmap__release(&e.fn_idx);
	hashmap__release(&e.loc_idx);
	strpool__release(&e.strs);
	strpool__release(&e.synth);
	strbuf__release(&e.tmp);
	strbuf__release(&e.name);
	return err;
}

int pprof__write(const struct profile *p, FILE *f)
{
	void *buf;
	size_t len;
	int err = pprof__encode(p, true, &buf, &len);

	if (err)
		return err;
	if (fwrite(buf, 1, len, f) != len || fflush(f))
		err = errno ? -errno : -EIO;
	free(buf);
	return err;
}

/* ---- reader ---------------------------------------------------------- */

bool pprof__is_gzip(const void *data, size_t len)
{
	const unsigned char *d = data;

	return len >= 2 && d[0] == 0x1f && d[1] == 0x8b;
}

int pprof__gunzip(const void *data, size_t len, size_t max, void **out,
		  size_t *outlen, char *err, size_t errlen)
{
	const unsigned char *in = data;
	z_stream z = { 0 };
	size_t cap = len * 4 + 65536, used = 0, pos = 0;
	unsigned char *buf, *nb;
	int r, ret = -EINVAL;

	*out = NULL;
	*outlen = 0;
	if (cap > max + 1)
		cap = max + 1;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		free(buf);
		return -ENOMEM;
	}
	for (;;) {
		size_t in_chunk = len - pos > UINT_MAX ? UINT_MAX : len - pos;
		size_t out_room;

		if (used == cap) {
			if (cap > max) {
				snprintf(err, errlen, "gzip data expands to "
					 "more than %zu MiB", max >> 20);
				ret = -EFBIG;
				goto out;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(buf, cap);
			if (!nb) {
				ret = -ENOMEM;
				goto out;
			}
			buf = nb;
		}
		out_room = cap - used > UINT_MAX ? UINT_MAX : cap - used;
		z.next_in = (unsigned char *)in + pos;
		z.avail_in = in_chunk;
		z.next_out = buf + used;
		z.avail_out = out_room;
		r = inflate(&z, Z_NO_FLUSH);
		pos += in_chunk - z.avail_in;
		used += out_room - z.avail_out;
		if (r == Z_STREAM_END) {
			if (pos == len)
				break;
			/* Another gzip member may follow (cat a.gz b.gz). */
			if (!pprof__is_gzip(in + pos, len - pos)) {
				snprintf(err, errlen, "trailing garbage after "
					 "gzip data");
				goto out;
			}
			inflateReset(&z);
			continue;
		}
		if (r == Z_MEM_ERROR) {
			ret = -ENOMEM;
			goto out;
		}
		if (r == Z_DATA_ERROR || r == Z_NEED_DICT ||
		    r == Z_STREAM_ERROR) {
			snprintf(err, errlen, "corrupt gzip data (%s)",
				 z.msg ? z.msg : "bad stream");
			goto out;
		}
		/* No progress and no input left: the stream was cut short. */
		if (pos == len && z.avail_out) {
			snprintf(err, errlen, "truncated gzip data");
			goto out;
		}
	}
	ret = 0;
	*out = buf;
	*outlen = used;
	buf = NULL;
out:
	inflateEnd(&z);
	free(buf);
	return ret;
}

/*
 * protobuf-c allocates as it unpacks; a hostile message of empty
 * submessages costs ~40 bytes of structures per input byte.  This budget
 * refuses such a message while real profiles (below ~10x) decode.
 */
struct budget {
	size_t left;
	bool refused;
};

static void *budget_alloc(void *data, size_t size)
{
	struct budget *b = data;

	if (size > b->left) {
		b->refused = true;
		return NULL;
	}
	b->left -= size;
	return malloc(size);
}

static void budget_free(void *data, void *ptr)
{
	free(ptr);
}

/*
 * pprof id -> index + 1 of mappings, functions or locations.  Ids are
 * usually 1..n (every writer we know numbers them so): then a plain array,
 * else a hash table.
 */
struct id_index {
	int kind;		/* 0 mapping, 1 function, 2 location */
	uint32_t *dense;	/* by id, when ids are small */
	uint64_t max_id;
	struct hashmap h;
};

struct dec {
	const PbProfile *m;
	struct profile *t;
	char *err;
	size_t errlen;
	struct id_index map_idx, fn_idx, loc_idx;
	uint32_t *map_ids;	/* by mapping index: profile mapping id */
	uint32_t *loc_first;	/* by location index: into loc_frames */
	uint32_t *loc_n;
	uint32_t *loc_frames;	/* root first */
	size_t nr_loc_frames;
};

__attribute__((format(printf, 2, 3)))
static int dec_fail(struct dec *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->err, d->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The string at index @idx, or NULL (with an error) when out of range. */
static const char *dec_str(struct dec *d, int64_t idx, const char *what)
{
	if (idx == 0 && d->m->n_string_table == 0)
		return "";
	if (idx < 0 || (uint64_t)idx >= d->m->n_string_table) {
		dec_fail(d, "%s: string index %lld out of range (table has "
			 "%zu)", what, (long long)idx, d->m->n_string_table);
		return NULL;
	}
	return d->m->string_table[idx];
}

struct id_key {
	const struct dec *d;
	uint64_t id;
	int kind;
};

static uint64_t id_at(const PbProfile *m, int kind, size_t i)
{
	return kind == 0 ? m->mapping[i]->id : kind == 1 ? m->function[i]->id :
	       m->location[i]->id;
}

static bool id_eq(uint32_t idx, const void *key, void *ctx)
{
	const struct id_key *k = key;

	return id_at(k->d->m, k->kind, idx - 1) == k->id;
}

static const char *const id_what[] = { "mapping", "function", "location" };

/* Index (0-based) of the object with this id, or -1. */
static ssize_t dec_find(const struct dec *d, const struct id_index *ix,
			uint64_t id)
{
	struct id_key k = { d, id, ix->kind };

	if (ix->dense)
		return id <= ix->max_id ? (ssize_t)ix->dense[id] - 1 : -1;
	return (ssize_t)hashmap__find(&ix->h, hash__u64(id, ix->kind), id_eq,
				      &k, NULL) - 1;
}

/* Indexes the ids of one kind; they must be non-zero and unique. */
static int dec_index(struct dec *d, struct id_index *ix, int kind, size_t n)
{
	size_t i;

	ix->kind = kind;
	hashmap__init(&ix->h);
	if (n > UINT32_MAX - 1)
		return dec_fail(d, "too many %ss", id_what[kind]);
	for (i = 0; i < n; i++) {
		uint64_t id = id_at(d->m, kind, i);

		if (!id)
			return dec_fail(d, "%s #%zu has id 0", id_what[kind],
					i + 1);
		if (id > ix->max_id)
			ix->max_id = id;
	}
	if (ix->max_id <= 4 * (uint64_t)n + 1024) {
		ix->dense = calloc(ix->max_id + 1, sizeof(*ix->dense));
		if (!ix->dense)
			return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		uint64_t id = id_at(d->m, kind, i);

		if (dec_find(d, ix, id) >= 0)
			return dec_fail(d, "%s id %llu is not unique",
					id_what[kind], (unsigned long long)id);
		if (ix->dense)
			ix->dense[id] = i + 1;
		else if (hashmap__insert(&ix->h, hash__u64(id, kind), i + 1))
			return -ENOMEM;
	}
	return 0;
}

static void id_index__release(struct id_index *ix)
{
	free(ix->dense);
	hashmap__release(&ix->h);
}

static int dec_mappings(struct dec *d)
{
	const PbProfile *m = d->m;
	size_t i;
	int r = dec_index(d, &d->map_idx, 0, m->n_mapping);

	if (r)
		return r;
	d->map_ids = calloc(m->n_mapping + 1, sizeof(*d->map_ids));
	if (!d->map_ids)
		return -ENOMEM;
	for (i = 0; i < m->n_mapping; i++) {
		const PbMapping *pm = m->mapping[i];
		struct pf_mapping pf = { 0 };

		pf.start = pm->memory_start;
		pf.limit = pm->memory_limit;
		pf.offset = pm->file_offset;
		pf.file = dec_str(d, pm->filename, "mapping file name");
		pf.build_id = dec_str(d, pm->build_id, "mapping build id");
		if (!pf.file || !pf.build_id)
			return -EINVAL;
		if (!*pf.build_id)
			pf.build_id = NULL;
		d->map_ids[i] = profile__mapping(d->t, &pf);
		if (!d->map_ids[i])
			return -ENOMEM;
	}
	return 0;
}

/* Frame id of line @ln of a location (@inlined: not its last line). */
static uint32_t dec_frame(struct dec *d, const PbLocation *loc,
			  const PbLine *ln, ssize_t map, bool inlined)
{
	struct pf_frame f = { 0 };
	const char *file = map >= 0 ? d->t->mappings[d->map_ids[map] - 1].file :
			   NULL;
	char unresolved[256];
	size_t n;
	int k;

	f.addr = loc->address;
	f.mapping = map >= 0 ? d->map_ids[map] : 0;
	f.module = file && *file ? file : NULL;
	f.kind = inlined ? PF_INLINE : inferred_kind(file);
	if (ln && ln->function_id) {
		ssize_t fi = dec_find(d, &d->fn_idx, ln->function_id);
		const PbFunction *fn;

		if (fi < 0) {
			dec_fail(d, "location id %llu: function id %llu does "
				 "not exist", (unsigned long long)loc->id,
				 (unsigned long long)ln->function_id);
			return 0;
		}
		fn = d->m->function[fi];
		f.name = dec_str(d, fn->name, "function name");
		f.system_name = dec_str(d, fn->system_name,
					"function system name");
		if (!f.name || !f.system_name)
			return 0;
		if (!*f.name)
			f.name = f.system_name;
		if (!*f.system_name)
			f.system_name = NULL;
	} else {
		/* No symbol: "[module]" or "[unknown]", as perf shows it. */
		const char *base = f.module ? strrchr(f.module, '/') : NULL;

		base = base ? base + 1 : f.module;
		snprintf(unresolved, sizeof(unresolved), "[%s]",
			 base && *base ? base : "unknown");
		f.name = unresolved;
		f.flags |= PF_FRAME_UNRESOLVED;
		return profile__frame(d->t, &f);
	}
	/*
	 * A folded suffix ending a head's name overrides the inferred kind
	 * (the writer puts it there for kinds pprof cannot express).
	 * Inlined lines are inlined whatever their name says.
	 */
	n = strlen(f.name);
	k = inlined ? -1 : pf_kind__from_suffix(f.name, strlen(f.name));
	if (k >= 0) {
		f.name = strpool__intern_len(&d->t->strings, f.name, n - 4);
		if (!f.name)
			return 0;
		f.kind = k;
	}
	return profile__frame(d->t, &f);
}

/* Every location's frames, root first: its last line, then the others. */
static int dec_locations(struct dec *d)
{
	const PbProfile *m = d->m;
	size_t i, j, total = 0;
	int r;

	r = dec_index(d, &d->fn_idx, 1, m->n_function);
	if (!r)
		r = dec_index(d, &d->loc_idx, 2, m->n_location);
	if (r)
		return r;
	for (i = 0; i < m->n_location; i++)
		total += m->location[i]->n_line ? m->location[i]->n_line : 1;
	d->loc_first = calloc(m->n_location + 1, sizeof(*d->loc_first));
	d->loc_n = calloc(m->n_location + 1, sizeof(*d->loc_n));
	d->loc_frames = calloc(total + 1, sizeof(*d->loc_frames));
	if (!d->loc_first || !d->loc_n || !d->loc_frames)
		return -ENOMEM;
	if (total > UINT32_MAX)
		return dec_fail(d, "too many location lines");
	for (i = 0; i < m->n_location; i++) {
		const PbLocation *loc = m->location[i];
		ssize_t map = -1;
		size_t nl = loc->n_line;

		if (loc->mapping_id) {
			map = dec_find(d, &d->map_idx, loc->mapping_id);
			if (map < 0)
				return dec_fail(d, "location id %llu: mapping "
						"id %llu does not exist",
						(unsigned long long)loc->id,
						(unsigned long long)
						loc->mapping_id);
		}
		d->loc_first[i] = d->nr_loc_frames;
		d->loc_n[i] = nl ? nl : 1;
		for (j = 0; j < d->loc_n[i]; j++) {
			/* line[nl - 1] is the caller: the root-most frame. */
			const PbLine *ln = nl ? loc->line[nl - 1 - j] : NULL;
			uint32_t id = dec_frame(d, loc, ln, map, j > 0);

			if (!id)
				return d->err[0] ? -EINVAL : -ENOMEM;
			d->loc_frames[d->nr_loc_frames++] = id;
		}
	}
	return 0;
}

static int32_t clamp_i32(int64_t v)
{
	return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v;
}

static bool dec_origin(struct pf_labels *lb, const char *key,
		       const char *str)
{
	int i;

	for (i = 0; i < PF_NR_ORIGIN; i++)
		if (!strcmp(key, pf_origin__key(i))) {
			lb->origin[i] = *str ? str : NULL;
			return true;
		}
	return false;
}

static int dec_labels(struct dec *d, const PbSample *s,
		      struct pf_labels *lb, char *numbuf, size_t numlen)
{
	size_t i;

	memset(lb, 0, sizeof(*lb));
	for (i = 0; i < s->n_label; i++) {
		const PbLabel *l = s->label[i];
		const char *key = dec_str(d, l->key, "label key");
		const char *str = dec_str(d, l->str, "label value");

		if (!key || !dec_str(d, l->num_unit, "label unit") || !str)
			return -EINVAL;
		if (!strcmp(key, LABEL_PID) || !strcmp(key, "process_id")) {
			lb->pid = clamp_i32(l->num);
		} else if (!strcmp(key, LABEL_TID) ||
			   !strcmp(key, "thread_id")) {
			lb->tid = clamp_i32(l->num);
		} else if (!strcmp(key, LABEL_THREAD) ||
			   !strcmp(key, "thread_name") ||
			   !strcmp(key, "thread name")) {
			lb->comm = *str ? str : NULL;
		} else if (!strcmp(key, LABEL_PROCESS) ||
			   !strcmp(key, "process_name") ||
			   !strcmp(key, "process name")) {
			lb->process = *str ? str : NULL;
		} else if (!strcmp(key, LABEL_NSPID)) {
			lb->ns_pid = clamp_i32(l->num);
		} else if (dec_origin(lb, key, str)) {
			/* done */
		} else if (!strcmp(key, LABEL_RUNTIME)) {
			lb->runtime = *str ? str : NULL;
		} else if (!strcmp(key, LABEL_CGROUP)) {
			if (*str) {
				lb->cgroup = str;
			} else if (l->num) {
				snprintf(numbuf, numlen, "%lld",
					 (long long)l->num);
				lb->cgroup = numbuf;
			}
		}
	}
	return 0;
}

static int dec_samples(struct dec *d)
{
	const PbProfile *m = d->m;
	size_t cap = 256, i, j, budget;
	uint32_t *stack = malloc(cap * sizeof(*stack));
	double *vals = calloc(d->t->nr_types, sizeof(*vals));
	char numbuf[32];
	int r = -ENOMEM;

	/*
	 * Inlined lines make a stack longer than its bytes; bound the
	 * expansion so that a few bytes cannot ask for gigabytes.
	 */
	budget = (size_t)64 << 20;
	for (i = 0; i < m->n_sample; i++)
		budget += 16 * (m->sample[i]->n_location_id + 1);
	if (!stack || !vals)
		goto out;
	for (i = 0; i < m->n_sample; i++) {
		const PbSample *s = m->sample[i];
		struct pf_labels lb;
		size_t depth = 0;

		if (s->n_value != m->n_sample_type) {
			r = dec_fail(d, "sample #%zu has %zu values, want %zu "
				     "(one per sample type)", i + 1,
				     s->n_value, m->n_sample_type);
			goto out;
		}
		for (j = s->n_location_id; j-- > 0;) {
			ssize_t li = dec_find(d, &d->loc_idx,
					      s->location_id[j]);
			uint32_t n;

			if (li < 0) {
				r = dec_fail(d, "sample #%zu: location id %llu "
					     "does not exist", i + 1,
					     (unsigned long long)
					     s->location_id[j]);
				goto out;
			}
			n = d->loc_n[li];
			if (n > budget) {
				r = dec_fail(d, "stacks expand to too many "
					     "frames (inlined lines)");
				goto out;
			}
			budget -= n;
			if (depth + n > cap) {
				uint32_t *ns;

				while (depth + n > cap)
					cap *= 2;
				ns = realloc(stack, cap * sizeof(*stack));
				if (!ns)
					goto out;
				stack = ns;
			}
			memcpy(stack + depth, d->loc_frames + d->loc_first[li],
			       n * sizeof(*stack));
			depth += n;
		}
		for (j = 0; j < s->n_value; j++) {
			/*
			 * Shares above 100% and gates that never fire:
			 * every reader here assumes counts, not deltas.
			 */
			if (s->value[j] < 0) {
				r = dec_fail(d, "sample #%zu has a negative "
					     "value (%lld): diff profiles "
					     "(pprof -diff_base) are not "
					     "supported", i + 1,
					     (long long)s->value[j]);
				goto out;
			}
			vals[j] = (double)s->value[j];
		}
		r = dec_labels(d, s, &lb, numbuf, sizeof(numbuf));
		if (r)
			goto out;
		r = profile__add(d->t, stack, depth, &lb, vals);
		if (r)
			goto out;
	}
	r = 0;
out:
	free(stack);
	free(vals);
	return r;
}

static int dec_header(struct dec *d, const char *sample_type)
{
	const PbProfile *m = d->m;
	struct pf_value_type *types;
	const char *def = NULL;
	size_t i;
	int r = 0;

	if (m->n_string_table && m->string_table[0][0])
		return dec_fail(d, "string_table[0] is not empty");
	if (!m->n_sample_type) {
		if (m->n_sample)
			return dec_fail(d, "samples but no sample types");
		if (sample_type)
			return dec_fail(d, "no sample type '%s' in this "
					"profile (it has none)", sample_type);
		goto meta;
	}
	types = calloc(m->n_sample_type, sizeof(*types));
	if (!types)
		return -ENOMEM;
	for (i = 0; i < m->n_sample_type && !r; i++) {
		types[i].type = dec_str(d, m->sample_type[i]->type,
					"sample type");
		types[i].unit = dec_str(d, m->sample_type[i]->unit,
					"sample unit");
		if (!types[i].type || !types[i].unit)
			r = -EINVAL;
	}
	if (!r)
		r = profile__set_types(d->t, types, m->n_sample_type);
	free(types);
	if (r)
		return r;
	if (sample_type) {
		int t = profile__find_type(d->t, sample_type);
		struct strbuf sb = STRBUF_INIT;

		if (t < 0) {
			for (i = 0; i < d->t->nr_types; i++)
				strbuf__addf(&sb, "%s%s", i ? ", " : "",
					     d->t->types[i].type);
			r = dec_fail(d, "no sample type '%s' in this profile "
				     "(it has: %s)", sample_type,
				     sb.buf ? sb.buf : "");
			strbuf__release(&sb);
			return r;
		}
		d->t->default_type = t;
	} else {
		int t = -1;

		if (m->default_sample_type) {
			def = dec_str(d, m->default_sample_type,
				      "default sample type");
			if (!def)
				return -EINVAL;
			t = profile__find_type(d->t, def);
		}
		/* As go tool pprof: else the last type. */
		d->t->default_type = t >= 0 ? (size_t)t : d->t->nr_types - 1;
	}
meta:
	if (m->period_type) {
		d->t->period_type.type = dec_str(d, m->period_type->type,
						 "period type");
		d->t->period_type.unit = dec_str(d, m->period_type->unit,
						 "period unit");
		if (!d->t->period_type.type || !d->t->period_type.unit)
			return -EINVAL;
		d->t->period_type.type = profile__intern(d->t,
						d->t->period_type.type);
		d->t->period_type.unit = profile__intern(d->t,
						d->t->period_type.unit);
	}
	d->t->period = m->period;
	d->t->time_nanos = m->time_nanos;
	d->t->duration_nanos = m->duration_nanos;
	for (i = 0; i < m->n_comment; i++) {
		const char *c = dec_str(d, m->comment[i], "comment");

		if (!c)
			return -EINVAL;
		if (profile__add_comment(d->t, c))
			return -ENOMEM;
	}
	return 0;
}

int pprof__read(struct profile *p, const void *data, size_t len,
		const char *sample_type, char *err, size_t errlen)
{
	struct budget b;
	ProtobufCAllocator alloc = { budget_alloc, budget_free, &b };
	struct dec d = { 0 };
	PbProfile *m = NULL;
	void *raw = NULL;
	char local[256];
	size_t rawlen;
	int r;

	if (!err || !errlen) {
		err = local;
		errlen = sizeof(local);
	}
	err[0] = '\0';
	d.err = err;
	d.errlen = errlen;
	if (pprof__is_gzip(data, len)) {
		r = pprof__gunzip(data, len, PPROF_MAX_DECOMPRESSED, &raw,
				  &rawlen, err, errlen);
		if (r)
			goto out;
		data = raw;
		len = rawlen;
	}
	b.left = ((size_t)64 << 20) + 16 * len;
	b.refused = false;
	m = perftools__profiles__profile__unpack(&alloc, len, data);
	/* protobuf-c copied what it needs. */
	free(raw);
	raw = NULL;
	if (!m) {
		r = -EINVAL;
		if (b.refused)
			snprintf(err, errlen, "protobuf message too costly to "
				 "decode (hostile or broken)");
		else
			snprintf(err, errlen, "not a pprof profile (invalid "
				 "protobuf Profile message)");
		goto out;
	}
	d.m = m;
	d.t = profile__new();
	r = d.t ? 0 : -ENOMEM;
	if (!r)
		r = dec_header(&d, sample_type);
	if (!r)
		r = dec_mappings(&d);
	if (!r)
		r = dec_locations(&d);
	if (!r)
		r = dec_samples(&d);
	perftools__profiles__profile__free_unpacked(m, &alloc);
	m = NULL;
	if (!r)
		r = profile__merge(p, d.t);
	if (!r && sample_type) {
		int t = profile__find_type(p, sample_type);

		if (t >= 0)
			p->default_type = t;
	}
	id_index__release(&d.map_idx);
	id_index__release(&d.fn_idx);
	id_index__release(&d.loc_idx);
	free(d.map_ids);
	free(d.loc_first);
	free(d.loc_n);
	free(d.loc_frames);
	profile__free(d.t);
out:
	if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	else if (r && !err[0])
		snprintf(err, errlen, "%s", strerror(-r));
	if (m)
		perftools__profiles__profile__free_unpacked(m, &alloc);
	free(raw);
	return r;
}

/* ---- output format choice ------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

enum out_format out_format__from_path(const char *path)
{
	static const char *const ext[] = {
		".pb.gz", ".pb", ".pprof", ".pprof.gz",
	};
	size_t i;

	for (i = 0; path && i < sizeof(ext) / sizeof(*ext); i++)
		if (ends_with(path, ext[i]))
			return OUT_PPROF;
	return OUT_FOLDED;
}

int out_format__parse(const char *name, enum out_format *f)
{
	if (!strcmp(name, "folded"))
		*f = OUT_FOLDED;
	else if (!strcmp(name, "pprof"))
		*f = OUT_PPROF;
	else
		return -EINVAL;
	return 0;
}

const char *out_format__name(enum out_format f)
{
	return f == OUT_PPROF ? "pprof" : "folded";
}
