// SPDX-License-Identifier: GPL-2.0
/*
 * Rankings, filters, call trees and comparisons of profiles for
 * `ebprof report`; see report.h.  Rows are identified by the content of
 * their strings, not by pointers, so rankings of two profiles compare.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/topn.h"
#include "profile/report.h"

static const char *const key_names[REPORT_NR_KEYS] = {
	[REPORT_KEY_SYM] = "sym", [REPORT_KEY_DSO] = "dso",
	[REPORT_KEY_COMM] = "comm", [REPORT_KEY_PID] = "pid",
	[REPORT_KEY_CONTAINER] = "container",
};

const char *report_key__name(enum report_key k)
{
	return k < REPORT_NR_KEYS ? key_names[k] : "?";
}

bool report_keys__has(const struct report_keys *keys, enum report_key k)
{
	size_t i;

	for (i = 0; i < keys->nr; i++)
		if (keys->k[i] == k)
			return true;
	return false;
}

int report_keys__parse(struct report_keys *keys, const char *s)
{
	const char *p = s;

	keys->nr = 0;
	for (;;) {
		size_t n = strcspn(p, ","), k;

		for (k = 0; k < REPORT_NR_KEYS; k++)
			if (strlen(key_names[k]) == n &&
			    !strncmp(p, key_names[k], n))
				break;
		if (k == REPORT_NR_KEYS || report_keys__has(keys, k))
			return -EINVAL;
		keys->k[keys->nr++] = k;
		if (!p[n])
			break;
		p += n + 1;
	}
	return 0;
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static uint64_t str_hash(const char *s, uint64_t seed)
{
	return s ? hash__bytes(s, strlen(s), seed) : hash__u64(0, seed);
}

static uint64_t frame_part(const char *sym, uint8_t kind, const char *dso)
{
	return str_hash(dso, str_hash(sym, kind + 1));
}

static uint64_t sample_part(const char *comm, int32_t pid,
			    const char *container)
{
	return hash__u64((uint32_t)pid, str_hash(comm, str_hash(container,
								 0x5a)));
}

static uint64_t id_hash(const struct report_id *id)
{
	return hash__u64(frame_part(id->sym, id->kind, id->dso),
			 sample_part(id->comm, id->pid, id->container));
}

static bool id_eq(const struct report_id *a, const struct report_id *b)
{
	return a->kind == b->kind && a->pid == b->pid &&
	       str_eq(a->sym, b->sym) && str_eq(a->dso, b->dso) &&
	       str_eq(a->comm, b->comm) && str_eq(a->container, b->container);
}

const char *report__frame_dso(const struct profile *p,
			      const struct pf_frame *f)
{
	size_t n;

	if (f->module && *f->module)
		return f->module;
	if (f->mapping && f->mapping <= p->nr_mappings &&
	    *p->mappings[f->mapping - 1].file)
		return p->mappings[f->mapping - 1].file;
	if (f->kind == PF_KERNEL)
		return "[kernel.kallsyms]";
	n = strlen(f->name);
	/* "[libc.so.6]", not "[unknown]" nor "[Missed User Stack]". */
	if (n > 2 && f->name[0] == '[' && f->name[n - 1] == ']' &&
	    !strchr(f->name, ' '))
		return f->name;
	return "[unknown]";
}

const char *report__sample_comm(const struct pf_sample *s)
{
	return s->labels.comm ? s->labels.comm : s->labels.process;
}

const char *report__sample_container(const struct pf_sample *s)
{
	const char *n = s->labels.origin[PF_CONTAINER_NAME];

	return n ? n : "[host]";
}

/* --- rankings */

static bool row_eq(uint32_t id, const void *key, void *ctx)
{
	return id_eq(&((struct report *)ctx)->rows[id - 1].id, key);
}

/* Index of the row @id (hash @h), added when new; -1 on ENOMEM. */
static long row_get(struct report *r, const struct report_id *id,
		    uint64_t h)
{
	uint32_t i = hashmap__find(&r->idx, h, row_eq, id, r);
	struct report_row *row;

	if (i)
		return i - 1;
	if (r->nr_rows >= UINT32_MAX - 1 ||
	    array__grow((void **)&r->rows, &r->cap, r->nr_rows + 1,
			sizeof(*r->rows)))
		return -1;
	row = &r->rows[r->nr_rows];
	memset(row, 0, sizeof(*row));
	row->id = *id;
	if (hashmap__insert(&r->idx, h, r->nr_rows + 1))
		return -1;
	return r->nr_rows++;
}

/* Makes stamp[row] exist; new entries are 0. */
static int stamp_fit(size_t **stamp, size_t *cap, size_t row)
{
	size_t old = *cap;

	if (array__grow((void **)stamp, cap, row + 1, sizeof(**stamp)))
		return -ENOMEM;
	if (*cap > old)
		memset(*stamp + old, 0, (*cap - old) * sizeof(**stamp));
	return 0;
}

struct report *report__rank(const struct profile *p, size_t type,
			    const struct report_keys *keys)
{
	bool want_sym = report_keys__has(keys, REPORT_KEY_SYM);
	bool want_dso = report_keys__has(keys, REPORT_KEY_DSO);
	bool want_comm = report_keys__has(keys, REPORT_KEY_COMM);
	bool want_pid = report_keys__has(keys, REPORT_KEY_PID);
	bool want_ct = report_keys__has(keys, REPORT_KEY_CONTAINER);
	uint64_t *fh = NULL;		/* frame part of the hash, by frame */
	size_t *stamp = NULL, stamp_cap = 0, i, j;
	struct report *r;

	if (type >= p->nr_types || !keys->nr) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->keys = *keys;
	hashmap__init(&r->idx);
	fh = calloc(p->nr_frames + 1, sizeof(*fh));
	if (!fh)
		goto nomem;
	for (i = 1; i <= p->nr_frames; i++) {
		const struct pf_frame *f = profile__frame_get(p, i);

		fh[i] = frame_part(want_sym ? f->name : NULL,
				   want_sym ? f->kind : 0,
				   want_dso ? report__frame_dso(p, f) : NULL);
	}
	for (i = 0; i < p->nr_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		double v = s->values[type];
		struct report_id id = { 0 };
		uint64_t sh;
		long row;

		r->total += v;
		r->nr_samples++;
		if (want_comm) {
			id.comm = report__sample_comm(s);
			if (!id.comm)
				id.comm = "[unknown]";
		}
		if (want_pid)
			id.pid = s->labels.pid;
		if (want_ct)
			id.container = report__sample_container(s);
		sh = sample_part(id.comm, id.pid, id.container);
		if (!want_sym && !want_dso) {
			row = row_get(r, &id, hash__u64(frame_part(NULL, 0,
								   NULL), sh));
			if (row < 0)
				goto nomem;
			r->rows[row].self += v;
			r->rows[row].total += v;
			continue;
		}
		for (j = 0; j < s->depth; j++) {
			const struct pf_frame *f =
				profile__frame_get(p, s->frames[j]);

			id.sym = want_sym ? f->name : NULL;
			id.kind = want_sym ? f->kind : 0;
			id.dso = want_dso ? report__frame_dso(p, f) : NULL;
			row = row_get(r, &id, hash__u64(fh[s->frames[j]], sh));
			if (row < 0 || stamp_fit(&stamp, &stamp_cap, row))
				goto nomem;
			/* Recursion: a row counts once per sample. */
			if (stamp[row] != i + 1) {
				stamp[row] = i + 1;
				r->rows[row].total += v;
			}
			if (j + 1 == s->depth)
				r->rows[row].self += v;
		}
	}
	free(fh);
	free(stamp);
	return r;
nomem:
	free(fh);
	free(stamp);
	report__free(r);
	errno = ENOMEM;
	return NULL;
}

static int id_cmp(const struct report_id *a, const struct report_id *b)
{
	int c;

	if (a->sym != b->sym && (c = strcmp(a->sym ? a->sym : "",
					    b->sym ? b->sym : "")))
		return c;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->dso != b->dso && (c = strcmp(a->dso ? a->dso : "",
					    b->dso ? b->dso : "")))
		return c;
	if (a->comm != b->comm && (c = strcmp(a->comm ? a->comm : "",
					      b->comm ? b->comm : "")))
		return c;
	if (a->container != b->container &&
	    (c = strcmp(a->container ? a->container : "",
			b->container ? b->container : "")))
		return c;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

static int cmp_desc(double a, double b)
{
	return a > b ? -1 : a < b;
}

static int row_cmp_self(const void *pa, const void *pb)
{
	const struct report_row *a = pa, *b = pb;

	return cmp_desc(a->self, b->self) ?: cmp_desc(a->total, b->total) ?:
	       id_cmp(&a->id, &b->id);
}

static int row_cmp_total(const void *pa, const void *pb)
{
	const struct report_row *a = pa, *b = pb;

	return cmp_desc(a->total, b->total) ?: cmp_desc(a->self, b->self) ?:
	       id_cmp(&a->id, &b->id);
}

void report__sort(struct report *r, bool by_total)
{
	qsort(r->rows, r->nr_rows, sizeof(*r->rows),
	      by_total ? row_cmp_total : row_cmp_self);
	/* The index maps to positions, which moved; nothing adds rows now. */
	hashmap__release(&r->idx);
	hashmap__init(&r->idx);
}

void report__free(struct report *r)
{
	if (!r)
		return;
	hashmap__release(&r->idx);
	free(r->rows);
	free(r);
}

/* --- copies of profiles: root frames to labels, filters */

struct copier {
	struct profile *dst;
	const struct profile *src;
	uint32_t *frame_ids;	/* by source frame id */
	uint32_t *mapping_ids;	/* by source mapping id */
	uint32_t *stack;
	size_t stack_cap;
};

static struct profile *copy_meta(const struct profile *src, size_t type)
{
	struct profile *dst = profile__new();
	size_t i;

	if (!dst)
		return NULL;
	if (profile__set_types(dst, src->types, src->nr_types))
		goto fail;
	/* A profile this function owns: its default type is ours to set. */
	dst->default_type = type < src->nr_types ? type : src->default_type;
	dst->period_type.type = profile__intern(dst, src->period_type.type);
	dst->period_type.unit = profile__intern(dst, src->period_type.unit);
	dst->period = src->period;
	dst->time_nanos = src->time_nanos;
	dst->duration_nanos = src->duration_nanos;
	for (i = 0; i < src->nr_comments; i++)
		if (profile__add_comment(dst, src->comments[i]))
			goto fail;
	return dst;
fail:
	profile__free(dst);
	errno = ENOMEM;
	return NULL;
}

static int copier__init(struct copier *c, const struct profile *src,
			size_t type)
{
	memset(c, 0, sizeof(*c));
	c->src = src;
	c->dst = copy_meta(src, type);
	c->frame_ids = calloc(src->nr_frames + 1, sizeof(*c->frame_ids));
	c->mapping_ids = calloc(src->nr_mappings + 1, sizeof(*c->mapping_ids));
	return c->dst && c->frame_ids && c->mapping_ids ? 0 : -ENOMEM;
}

/* The copy, or NULL; frees everything else. */
static struct profile *copier__done(struct copier *c, int err)
{
	struct profile *p = c->dst;

	free(c->frame_ids);
	free(c->mapping_ids);
	free(c->stack);
	if (err) {
		profile__free(p);
		errno = -err;
		return NULL;
	}
	return p;
}

static uint32_t copier__frame(struct copier *c, uint32_t id)
{
	struct pf_frame f;

	if (c->frame_ids[id])
		return c->frame_ids[id];
	f = *profile__frame_get(c->src, id);
	if (f.mapping) {
		uint32_t m = f.mapping;

		if (!c->mapping_ids[m])
			c->mapping_ids[m] = profile__mapping(
				c->dst, &c->src->mappings[m - 1]);
		f.mapping = c->mapping_ids[m];
		if (!f.mapping)
			return 0;
	}
	c->frame_ids[id] = profile__frame(c->dst, &f);
	return c->frame_ids[id];
}

/* Adds @s without its first @skip frames, with @labels. */
static int copier__add(struct copier *c, const struct pf_sample *s,
		       size_t skip, const struct pf_labels *labels)
{
	size_t j, n = s->depth - skip;

	if (array__grow((void **)&c->stack, &c->stack_cap, n + 1,
			sizeof(*c->stack)))
		return -ENOMEM;
	for (j = 0; j < n; j++) {
		c->stack[j] = copier__frame(c, s->frames[skip + j]);
		if (!c->stack[j])
			return -ENOMEM;
	}
	return profile__add(c->dst, c->stack, n, labels, s->values);
}

/* "comm-PID" or "comm-PID/TID": the offset of the '-', or 0. */
static size_t pid_suffix(const char *name, int32_t *pid, int32_t *tid)
{
	const char *dash = strrchr(name, '-'), *p;
	long long v[2] = { 0, 0 };
	int k = 0, digits = 0;

	if (!dash || dash == name || !dash[1])
		return 0;
	for (p = dash + 1; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (v[k] > 0x7fffffff / 10)
				return 0;
			v[k] = v[k] * 10 + (*p - '0');
			digits++;
		} else if (*p == '/' && k == 0 && digits) {
			k = 1;
			digits = 0;
		} else {
			return 0;
		}
	}
	if (!digits)
		return 0;
	*pid = (int32_t)v[0];
	*tid = k ? (int32_t)v[1] : 0;
	return dash - name;
}

struct profile *report__comm_from_root(const struct profile *src)
{
	bool with_pid = false;
	struct copier c;
	char *comm = NULL;
	size_t i;
	int err;

	for (i = 0; i < src->nr_samples; i++) {
		const struct pf_sample *s = &src->samples[i];
		int32_t pid, tid;

		if (!s->depth)
			continue;
		with_pid = pid_suffix(profile__frame_get(src,
					s->frames[0])->name, &pid, &tid) > 0;
		if (!with_pid)
			break;
	}
	err = copier__init(&c, src, src->default_type);
	for (i = 0; !err && i < src->nr_samples; i++) {
		const struct pf_sample *s = &src->samples[i];
		struct pf_labels l = s->labels;
		const char *name;
		size_t n;

		if (!s->depth) {
			err = copier__add(&c, s, 0, &l);
			continue;
		}
		name = profile__frame_get(src, s->frames[0])->name;
		n = with_pid ? pid_suffix(name, &l.pid, &l.tid) : 0;
		free(comm);
		comm = n ? strndup(name, n) : strdup(name);
		if (!comm) {
			err = -ENOMEM;
			break;
		}
		l.comm = comm;
		err = copier__add(&c, s, 1, &l);
	}
	free(comm);
	return copier__done(&c, err);
}

/* Does frame @id match @re?  Cached in @memo (0 unknown, 1 yes, 2 no). */
static bool frame_match(const struct profile *p, uint32_t id,
			const regex_t *re, uint8_t *memo)
{
	if (!memo[id])
		memo[id] = regexec(re, profile__frame_get(p, id)->name, 0,
				   NULL, 0) ? 2 : 1;
	return memo[id] == 1;
}

static bool stack_match(const struct profile *p, const struct pf_sample *s,
			const regex_t *re, uint8_t *memo)
{
	size_t j;

	for (j = 0; j < s->depth; j++)
		if (frame_match(p, s->frames[j], re, memo))
			return true;
	return false;
}

static bool keep(const struct profile *p, const struct pf_sample *s,
		 const struct report_filter *f, uint8_t *fmemo,
		 uint8_t *imemo)
{
	size_t i;

	if (f->nr_comms) {
		const char *comm = report__sample_comm(s);

		for (i = 0; i < f->nr_comms; i++)
			if (comm && !strcmp(comm, f->comms[i]))
				break;
		if (i == f->nr_comms)
			return false;
	}
	if (f->nr_pids) {
		for (i = 0; i < f->nr_pids; i++)
			if (s->labels.pid == f->pids[i])
				break;
		if (i == f->nr_pids)
			return false;
	}
	if (f->nr_containers) {
		const char *name = s->labels.origin[PF_CONTAINER_NAME];
		const char *id = s->labels.origin[PF_CONTAINER_ID];

		for (i = 0; i < f->nr_containers; i++)
			if ((name && !strcmp(name, f->containers[i])) ||
			    (id && *f->containers[i] &&
			     !strncmp(id, f->containers[i],
				      strlen(f->containers[i]))))
				break;
		if (i == f->nr_containers)
			return false;
	}
	if (f->focus && !stack_match(p, s, f->focus, fmemo))
		return false;
	if (f->ignore && stack_match(p, s, f->ignore, imemo))
		return false;
	return true;
}

struct profile *report__filter(const struct profile *src, size_t type,
			       const struct report_filter *f)
{
	uint8_t *fmemo = calloc(src->nr_frames + 1, 1);
	uint8_t *imemo = calloc(src->nr_frames + 1, 1);
	struct copier c;
	size_t i;
	int err;

	err = copier__init(&c, src, type);
	if (!fmemo || !imemo)
		err = -ENOMEM;
	for (i = 0; !err && i < src->nr_samples; i++) {
		const struct pf_sample *s = &src->samples[i];

		if (keep(src, s, f, fmemo, imemo))
			err = copier__add(&c, s, 0, &s->labels);
	}
	free(fmemo);
	free(imemo);
	return copier__done(&c, err);
}

/* --- call trees */

struct node_key {
	uint32_t parent;
	const char *sym;
	uint8_t kind;
	const char *dso;
};

static bool node_eq(uint32_t id, const void *key, void *ctx)
{
	const struct report_node *n = &((struct report_tree *)ctx)->nodes[id];
	const struct node_key *k = key;

	return n->parent == k->parent && n->kind == k->kind &&
	       str_eq(n->sym, k->sym) && str_eq(n->dso, k->dso);
}

static long node_get(struct report_tree *t, const struct node_key *k,
		     uint64_t h)
{
	uint32_t i = hashmap__find(&t->idx, h, node_eq, k, t);
	struct report_node *n;

	if (i)
		return i;
	if (t->nr_nodes >= UINT32_MAX - 1 ||
	    array__grow((void **)&t->nodes, &t->cap, t->nr_nodes + 1,
		    sizeof(*t->nodes)))
		return -1;
	n = &t->nodes[t->nr_nodes];
	memset(n, 0, sizeof(*n));
	n->sym = k->sym;
	n->kind = k->kind;
	n->dso = k->dso;
	n->parent = k->parent;
	n->depth = t->nodes[k->parent].depth + 1;
	n->next = t->nodes[k->parent].child;
	t->nodes[k->parent].child = t->nr_nodes;
	if (hashmap__insert(&t->idx, h, t->nr_nodes))
		return -1;
	return t->nr_nodes++;
}

static int node_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct report_node *nodes = ctx;
	const struct report_node *a = &nodes[*(const uint32_t *)pa];
	const struct report_node *b = &nodes[*(const uint32_t *)pb];
	int c = cmp_desc(a->total, b->total);

	if (c)
		return c;
	c = strcmp(a->sym, b->sym);
	return c ? c : strcmp(a->dso, b->dso);
}

static int tree_sort(struct report_tree *t)
{
	uint32_t *kids = NULL;
	size_t cap = 0, i;

	for (i = 0; i < t->nr_nodes; i++) {
		size_t n = 0, k;
		uint32_t c;

		for (c = t->nodes[i].child; c; c = t->nodes[c].next) {
			if (array__grow((void **)&kids, &cap, n + 1, sizeof(*kids))) {
				free(kids);
				return -ENOMEM;
			}
			kids[n++] = c;
		}
		if (n < 2)
			continue;
		qsort_r(kids, n, sizeof(*kids), node_cmp, t->nodes);
		t->nodes[i].child = kids[0];
		for (k = 0; k < n; k++)
			t->nodes[kids[k]].next = k + 1 < n ? kids[k + 1] : 0;
	}
	free(kids);
	return 0;
}

struct report_tree *report__tree(const struct profile *p, size_t type,
				 bool callee)
{
	struct report_tree *t;
	uint64_t *fh = NULL;
	size_t i, j;

	if (type >= p->nr_types) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->callee = callee;
	hashmap__init(&t->idx);
	fh = calloc(p->nr_frames + 1, sizeof(*fh));
	if (!fh || array__grow((void **)&t->nodes, &t->cap, 1, sizeof(*t->nodes)))
		goto nomem;
	memset(&t->nodes[0], 0, sizeof(t->nodes[0]));
	t->nodes[0].sym = "";
	t->nodes[0].dso = "";
	t->nr_nodes = 1;
	for (i = 1; i <= p->nr_frames; i++) {
		const struct pf_frame *f = profile__frame_get(p, i);

		fh[i] = frame_part(f->name, f->kind, report__frame_dso(p, f));
	}
	for (i = 0; i < p->nr_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		double v = s->values[type];
		long cur = 0;

		t->total += v;
		t->nodes[0].total += v;
		for (j = 0; j < s->depth; j++) {
			uint32_t fid = s->frames[callee ? s->depth - 1 - j : j];
			const struct pf_frame *f = profile__frame_get(p, fid);
			struct node_key k = {
				(uint32_t)cur, f->name, f->kind,
				report__frame_dso(p, f)
			};

			cur = node_get(t, &k, hash__u64(fh[fid], cur));
			if (cur < 0)
				goto nomem;
			t->nodes[cur].total += v;
		}
		if (!callee)
			t->nodes[cur].self += v;
	}
	if (tree_sort(t))
		goto nomem;
	free(fh);
	return t;
nomem:
	free(fh);
	report_tree__free(t);
	errno = ENOMEM;
	return NULL;
}

double report_tree__cap_limit(const struct report_tree *t, double limit,
			      size_t max, size_t *hidden)
{
	double *v, cap;
	size_t i, n = 0;

	*hidden = 0;
	if (!t->total)
		return limit;
	v = malloc(t->nr_nodes * sizeof(*v));
	if (!v)
		return INFINITY;	/* show nothing rather than too much */
	for (i = 1; i < t->nr_nodes; i++) {
		double p = 100 * t->nodes[i].total / t->total;

		if (p >= limit)
			v[n++] = p;
	}
	cap = topn__threshold(v, n, max);
	if (cap > limit) {
		for (i = max; i > 0 && v[i - 1] < cap; i--)
			;
		*hidden = n - i;
		limit = cap;
	}
	free(v);
	return limit;
}

void report_tree__free(struct report_tree *t)
{
	if (!t)
		return;
	hashmap__release(&t->idx);
	free(t->nodes);
	free(t);
}

uint32_t report_tree__next(const struct report_tree *t, uint32_t i,
			   bool descend)
{
	if (descend && t->nodes[i].child)
		return t->nodes[i].child;
	while (i) {
		if (t->nodes[i].next)
			return t->nodes[i].next;
		i = t->nodes[i].parent;
	}
	return 0;
}

/* --- comparisons */

double report__z_test(double a, double na, double b, double nb, double *z)
{
	double pa, pb, pool, se;

	*z = 0;
	if (na <= 0 || nb <= 0)
		return 1;
	pa = a / na;
	pb = b / nb;
	pool = (a + b) / (na + nb);
	se = sqrt(pool * (1 - pool) * (1 / na + 1 / nb));
	if (!(se > 0))
		return pb > pa ? 0 : 1;	/* no variance: only exact shares */
	*z = (pb - pa) / se;
	return 0.5 * erfc(*z / M_SQRT2);
}

static int diff_cmp(const void *pa, const void *pb)
{
	const struct report_diff_row *a = pa, *b = pb;

	return cmp_desc(a->delta, b->delta) ?: cmp_desc(a->new, b->new) ?:
	       id_cmp(&a->id, &b->id);
}

static double metric(const struct report_row *r, bool by_total)
{
	return by_total ? r->total : r->self;
}

struct report_diff *report__diff(const struct report *base,
				 const struct report *nw,
				 const struct report_gate *g)
{
	struct report_diff *d = calloc(1, sizeof(*d));
	bool *matched = calloc(base->nr_rows + 1, sizeof(*matched));
	struct hashmap idx;
	size_t i, n = 0;

	hashmap__init(&idx);
	if (!d || !matched)
		goto nomem;
	d->rows = calloc(base->nr_rows + nw->nr_rows + 1, sizeof(*d->rows));
	if (!d->rows)
		goto nomem;
	d->base_total = base->total;
	d->new_total = nw->total;
	/* Our own index by position: the rankings' may be out of date. */
	for (i = 0; i < base->nr_rows; i++)
		if (hashmap__insert(&idx, id_hash(&base->rows[i].id), i + 1))
			goto nomem;
	for (i = 0; i < nw->nr_rows; i++) {
		const struct report_row *r = &nw->rows[i];
		uint32_t b = hashmap__find(&idx, id_hash(&r->id), row_eq,
					   &r->id, (void *)base);
		struct report_diff_row *dr = &d->rows[n];

		dr->id = r->id;
		dr->new = metric(r, g->by_total);
		if (b) {
			matched[b - 1] = true;
			dr->base = metric(&base->rows[b - 1], g->by_total);
		}
		if (dr->new || dr->base)
			n++;
	}
	for (i = 0; i < base->nr_rows; i++) {
		struct report_diff_row *dr = &d->rows[n];

		if (matched[i] || metric(&base->rows[i], g->by_total) == 0)
			continue;
		dr->id = base->rows[i].id;
		dr->base = metric(&base->rows[i], g->by_total);
		n++;
	}
	d->nr_rows = n;
	for (i = 0; i < n; i++) {
		struct report_diff_row *dr = &d->rows[i];
		double bs = g->base_scale > 0 ? g->base_scale : 1;
		double ns = g->new_scale > 0 ? g->new_scale : 1;

		dr->base_pct = base->total ? 100 * dr->base / base->total : 0;
		dr->new_pct = nw->total ? 100 * dr->new / nw->total : 0;
		dr->delta = dr->new_pct - dr->base_pct;
		dr->p_value = report__z_test(dr->base * bs, base->total * bs,
					     dr->new * ns, nw->total * ns,
					     &dr->z);
		dr->regression = g->threshold >= 0 &&
				 dr->delta > g->threshold &&
				 dr->new * ns >= g->min_samples &&
				 dr->p_value < g->alpha;
		d->nr_regressions += dr->regression;
	}
	qsort(d->rows, n, sizeof(*d->rows), diff_cmp);
	hashmap__release(&idx);
	free(matched);
	return d;
nomem:
	hashmap__release(&idx);
	free(matched);
	report_diff__free(d);
	errno = ENOMEM;
	return NULL;
}

void report_diff__free(struct report_diff *d)
{
	if (!d)
		return;
	free(d->rows);
	free(d);
}
