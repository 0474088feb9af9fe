/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `ebprof report` computes from a profile: rows ranked by self and
 * total (inclusive) value under sort keys (sym, dso, comm, pid), sample
 * filters, caller / callee call trees, and the comparison of a base and a
 * new profile with a noise floor for the regression gate.  No printing
 * here (common/report/ prints), no reading of files (input.h).
 *
 * Rows, trees and comparisons point at strings of the profiles they were
 * computed from: free them before the profiles.
 */
#ifndef EBPROF_REPORT_H
#define EBPROF_REPORT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/hashmap.h"
#include "profile/profile.h"

enum report_key {
	REPORT_KEY_SYM,		/* function name (and kind) */
	REPORT_KEY_DSO,		/* module */
	REPORT_KEY_COMM,	/* thread (or process) name */
	REPORT_KEY_PID,		/* process id */
	REPORT_KEY_CONTAINER,	/* container name, else "[host]" */
	REPORT_NR_KEYS,
};

struct report_keys {
	enum report_key k[REPORT_NR_KEYS];
	size_t nr;
};

/* "sym,dso" -> keys.  0 or -EINVAL (unknown or repeated key, empty). */
int report_keys__parse(struct report_keys *keys, const char *s);
const char *report_key__name(enum report_key k);
bool report_keys__has(const struct report_keys *keys, enum report_key k);

/* Identity of a row; the fields of keys not sorted on are NULL / 0. */
struct report_id {
	const char *sym;
	uint8_t kind;		/* enum pf_kind of sym */
	const char *dso;
	const char *comm;
	int32_t pid;
	const char *container;
};

struct report_row {
	struct report_id id;
	double self;		/* samples whose leaf is this row */
	double total;		/* samples with this row anywhere, once each */
};

struct report {
	struct report_keys keys;
	struct report_row *rows;
	size_t nr_rows;
	double total;		/* sum over every sample */
	size_t nr_samples;	/* distinct (stack, labels) samples */
	/* Private. */
	struct hashmap idx;
	size_t cap;
};

/*
 * Module of frame @f of @p: its module, else its mapping's file, else
 * "[kernel.kallsyms]" for kernel frames, else the frame's own name when it
 * is a "[lib.so]"-style placeholder, else "[unknown]".
 */
const char *report__frame_dso(const struct profile *p,
			      const struct pf_frame *f);
/* Thread name of a sample, else its process name, else NULL. */
const char *report__sample_comm(const struct pf_sample *s);
/* Container name of a sample (record's labels), else "[host]". */
const char *report__sample_container(const struct pf_sample *s);

/*
 * Ranks @p's value @type under @keys.  Recursion counts once in a row's
 * total.  Rows come in no particular order: see report__sort().
 * Returns NULL with errno set (ENOMEM, EINVAL).
 */
struct report *report__rank(const struct profile *p, size_t type,
			    const struct report_keys *keys);
/* Orders rows by self (or total) descending, then by identity. */
void report__sort(struct report *r, bool by_total);
void report__free(struct report *r);

/*
 * Folded input names the thread in the root frame ("comm", "comm-PID" or
 * "comm-PID/TID").  Returns a copy of @src whose samples have that root
 * frame moved into their labels: PID and TID are parsed only when every
 * root frame of @src carries them, so a thread that is merely called
 * "worker-3" stays whole.  NULL with errno set.
 */
struct profile *report__comm_from_root(const struct profile *src);

struct report_filter {
	const char *const *comms;	/* keep these threads (any of them) */
	size_t nr_comms;
	const int32_t *pids;		/* keep these processes */
	size_t nr_pids;
	const char *const *containers;	/* keep these containers: names,
					 * ids or id prefixes */
	size_t nr_containers;
	const regex_t *focus;		/* keep stacks with a matching frame */
	const regex_t *ignore;		/* drop stacks with a matching frame */
};

/*
 * Copy of @src with only the samples @f keeps, and @type as its default
 * sample type (what the folded and pprof writers write).  NULL, errno set.
 */
struct profile *report__filter(const struct profile *src, size_t type,
			       const struct report_filter *f);

/* A call tree: node 0 is a root above every stack. */
struct report_node {
	const char *sym;
	uint8_t kind;
	const char *dso;
	double self;		/* caller tree: samples ending here */
	double total;		/* samples through this node */
	uint32_t parent, child, next;	/* node indexes; 0: none */
	uint32_t depth;		/* 0 for the root */
};

struct report_tree {
	struct report_node *nodes;
	size_t nr_nodes;
	double total;
	bool callee;		/* leaf-first (callee) rather than root-first */
	/* Private. */
	struct hashmap idx;
	size_t cap;
};

/*
 * Call tree of @p's value @type: root-first (callers above callees), or,
 * with @callee, leaf-first (each function above its callers).  Siblings
 * are ordered by total, descending.  NULL with errno set.
 */
struct report_tree *report__tree(const struct profile *p, size_t type,
				 bool callee);
void report_tree__free(struct report_tree *t);
/* Next node of a depth-first walk from @i (0 starts), skipping the
 * children of nodes for which @descend is false; 0 at the end. */
uint32_t report_tree__next(const struct report_tree *t, uint32_t i,
			   bool descend);

/* Most call-tree nodes printed, whatever the input and --percent-limit. */
#define REPORT_MAX_NODES 100000

/*
 * The percent limit (@limit or higher) under which nodes are hidden so
 * that at most @max are shown: a few KB of gzip can describe millions of
 * nodes.  *hidden: the nodes above @limit that the raise hides.
 */
double report_tree__cap_limit(const struct report_tree *t, double limit,
			      size_t max, size_t *hidden);

/* The noise floor of the regression gate. */
struct report_gate {
	double threshold;	/* percentage points; < 0: no gate */
	double min_samples;	/* fewer in the new profile never fail */
	double alpha;		/* significance level of the z-test */
	bool by_total;		/* compare total rather than self shares */
	/*
	 * Values times scale = sample counts, for the test and min_samples
	 * (1 / period for values in nanoseconds); <= 0 means 1.
	 */
	double base_scale, new_scale;
};

struct report_diff_row {
	struct report_id id;
	double base, new;	/* values (self or total) */
	double base_pct, new_pct;
	double delta;		/* new_pct - base_pct, percentage points */
	double z;		/* two-proportion z statistic */
	double p_value;		/* one-sided, for growth */
	bool regression;
};

struct report_diff {
	struct report_diff_row *rows;
	size_t nr_rows;
	double base_total, new_total;
	size_t nr_regressions;
};

/*
 * Compares two rankings made with the same keys; rows are matched by
 * content and ordered by delta, descending.  A row is a regression when
 * its share grew by more than @g->threshold points, it has at least
 * @g->min_samples in the new profile, and a one-sided two-proportion
 * z-test rejects "same share" at level @g->alpha.  NULL with errno set.
 */
struct report_diff *report__diff(const struct report *base,
				 const struct report *nw,
				 const struct report_gate *g);
void report_diff__free(struct report_diff *d);

/* One-sided p-value of a growth from @a of @na to @b of @nb; sets @z. */
double report__z_test(double a, double na, double b, double nb, double *z);

#endif
