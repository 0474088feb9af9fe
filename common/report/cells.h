/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pieces the report tables share, so that the ranking, the comparison,
 * the call tree and the annotation print a symbol, a module, a value or a
 * percentage the same way: frame kinds as "[k]" tags or JSON names, the key
 * columns of a row (text, Markdown, JSON), and the head every JSON report
 * starts with.  Not here: the tables (rank.c, diff.c, tree.c,
 * annotate_out.c) or the numbers in them (profile/report.c).
 */
#ifndef EBPROF_REPORT_CELLS_H
#define EBPROF_REPORT_CELLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "format/json.h"
#include "profile/report.h"
#include "report/view.h"

/* "[.]", "[k]", "[j]" or "[i]" for an enum pf_kind. */
const char *report_kind__tag(uint8_t kind);
/* "user", "kernel", "jit", "inline" or "waker", as the JSON says it. */
const char *report_kind__name(uint8_t kind);
/* @v right-aligned in @width: an integer when it is one, else 2 decimals. */
void report_value__print(FILE *f, int width, double v);
/* @v as a percentage of @total; 0 when @total is. */
double report_pct(double v, double total);

/*
 * Text of column @k of @id, in @buf (size @len) or a string of @id.
 * @text: as the text table shows it (kind tag before the symbol, the
 * module's base name), else as it is.
 */
const char *report_cell__text(const struct report_id *id, enum report_key k,
			      char *buf, size_t len, bool text);
/* Width of each key column (w[k]) over rows [0, @n), capped at 32. */
void report_cells__widths(const struct report_keys *keys,
			  const struct report_id *(*get)(const void *, size_t),
			  const void *rows, size_t n, int *w);
/* The key columns of @id, or their titles when @id is NULL, and '\n'. */
void report_cells__print(FILE *f, const struct report_keys *keys,
			 const struct report_id *id, const int *w);
/* The same as Markdown table cells (" x |" each), escaped. */
void report_cells__markdown(FILE *f, const struct report_keys *keys,
			    const struct report_id *id);
/* The same as members of the JSON object being written. */
void report_cells__json(struct json *j, const struct report_keys *keys,
			const struct report_id *id);

/*
 * Opens a JSON report: schema, @mode ("rank", "call_graph", ...), the
 * inputs of @a and @p's sample @type with its unit.  The caller adds its
 * members and closes the object.
 */
void report_json__head(struct json *j, const char *mode,
		       const struct profile *p, size_t type,
		       const struct report_view *a);
/* The "sort" member: the names of @keys. */
void report_json__sort(struct json *j, const struct report_keys *keys);

#endif
