// SPDX-License-Identifier: GPL-2.0
/*
 * The comparison of `ebprof report --base` and its regression gate (see
 * diff.h): base and new shares side by side, ordered by growth, rows that
 * fail the gate marked, as text, Markdown or JSON, and one warning a
 * regression on stderr.  Not here: the statistics (profile/report.c),
 * reading the recordings (inputs.c), the exit status (cmd/report.c).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "report/cells.h"
#include "report/diff.h"

static const struct report_id *diff_id(const void *rows, size_t i)
{
	return &((const struct report_diff_row *)rows)[i].id;
}

static size_t diff_shown(const struct report_diff *d,
			 const struct report_view *a)
{
	size_t n = 0, i;

	/* Rows are by delta: show growth first, within the limits. */
	for (i = 0; i < d->nr_rows; i++) {
		const struct report_diff_row *r = &d->rows[i];

		if (a->max_rows && n >= a->max_rows && !r->regression)
			continue;
		if (a->limit > 0 && fmax(r->base_pct, r->new_pct) < a->limit &&
		    !r->regression)
			continue;
		n++;
	}
	return n;
}

static bool diff_row_shown(const struct report_diff *d, size_t i,
			   size_t *count, const struct report_view *a)
{
	const struct report_diff_row *r = &d->rows[i];

	if (!r->regression) {
		if (a->max_rows && *count >= a->max_rows)
			return false;
		if (a->limit > 0 && fmax(r->base_pct, r->new_pct) < a->limit)
			return false;
	}
	(*count)++;
	return true;
}

static void diff_gate_line(FILE *f, const struct report_view *a)
{
	if (a->fail_pct < 0)
		fprintf(f, "no gate (--fail-on-regression not given)");
	else
		fprintf(f, "fail when a %s share grows by more than %.2f "
			"points with at least %g samples and z-test p < %g",
			a->by_total ? "total" : "self", a->fail_pct,
			a->min_samples, a->alpha);
}

static void diff_text(FILE *f, const struct report_diff *d,
		      const struct report_keys *keys,
		      const struct report_view *a)
{
	size_t i, count = 0, n = diff_shown(d, a);
	struct report_diff_row *sel;
	int w[REPORT_NR_KEYS];

	fprintf(f, "# ebprof report: base ");
	report_value__print(f, 0, d->base_total);
	fprintf(f, ", new ");
	report_value__print(f, 0, d->new_total);
	fprintf(f, " samples; %s shares, by growth\n# gate: ",
		a->by_total ? "total" : "self");
	diff_gate_line(f, a);
	fprintf(f, "\n#\n");
	sel = calloc(n + 1, sizeof(*sel));
	if (sel) {
		for (i = 0; i < d->nr_rows; i++)
			if (diff_row_shown(d, i, &count, a))
				sel[count - 1] = d->rows[i];
		report_cells__widths(keys, diff_id, sel, n, w);
	} else {
		report_cells__widths(keys, diff_id, d->rows, 0, w);
	}
	fprintf(f, "#%7s %8s %7s %8s ", "Base", "New", "Delta", "z");
	report_cells__print(f, keys, NULL, w);
	count = 0;
	for (i = 0; i < d->nr_rows; i++) {
		const struct report_diff_row *r = &d->rows[i];

		if (!diff_row_shown(d, i, &count, a))
			continue;
		fprintf(f, "%7.2f%% %7.2f%% %+7.2f %8.2f%s", r->base_pct,
			r->new_pct, r->delta, r->z,
			r->regression ? "!" : " ");
		report_cells__print(f, keys, &r->id, w);
	}
	fprintf(f, "# %zu regression%s%s\n", d->nr_regressions,
		d->nr_regressions == 1 ? "" : "s",
		d->nr_regressions ? " (marked !)" : "");
	free(sel);
}

static void diff_markdown(FILE *f, const struct report_diff *d,
			  const struct report_keys *keys,
			  const struct report_view *a)
{
	size_t i, k, count = 0;

	if (a->fail_pct >= 0)
		fprintf(f, "**ebprof: %zu regression%s** (%s share grew by "
			"more than %.2f points, significant at p < %g)\n\n",
			d->nr_regressions, d->nr_regressions == 1 ? "" : "s",
			a->by_total ? "total" : "self", a->fail_pct, a->alpha);
	fprintf(f, "|");
	report_cells__markdown(f, keys, NULL);
	fprintf(f, " Base %% | New %% | Δ points | |\n|");
	for (k = 0; k < keys->nr; k++)
		fprintf(f, "---|");
	fprintf(f, "---:|---:|---:|---|\n");
	for (i = 0; i < d->nr_rows; i++) {
		const struct report_diff_row *r = &d->rows[i];

		if (!diff_row_shown(d, i, &count, a))
			continue;
		fprintf(f, "|");
		report_cells__markdown(f, keys, &r->id);
		fprintf(f, " %.2f | %.2f | %+.2f | %s |\n", r->base_pct,
			r->new_pct, r->delta,
			r->regression ? "**regression**" : "");
	}
}

static void diff_json(FILE *f, const struct report_diff *d,
		      const struct report_keys *keys, const struct profile *p,
		      size_t type, const struct report_view *a)
{
	size_t i, count = 0;
	struct json j;

	json__init(&j, f);
	report_json__head(&j, "compare", p, type, a);
	json__key(&j, "bases");
	json__begin_array(&j);
	for (i = 0; i < a->nr_bases; i++)
		json__string(&j, a->bases[i]);
	json__end_array(&j);
	json__key(&j, "base_total");
	json__double(&j, d->base_total);
	json__key(&j, "new_total");
	json__double(&j, d->new_total);
	json__key(&j, "order");
	json__string(&j, a->by_total ? "total" : "self");
	report_json__sort(&j, keys);
	json__key(&j, "gate");
	json__begin_object(&j);
	json__key(&j, "threshold");
	if (a->fail_pct >= 0)
		json__double(&j, a->fail_pct);
	else
		json__null(&j);
	json__key(&j, "min_samples");
	json__double(&j, a->min_samples);
	json__key(&j, "alpha");
	json__double(&j, a->alpha);
	json__end_object(&j);
	json__key(&j, "regressions");
	json__int(&j, (int64_t)d->nr_regressions);
	json__key(&j, "rows");
	json__begin_array(&j);
	for (i = 0; i < d->nr_rows; i++) {
		const struct report_diff_row *r = &d->rows[i];

		if (!diff_row_shown(d, i, &count, a))
			continue;
		json__begin_object(&j);
		report_cells__json(&j, keys, &r->id);
		json__key(&j, "base");
		json__double(&j, r->base);
		json__key(&j, "new");
		json__double(&j, r->new);
		json__key(&j, "base_pct");
		json__fixed(&j, r->base_pct, 4);
		json__key(&j, "new_pct");
		json__fixed(&j, r->new_pct, 4);
		json__key(&j, "delta");
		json__fixed(&j, r->delta, 4);
		json__key(&j, "z");
		json__fixed(&j, r->z, 4);
		json__key(&j, "p_value");
		json__double(&j, r->p_value);
		json__key(&j, "regression");
		json__bool(&j, r->regression);
		json__end_object(&j);
	}
	json__end_array(&j);
	json__end_object(&j);
	json__finish(&j);
}

/*
 * Factor from @p's values of @type to sample counts for the noise test:
 * 1 for counts, 1 / period for values in the period's unit (cpu time).
 */
static double count_scale(const struct profile *p, size_t type)
{
	const struct pf_value_type *t = &p->types[type];

	if (!strcmp(t->unit, "count"))
		return 1;
	if (p->period > 0 && p->period_type.unit &&
	    !strcmp(p->period_type.unit, t->unit))
		return 1.0 / (double)p->period;
	pr_warn("sample type '%s' (%s) is not a count: the noise test "
		"takes its values as counts", t->type, t->unit);
	return 1;
}

int report_compare__print(FILE *f, const struct profile *fbase, size_t bt,
			  const struct profile *fp, size_t type,
			  const struct report_view *a, bool *failed)
{
	struct report *rb = NULL, *rn = NULL;
	struct report_diff *d = NULL;
	struct report_gate g;
	int err = -ENODATA;	/* no samples left */
	size_t i;

	*failed = false;
	rb = report__rank(fbase, bt, &a->keys);
	rn = report__rank(fp, type, &a->keys);
	if (!rb || !rn) {
		err = errno ? -errno : -ENOMEM;
		pr_err("cannot rank: %s", strerror(-err));
		goto out;
	}
	if (!rb->total || !rn->total) {
		pr_err("no samples left in the %s recording after the filters",
		       rb->total ? "new" : "base");
		goto out;
	}
	g.threshold = a->fail_pct;
	g.min_samples = a->min_samples;
	g.alpha = a->alpha;
	g.by_total = a->by_total;
	g.base_scale = count_scale(fbase, bt);
	g.new_scale = count_scale(fp, type);
	d = report__diff(rb, rn, &g);
	if (!d) {
		err = errno ? -errno : -ENOMEM;
		pr_err("cannot compare: %s", strerror(-err));
		goto out;
	}
	if (a->fmt == REPORT_FMT_JSON)
		diff_json(f, d, &a->keys, fp, type, a);
	else if (a->fmt == REPORT_FMT_MARKDOWN)
		diff_markdown(f, d, &a->keys, a);
	else
		diff_text(f, d, &a->keys, a);
	for (i = 0; i < d->nr_rows; i++) {
		const struct report_diff_row *r = &d->rows[i];
		char buf[4096];

		if (!r->regression)
			continue;
		pr_warn("regression: %s grew from %.2f%% to %.2f%% "
			"(%+.2f points, z = %.2f)",
			r->id.sym ? r->id.sym :
			report_cell__text(&r->id, a->keys.k[0], buf,
					  sizeof(buf), true),
			r->base_pct, r->new_pct, r->delta, r->z);
	}
	*failed = d->nr_regressions && a->fail_pct >= 0;
	err = 0;
out:
	report_diff__free(d);
	report__free(rb);
	report__free(rn);
	return err;
}
