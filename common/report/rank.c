// SPDX-License-Identifier: GPL-2.0
/*
 * The ranking table of `ebprof report` (see rank.h): rows ranked by self
 * or total share, cut at -n and --percent-limit, as text, Markdown or
 * JSON.  Not here: the ranking itself (profile/report.c), the cells every
 * table shares (cells.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "report/cells.h"
#include "report/rank.h"

static const struct report_id *row_id(const void *rows, size_t i)
{
	return &((const struct report_row *)rows)[i].id;
}

/* Number of rows to show: within -n and --percent-limit. */
static size_t shown_rows(const struct report *r, const struct report_view *a)
{
	size_t n = 0;

	while (n < r->nr_rows && (!a->max_rows || n < a->max_rows)) {
		const struct report_row *row = &r->rows[n];
		double v = a->by_total ? row->total : row->self;

		if (a->limit > 0 && report_pct(v, r->total) < a->limit)
			break;
		n++;
	}
	return n;
}

static void rank_text(FILE *f, const struct report *r, const struct profile *p,
		      size_t type, double input_total,
		      const struct report_view *a)
{
	size_t n = shown_rows(r, a), i;
	int w[REPORT_NR_KEYS];

	fprintf(f, "# ebprof report: ");
	report_value__print(f, 0, r->total);
	fprintf(f, " %s (%s)", p->types[type].type, p->types[type].unit);
	if (r->total != input_total) {
		fprintf(f, " of ");
		report_value__print(f, 0, input_total);
		fprintf(f, " after filters");
	}
	fprintf(f, ", ranked by %s share\n# Samples: %s samples\n#\n",
		a->by_total ? "total" : "self", a->by_total ? "total" : "self");
	report_cells__widths(&r->keys, row_id, r->rows, n, w);
	fprintf(f, "#%7s  %7s %9s", "Self", "Total", "Samples");
	report_cells__print(f, &r->keys, NULL, w);
	for (i = 0; i < n; i++) {
		const struct report_row *row = &r->rows[i];

		fprintf(f, "%7.2f%% %7.2f%% ",
			report_pct(row->self, r->total),
			report_pct(row->total, r->total));
		report_value__print(f, 9, a->by_total ? row->total :
				    row->self);
		report_cells__print(f, &r->keys, &row->id, w);
	}
	if (n < r->nr_rows)
		fprintf(f, "# %zu more row%s below the limits\n",
			r->nr_rows - n, r->nr_rows - n == 1 ? "" : "s");
}

static void rank_markdown(FILE *f, const struct report *r,
			  const struct report_view *a)
{
	size_t n = shown_rows(r, a), i, k;

	fprintf(f, "| Self %% | Total %% | Samples |");
	report_cells__markdown(f, &r->keys, NULL);
	fprintf(f, "\n|---:|---:|---:|");
	for (k = 0; k < r->keys.nr; k++)
		fprintf(f, "---|");
	fputc('\n', f);
	for (i = 0; i < n; i++) {
		const struct report_row *row = &r->rows[i];

		fprintf(f, "| %.2f | %.2f | ",
			report_pct(row->self, r->total),
			report_pct(row->total, r->total));
		report_value__print(f, 0, a->by_total ? row->total :
				    row->self);
		fprintf(f, " |");
		report_cells__markdown(f, &r->keys, &row->id);
		fputc('\n', f);
	}
}

static void rank_json(FILE *f, const struct report *r, const struct profile *p,
		      size_t type, double input_total,
		      const struct report_view *a)
{
	size_t n = shown_rows(r, a), i;
	struct json j;

	json__init(&j, f);
	report_json__head(&j, "rank", p, type, a);
	json__key(&j, "total");
	json__double(&j, r->total);
	json__key(&j, "input_total");
	json__double(&j, input_total);
	json__key(&j, "order");
	json__string(&j, a->by_total ? "total" : "self");
	report_json__sort(&j, &r->keys);
	json__key(&j, "rows");
	json__begin_array(&j);
	for (i = 0; i < n; i++) {
		const struct report_row *row = &r->rows[i];

		json__begin_object(&j);
		report_cells__json(&j, &r->keys, &row->id);
		json__key(&j, "self");
		json__double(&j, row->self);
		json__key(&j, "total");
		json__double(&j, row->total);
		json__key(&j, "self_pct");
		json__fixed(&j, report_pct(row->self, r->total), 4);
		json__key(&j, "total_pct");
		json__fixed(&j, report_pct(row->total, r->total), 4);
		json__end_object(&j);
	}
	json__end_array(&j);
	json__key(&j, "more_rows");
	json__int(&j, (int64_t)(r->nr_rows - n));
	json__end_object(&j);
	json__finish(&j);
}

int report_rank__print(FILE *f, const struct profile *fp, size_t type,
		       double input_total, const struct report_view *a)
{
	struct report *r = report__rank(fp, type, &a->keys);
	int err;

	if (!r) {
		err = errno ? -errno : -ENOMEM;
		pr_err("cannot rank: %s", strerror(-err));
		return err;
	}
	report__sort(r, a->by_total);
	if (a->fmt == REPORT_FMT_JSON)
		rank_json(f, r, fp, type, input_total, a);
	else if (a->fmt == REPORT_FMT_MARKDOWN)
		rank_markdown(f, r, a);
	else
		rank_text(f, r, fp, type, input_total, a);
	report__free(r);
	return 0;
}
