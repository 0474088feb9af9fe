// SPDX-License-Identifier: GPL-2.0
/*
 * Call trees of `ebprof report -g` (see tree.h), as indented text or
 * nested JSON, nodes under the percent limit hidden.  Not here: building
 * the tree (profile/report.c), the cells every table shares (cells.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "report/cells.h"
#include "report/tree.h"

#define TREE_LIMIT	0.5	/* default --percent-limit of call trees */
#define WIDTH		80

static bool node_shown(const struct report_tree *t, uint32_t i, double limit)
{
	return report_pct(t->nodes[i].total, t->total) >= limit;
}

static void tree_text(FILE *f, const struct report_tree *t, double limit)
{
	uint32_t i = report_tree__next(t, 0, true);
	bool callee = t->callee;

	fprintf(f, "# ebprof report: call graph (%s), ", callee ? "callee" :
		"caller");
	report_value__print(f, 0, t->total);
	fprintf(f, " samples; nodes under %.2f%% hidden\n", limit);
	if (callee)
		fprintf(f, "#  Total  function, then its callers below it\n");
	else
		fprintf(f, "#  Total     Self  function, then its callees "
			"below it\n");
	while (i) {
		const struct report_node *n = &t->nodes[i];
		bool show = node_shown(t, i, limit);

		if (show) {
			int used = callee ? 10 : 19, indent, room;
			unsigned int d = n->depth - 1;
			char deep[16] = "";

			if (callee)
				fprintf(f, "%7.2f%%  ", report_pct(n->total,
							     t->total));
			else
				fprintf(f, "%7.2f%% %7.2f%%  ",
					report_pct(n->total, t->total),
					report_pct(n->self, t->total));
			/* Past 16 levels the depth is written, not drawn. */
			if (d > 16) {
				snprintf(deep, sizeof(deep), "%u:", d);
				d = 16;
			}
			indent = 2 * d;
			fprintf(f, "%*s%s", indent, "", deep);
			room = WIDTH - used - indent - (int)strlen(deep) - 4;
			if ((int)strlen(n->sym) > room)
				fprintf(f, "%s %.*s...\n",
					report_kind__tag(n->kind), room - 3,
					n->sym);
			else
				fprintf(f, "%s %s\n", report_kind__tag(n->kind),
					n->sym);
		}
		i = report_tree__next(t, i, show);
	}
}

static void tree_json(FILE *f, const struct report_tree *t, double limit,
		      const struct profile *p, size_t type,
		      const struct report_view *a)
{
	uint32_t i = report_tree__next(t, 0, true), open = 0;
	struct json j;

	json__init(&j, f);
	report_json__head(&j, "call_graph", p, type, a);
	json__key(&j, "direction");
	json__string(&j, t->callee ? "callee" : "caller");
	json__key(&j, "total");
	json__double(&j, t->total);
	json__key(&j, "percent_limit");
	json__double(&j, limit);
	json__key(&j, "roots");
	json__begin_array(&j);
	while (i) {
		const struct report_node *n = &t->nodes[i];
		bool show = node_shown(t, i, limit);

		if (show) {
			for (; open >= n->depth; open--) {
				json__end_array(&j);
				json__end_object(&j);
			}
			json__begin_object(&j);
			json__key(&j, "sym");
			json__string(&j, n->sym);
			json__key(&j, "kind");
			json__string(&j, report_kind__name(n->kind));
			json__key(&j, "dso");
			json__string(&j, n->dso);
			json__key(&j, "total");
			json__double(&j, n->total);
			json__key(&j, "total_pct");
			json__fixed(&j, report_pct(n->total, t->total), 4);
			if (!t->callee) {
				json__key(&j, "self");
				json__double(&j, n->self);
				json__key(&j, "self_pct");
				json__fixed(&j, report_pct(n->self, t->total),
					    4);
			}
			json__key(&j, t->callee ? "callers" : "callees");
			json__begin_array(&j);
			open++;
		}
		i = report_tree__next(t, i, show);
	}
	for (; open; open--) {
		json__end_array(&j);
		json__end_object(&j);
	}
	json__end_array(&j);
	json__end_object(&j);
	json__finish(&j);
}

int report_tree__print(FILE *f, const struct profile *fp, size_t type,
		       bool callee, const struct report_view *a)
{
	struct report_tree *t = report__tree(fp, type, callee);
	double limit = a->limit >= 0 ? a->limit : TREE_LIMIT;
	size_t hidden;
	int err;

	if (!t) {
		err = errno ? -errno : -ENOMEM;
		pr_err("cannot build the call tree: %s", strerror(-err));
		return err;
	}
	limit = report_tree__cap_limit(t, limit, REPORT_MAX_NODES, &hidden);
	if (hidden)
		pr_warn("%zu call-tree nodes hidden: at most %d are shown "
			"(a larger --percent-limit shows fewer)", hidden,
			REPORT_MAX_NODES);
	if (a->fmt == REPORT_FMT_JSON)
		tree_json(f, t, limit, fp, type, a);
	else
		tree_text(f, t, limit);
	report_tree__free(t);
	return 0;
}
