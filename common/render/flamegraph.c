// SPDX-License-Identifier: GPL-2.0
/*
 * The frame tree and its layout (see flamegraph.h).  Nodes live in one
 * array, a parent always before its children, so bottom-up passes are a
 * reverse walk of the array and nothing is recursive: hostile input with
 * stacks a million frames deep cannot overflow the C stack.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/hashmap.h"
#include "lib/strpool.h"
#include "lib/topn.h"
#include "render/flamegraph.h"

struct fg_node {
	uint32_t name_id;	/* interned in fg->names: node_name() */
	uint32_t parent;	/* node id, 0 for the root */
	uint32_t first_child, last_child, next_sibling;
	uint32_t depth;
	uint8_t kind;
	double value, base;	/* self until finish(), then inclusive */
	double width;		/* display width, set by finish() */
};

/* An interned frame of a stack being added. */
struct fg_ref {
	uint32_t name_id;
	uint8_t kind;
};

/*
 * The child index, (parent, name, kind) -> child: open addressing with
 * linear probing.  A slot holds the whole key, so a lookup -- the most
 * frequent operation when a tree is built -- reads one slot and no node:
 * one cache miss rather than two on trees larger than the caches.
 */
struct child_slot {
	uint32_t parent;	/* 0: empty */
	uint32_t name_id;
	uint32_t child;
	uint32_t kind;
};

struct child_index {
	struct child_slot *slots;
	size_t cap;		/* power of two, or 0 */
	size_t count;
};

struct flamegraph {
	unsigned int flags;
	struct fg_node *nodes;		/* id i at nodes[i - 1]; root 1 */
	size_t nr, cap;
	struct child_index child_idx;	/* (parent, name, kind) -> id */
	struct strpool names;
	struct fg_ref *refs;		/* scratch for one stack */
	size_t refs_cap;
	uint32_t *path;			/* node ids of the last stack */
	size_t path_len, path_cap;
	double total, base_total;
	double scale;			/* BASE normalisation factor */
	bool diff;
	bool summed;			/* values made inclusive */
};

static size_t child_hash(uint32_t parent, uint32_t name_id, uint8_t kind)
{
	return hash__u64((uint64_t)name_id << 8 | kind, parent);
}

/* The slot of (parent, name, kind): its entry, or the empty slot for it. */
static struct child_slot *child_slot(const struct child_index *ci,
				     uint32_t parent, uint32_t name_id,
				     uint8_t kind)
{
	size_t mask = ci->cap - 1;
	size_t i = child_hash(parent, name_id, kind) & mask;

	for (;; i = (i + 1) & mask) {
		struct child_slot *sl = &ci->slots[i];

		if (!sl->parent || (sl->parent == parent &&
				    sl->name_id == name_id && sl->kind == kind))
			return sl;
	}
}

/* Makes room for one more entry (at most half full).  0 or -ENOMEM. */
static int child_index_reserve(struct child_index *ci)
{
	struct child_index grown;
	size_t i;

	if ((ci->count + 1) * 2 <= ci->cap)
		return 0;
	grown.cap = ci->cap ? ci->cap * 2 : 1024;
	grown.count = ci->count;
	grown.slots = calloc(grown.cap, sizeof(*grown.slots));
	if (!grown.slots)
		return -ENOMEM;
	for (i = 0; i < ci->cap; i++) {
		const struct child_slot *sl = &ci->slots[i];

		if (sl->parent)
			*child_slot(&grown, sl->parent, sl->name_id,
				    sl->kind) = *sl;
	}
	free(ci->slots);
	*ci = grown;
	return 0;
}

static uint32_t node_new(struct flamegraph *fg, uint32_t parent,
			 uint32_t name_id, uint8_t kind)
{
	struct fg_node *n;

	if (fg->nr == fg->cap) {
		size_t cap = fg->cap ? fg->cap * 2 : 1024;

		n = realloc(fg->nodes, cap * sizeof(*n));
		if (!n)
			return 0;
		fg->nodes = n;
		fg->cap = cap;
	}
	n = &fg->nodes[fg->nr++];
	memset(n, 0, sizeof(*n));
	n->name_id = name_id;
	n->kind = kind;
	n->parent = parent;
	if (parent) {
		struct fg_node *p = &fg->nodes[parent - 1];

		n->depth = p->depth + 1;
		if (p->last_child)
			fg->nodes[p->last_child - 1].next_sibling = fg->nr;
		else
			p->first_child = fg->nr;
		p->last_child = fg->nr;
	}
	return fg->nr;
}

struct flamegraph *flamegraph__new(unsigned int flags)
{
	struct flamegraph *fg = calloc(1, sizeof(*fg));
	uint32_t all;

	if (!fg)
		return NULL;
	fg->flags = flags;
	fg->scale = 1;
	strpool__init(&fg->names);
	all = strpool__id(&fg->names, "all", 3);
	if (!all || !node_new(fg, 0, all, PF_USER)) {
		flamegraph__free(fg);
		return NULL;
	}
	return fg;
}

void flamegraph__free(struct flamegraph *fg)
{
	if (!fg)
		return;
	free(fg->nodes);
	free(fg->refs);
	free(fg->path);
	free(fg->child_idx.slots);
	strpool__release(&fg->names);
	free(fg);
}

static int refs_reserve(struct flamegraph *fg, size_t n)
{
	struct fg_ref *r;
	size_t cap;

	if (n <= fg->refs_cap)
		return 0;
	cap = fg->refs_cap ? fg->refs_cap : 256;
	while (cap < n)
		cap *= 2;
	r = realloc(fg->refs, cap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	fg->refs = r;
	fg->refs_cap = cap;
	return 0;
}

/* The child of @parent for @ref, added when missing; 0 on ENOMEM. */
static uint32_t child_get(struct flamegraph *fg, uint32_t parent,
			  const struct fg_ref *ref)
{
	struct child_slot *sl;
	uint32_t id;

	if (fg->flags & FG_FLAMECHART) {
		/* Only the previous stack merges: check the last child. */
		id = fg->nodes[parent - 1].last_child;
		if (id && fg->nodes[id - 1].name_id == ref->name_id &&
		    fg->nodes[id - 1].kind == ref->kind)
			return id;
		return node_new(fg, parent, ref->name_id, ref->kind);
	}
	/*
	 * Most frames have at most one child (stacks are deep chains), and
	 * a chain's nodes are created one after the other, so they sit next
	 * to each other in fg->nodes: such children are found by looking at
	 * the parent's first child.  Only the children of frames with
	 * several are in the index, which keeps it small.
	 */
	id = fg->nodes[parent - 1].first_child;
	if (!id)
		return node_new(fg, parent, ref->name_id, ref->kind);
	if (id == fg->nodes[parent - 1].last_child) {
		const struct fg_node *only = &fg->nodes[id - 1];

		if (only->name_id == ref->name_id && only->kind == ref->kind)
			return id;
		/* A second child: index the first one. */
		if (child_index_reserve(&fg->child_idx))
			return 0;
		*child_slot(&fg->child_idx, parent, only->name_id,
			    only->kind) = (struct child_slot){
			parent, only->name_id, id, only->kind };
		fg->child_idx.count++;
	}
	if (child_index_reserve(&fg->child_idx))
		return 0;
	sl = child_slot(&fg->child_idx, parent, ref->name_id, ref->kind);
	if (sl->parent)
		return sl->child;
	id = node_new(fg, parent, ref->name_id, ref->kind);
	if (id) {
		*sl = (struct child_slot){ parent, ref->name_id, id,
					   ref->kind };
		fg->child_idx.count++;
	}
	return id;
}

static int path_reserve(struct flamegraph *fg, size_t n)
{
	uint32_t *p;
	size_t cap;

	if (n <= fg->path_cap)
		return 0;
	cap = fg->path_cap ? fg->path_cap : 256;
	while (cap < n)
		cap *= 2;
	p = realloc(fg->path, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	fg->path = p;
	fg->path_cap = cap;
	return 0;
}

/* Counts a stack that ends at @node (values are summed up in finish()). */
static void count(struct flamegraph *fg, uint32_t node, double value,
		  double base)
{
	fg->nodes[node - 1].value += value;
	fg->nodes[node - 1].base += base;
	fg->total += value;
	fg->base_total += base;
	if (base != 0)
		fg->diff = true;
}

/* Adds the stack in fg->refs[0..depth). */
static int add_refs(struct flamegraph *fg, size_t depth, double value,
		    double base)
{
	uint32_t node = 1;
	size_t i;

	fg->path_len = 0;
	if (value == 0 && base == 0)
		return 0;
	if (path_reserve(fg, depth))
		return -ENOMEM;
	for (i = 0; i < depth; i++) {
		const struct fg_ref *r = (fg->flags & FG_REVERSE) ?
			&fg->refs[depth - 1 - i] : &fg->refs[i];

		node = child_get(fg, node, r);
		if (!node)
			return -ENOMEM;
		fg->path[i] = node;
	}
	fg->path_len = depth;
	count(fg, node, value, base);
	return 0;
}

int flamegraph__add_shared(struct flamegraph *fg, size_t same,
			   const struct fg_frame *rest, size_t nrest,
			   double value, double base)
{
	uint32_t node;
	size_t i;

	if (same > fg->path_len || (fg->flags & FG_REVERSE))
		return -EINVAL;
	if (path_reserve(fg, same + nrest))
		return -ENOMEM;
	node = same ? fg->path[same - 1] : 1;
	for (i = 0; i < nrest; i++) {
		struct fg_ref r;

		r.name_id = strpool__id(&fg->names, rest[i].name, rest[i].len);
		r.kind = rest[i].kind;
		if (!r.name_id)
			return -ENOMEM;
		node = child_get(fg, node, &r);
		if (!node)
			return -ENOMEM;
		fg->path[same + i] = node;
	}
	fg->path_len = same + nrest;
	count(fg, node, value, base);
	return 0;
}

int flamegraph__add(struct flamegraph *fg, const struct fg_frame *frames,
		    size_t depth, double value, double base)
{
	size_t i;

	if (refs_reserve(fg, depth))
		return -ENOMEM;
	for (i = 0; i < depth; i++) {
		fg->refs[i].name_id = strpool__id(&fg->names, frames[i].name,
						  frames[i].len);
		if (!fg->refs[i].name_id)
			return -ENOMEM;
		fg->refs[i].kind = frames[i].kind;
	}
	return add_refs(fg, depth, value, base);
}

int flamegraph__add_profile(struct flamegraph *fg, const struct profile *p,
			    size_t type, bool base)
{
	/* Frame id -> name interned here, so each frame is hashed once. */
	uint32_t *names = calloc(p->nr_frames + 1, sizeof(*names));
	int err = 0;
	size_t i, j;

	if (!names)
		return -ENOMEM;
	for (i = 0; i < p->nr_samples && !err; i++) {
		const struct pf_sample *s = &p->samples[i];
		const char *root = s->labels.comm ? s->labels.comm :
			s->labels.process;
		double v = type < p->nr_types ? s->values[type] : 0;
		size_t n = 0;

		if (v == 0)
			continue;
		if (refs_reserve(fg, s->depth + 1)) {
			err = -ENOMEM;
			break;
		}
		if (root) {
			fg->refs[n].name_id = strpool__id(&fg->names, root,
							  strlen(root));
			fg->refs[n++].kind = PF_USER;
			if (!fg->refs[n - 1].name_id)
				err = -ENOMEM;
		}
		for (j = 0; j < s->depth && !err; j++) {
			uint32_t id = s->frames[j];
			const struct pf_frame *f = profile__frame_get(p, id);

			if (!names[id])
				names[id] = strpool__id(&fg->names, f->name,
							strlen(f->name));
			if (!names[id]) {
				err = -ENOMEM;
				break;
			}
			fg->refs[n].name_id = names[id];
			fg->refs[n++].kind = f->kind;
		}
		if (!err)
			err = add_refs(fg, n, base ? 0 : v, base ? v : 0);
	}
	free(names);
	return err;
}

double flamegraph__total(const struct flamegraph *fg)
{
	return fg->total;
}

double flamegraph__base_total(const struct flamegraph *fg)
{
	return fg->base_total;
}

bool flamegraph__is_diff(const struct flamegraph *fg)
{
	return fg->diff;
}

int flamegraph__finish(struct flamegraph *fg, bool normalize)
{
	size_t i;

	if (!fg->summed) {
		/* Children follow their parent in the array: sum backwards. */
		for (i = fg->nr; i-- > 1;) {
			struct fg_node *n = &fg->nodes[i];

			fg->nodes[n->parent - 1].value += n->value;
			fg->nodes[n->parent - 1].base += n->base;
		}
		fg->summed = true;
	}
	fg->scale = 1;
	if (normalize && fg->base_total > 0 && fg->total > 0)
		fg->scale = fg->total / fg->base_total;
	for (i = 0; i < fg->nr; i++)
		fg->nodes[i].width = 0;
	/*
	 * Bottom-up: a node's width field first collects the vanished room of
	 * its subtree, then becomes its display width.
	 */
	for (i = fg->nr; i-- > 0;) {
		struct fg_node *n = &fg->nodes[i];
		double room;

		if (n->value > 0) {
			room = n->width;
			n->width += n->value;
		} else {
			n->width = n->base * fg->scale;
			room = n->width;
		}
		if (n->parent)
			fg->nodes[n->parent - 1].width += room;
	}
	return 0;
}

double flamegraph__width(const struct flamegraph *fg)
{
	return fg->nodes[0].width;
}

static bool visible(const struct fg_node *n, double minwidth)
{
	return n->width > 0 && n->width >= minwidth;
}

double flamegraph__cap_minwidth(const struct flamegraph *fg, double minwidth,
				size_t max, size_t *dropped)
{
	double *w, cap;
	size_t i, n = 0;

	*dropped = 0;
	for (i = 1; i < fg->nr; i++)
		n += visible(&fg->nodes[i], minwidth);
	if (n <= max)
		return minwidth;
	w = malloc(n * sizeof(*w));
	if (!w)
		return INFINITY;	/* draw nothing rather than too much */
	for (i = 1, n = 0; i < fg->nr; i++)
		if (visible(&fg->nodes[i], minwidth))
			w[n++] = fg->nodes[i].width;
	cap = topn__threshold(w, n, max);
	for (i = max; i > 0 && w[i - 1] < cap; i--)
		;
	*dropped = n - i;
	free(w);
	return cap;
}

uint32_t flamegraph__max_depth(const struct flamegraph *fg, double minwidth)
{
	uint32_t max = 0;
	size_t i;

	/*
	 * Widths shrink from parent to child, so a frame is drawn when it is
	 * wide enough, and an aggregate appears one level below a drawn
	 * frame with a narrow child.
	 */
	for (i = 1; i < fg->nr; i++) {
		const struct fg_node *n = &fg->nodes[i];
		const struct fg_node *p = &fg->nodes[n->parent - 1];

		if (n->width <= 0 || n->depth <= max)
			continue;
		if (visible(n, minwidth) || n->parent == 1 ||
		    visible(p, minwidth))
			max = n->depth;
	}
	return max;
}

/* A pending box of the layout walk. */
struct fg_ent {
	uint32_t node;		/* the frame, or the first of a run */
	uint32_t count;		/* 0: a frame to expand; else narrow run */
	double x;
	double width, value, base;
};

struct walk {
	const struct flamegraph *fg;
	struct fg_ent *stack;
	size_t nr, cap;
	uint32_t *kids;
	size_t kids_cap;
	struct fg_ent *row;	/* a node's children before pushing */
	size_t row_cap;
};

static const char *node_name(const struct flamegraph *fg,
			     const struct fg_node *n)
{
	return fg->names.strs[n->name_id - 1];
}

static int cmp_kids(const void *a, const void *b, void *ctx)
{
	const struct flamegraph *fg = ctx;
	const struct fg_node *x = &fg->nodes[*(const uint32_t *)a - 1];
	const struct fg_node *y = &fg->nodes[*(const uint32_t *)b - 1];
	int c = x->name_id == y->name_id ? 0 :
		strcmp(node_name(fg, x), node_name(fg, y));

	return c ? c : (int)x->kind - (int)y->kind;
}

static void box_of_node(const struct flamegraph *fg, uint32_t id, double x,
			struct fg_box *b)
{
	const struct fg_node *n = &fg->nodes[id - 1];

	memset(b, 0, sizeof(*b));
	b->name = node_name(fg, n);
	b->kind = n->kind;
	b->depth = n->depth;
	b->x = x;
	b->width = n->width;
	b->value = n->value;
	b->base = n->base * fg->scale;
	b->base_raw = n->base;
	if (id == 1)
		b->flags |= FG_BOX_ROOT;
	if (n->value <= 0 && n->base > 0)
		b->flags |= FG_BOX_VANISHED;
}

/* Pushes the children of @id, starting at @x, onto the walk's stack. */
static int push_children(struct walk *w, uint32_t id, double x,
			 double minwidth)
{
	const struct flamegraph *fg = w->fg;
	size_t nk = 0, nv, nr = 0, i;
	uint32_t c;

	for (c = fg->nodes[id - 1].first_child; c;
	     c = fg->nodes[c - 1].next_sibling) {
		if (fg->nodes[c - 1].width <= 0)
			continue;
		if (array__grow((void **)&w->kids, &w->kids_cap, nk + 1,
			 sizeof(*w->kids)))
			return -ENOMEM;
		w->kids[nk++] = c;
	}
	if (!nk)
		return 0;
	if (!(fg->flags & FG_FLAMECHART)) {
		/* Visible children by name, then the narrow ones. */
		uint32_t *tmp = w->kids, t;
		size_t lo = 0, hi = nk;

		while (lo < hi) {
			if (visible(&fg->nodes[tmp[lo] - 1], minwidth)) {
				lo++;
			} else {
				t = tmp[lo];
				tmp[lo] = tmp[--hi];
				tmp[hi] = t;
			}
		}
		nv = lo;
		qsort_r(tmp, nv, sizeof(*tmp), cmp_kids, (void *)fg);
	}
	if (array__grow((void **)&w->row, &w->row_cap, nk, sizeof(*w->row)))
		return -ENOMEM;
	for (i = 0; i < nk; i++) {
		const struct fg_node *n = &fg->nodes[w->kids[i] - 1];
		struct fg_ent *e;

		if (visible(n, minwidth)) {
			e = &w->row[nr++];
			memset(e, 0, sizeof(*e));
			e->node = w->kids[i];
			e->x = x;
			x += n->width;
			continue;
		}
		/* A run of narrow children becomes one aggregate. */
		e = nr ? &w->row[nr - 1] : NULL;
		if (!e || !e->count) {
			e = &w->row[nr++];
			memset(e, 0, sizeof(*e));
			e->node = w->kids[i];
			e->x = x;
		}
		e->count++;
		e->width += n->width;
		e->value += n->value;
		e->base += n->base;
		x += n->width;
	}
	if (array__grow((void **)&w->stack, &w->cap, w->nr + nr, sizeof(*w->stack)))
		return -ENOMEM;
	for (i = nr; i-- > 0;)
		w->stack[w->nr++] = w->row[i];
	return 0;
}

int flamegraph__layout(const struct flamegraph *fg, double minwidth,
		       fg_box_fn fn, void *ctx)
{
	struct walk w = { .fg = fg };
	struct fg_box box;
	int err = 0;

	if (array__grow((void **)&w.stack, &w.cap, 1, sizeof(*w.stack)))
		return -ENOMEM;
	memset(&w.stack[0], 0, sizeof(w.stack[0]));
	w.stack[0].node = 1;
	w.nr = 1;
	while (w.nr && !err) {
		struct fg_ent e = w.stack[--w.nr];

		if (e.count > 1) {
			const struct fg_node *p =
				&fg->nodes[fg->nodes[e.node - 1].parent - 1];

			memset(&box, 0, sizeof(box));
			box.flags = FG_BOX_AGGREGATE;
			box.depth = p->depth + 1;
			box.x = e.x;
			box.width = e.width;
			box.value = e.value;
			box.base = e.base * fg->scale;
			box.base_raw = e.base;
			box.nr_merged = e.count;
			err = fn(&box, ctx);
			continue;
		}
		box_of_node(fg, e.node, e.x, &box);
		err = fn(&box, ctx);
		/* A lone narrow frame is drawn, its narrower subtree is not. */
		if (!err && !e.count)
			err = push_children(&w, e.node, e.x, minwidth);
	}
	free(w.stack);
	free(w.kids);
	free(w.row);
	return err;
}
