/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data of a live view (`ebprof top`): a decaying window of stacks fed
 * one interval profile at a time, and what is shown of it: functions
 * ranked by self or total share with their module and process, with or
 * without kernel frames, per process or not, filtered by a regular
 * expression, and the callers of one function as a leaf-first tree (as
 * `report -g callee`).  Ranking and trees are report.c's.  Not here:
 * sampling (session.c), drawing (top_tui.c), text output (cmd/top.c).
 */
#ifndef EBPROF_LIVE_H
#define EBPROF_LIVE_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile/profile.h"
#include "profile/report.h"

struct live;

/*
 * @keep: the weight an interval keeps per following interval, in (0, 1]
 * (1: no decay, every interval counts the same).
 */
struct live *live__new(double keep);
void live__free(struct live *l);

/* Decays the window, then adds @interval's samples.  0 or -ENOMEM. */
int live__push(struct live *l, const struct profile *interval);

/* Weighted samples in the window. */
double live__weight(const struct live *l);
/* Percent of the window whose leaf function has no symbol. */
double live__unresolved(const struct live *l);

struct live_view_opts {
	bool by_total;		/* sort by total share, else self */
	bool kernel;		/* show kernel frames */
	bool per_process;	/* one row per (function, process) */
	bool per_container;	/* unless per_process: one row per
				 * (function, container or "[host]") */
	const regex_t *filter;	/* rows whose function, module or process
				 * matches; NULL: every row */
};

struct live_row {
	const char *sym;	/* function */
	uint8_t kind;		/* enum pf_kind */
	const char *dso;	/* module path */
	const char *process;	/* process name (the busiest one), or NULL;
				 * per container: the container's name */
	int32_t pid;		/* its pid, 0 unknown (or per container) */
	size_t nr_procs;	/* processes the row's samples come from */
	double self, total;	/* percent of every sample of the window */
	/* Private. */
	double best;		/* the busiest process's weight */
};

struct live_view {
	struct live_row *rows;	/* sorted, filtered */
	size_t nr_rows;
	double total;		/* weighted samples */
	double unresolved;	/* percent of samples whose leaf has no name */
	/* Private: the strings of the rows live here. */
	struct profile *p;
	struct report *rank;
};

/* The column names of live_row__format()'s lines (per container: the
 * second names CONTAINER for PROCESS). */
extern const char live__columns[];
extern const char live__columns_container[];
const char *live__columns_of(const struct live_view_opts *o);
/* A row as a line of text: shares, process, module's file name, function. */
void live_row__format(const struct live_row *r, char *buf, size_t len);

/* NULL with errno set. */
struct live_view *live__view(struct live *l, const struct live_view_opts *o);
void live_view__free(struct live_view *v);

struct live_callers {
	struct report_tree *tree;	/* node 1: the function; below it
					 * its callers, leaf-first */
	/* Private. */
	struct profile *p;
};

/*
 * The callers of @row (a row of a view made with the same @o): every
 * stack of the window through it, cut at its leaf-most occurrence, as a
 * callee tree.  NULL with errno set.
 */
struct live_callers *live__callers(struct live *l,
				   const struct live_view_opts *o,
				   const struct live_row *row);
void live_callers__free(struct live_callers *c);

#endif
