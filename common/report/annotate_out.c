// SPDX-License-Identifier: GPL-2.0
/*
 * The output of `ebprof report --annotate` (see annotate_out.h): samples
 * per instruction, with the source line above the instructions where it
 * changes, as text or JSON.  Not here: finding and disassembling the
 * function (annotate.c), its source lines (annotate_src.c).
 */
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "report/annotate.h"
#include "report/annotate_out.h"
#include "report/annotate_src.h"
#include "report/cells.h"

int report_annotate__print(FILE *f, const struct profile *fp, size_t type,
			   const char *symbol, const struct report_view *a)
{
	struct annotation *an;
	struct src_cache *src;
	char err[512];
	struct json j;
	size_t i;
	int r;

	r = annotate__symbol(fp, type, symbol, &an, err, sizeof(err));
	if (r) {
		pr_err("cannot annotate: %s", err);
		return r;
	}
	src = src_cache__new();	/* NULL: lines without their text */
	if (a->fmt == REPORT_FMT_JSON) {
		json__init(&j, f);
		report_json__head(&j, "annotate", fp, type, a);
		json__key(&j, "symbol");
		json__string(&j, an->symbol);
		json__key(&j, "file");
		json__string(&j, an->file);
		json__key(&j, "start");
		json__int(&j, (int64_t)an->start);
		json__key(&j, "size");
		json__int(&j, (int64_t)an->size);
		json__key(&j, "total");
		json__double(&j, an->total);
		json__key(&j, "unplaced");
		json__double(&j, an->unplaced);
		json__key(&j, "instructions");
		json__begin_array(&j);
		for (i = 0; i < an->nr_insns; i++) {
			json__begin_object(&j);
			json__key(&j, "addr");
			json__int(&j, (int64_t)an->insns[i].addr);
			json__key(&j, "text");
			json__string(&j, an->insns[i].text);
			json__key(&j, "samples");
			json__double(&j, an->insns[i].value);
			json__key(&j, "pct");
			json__fixed(&j, report_pct(an->insns[i].value,
						   an->total), 4);
			if (an->insns[i].src_file) {
				json__key(&j, "source_file");
				json__string(&j, an->insns[i].src_file);
				json__key(&j, "source_line");
				json__int(&j, an->insns[i].src_line);
			}
			json__end_object(&j);
		}
		json__end_array(&j);
		json__end_object(&j);
		json__finish(&j);
	} else {
		fprintf(f, "# ebprof report: annotation of %s in %s "
			"(%#llx, %llu bytes), ", an->symbol, an->file,
			(unsigned long long)an->start,
			(unsigned long long)an->size);
		report_value__print(f, 0, an->total);
		fprintf(f, " samples");
		if (an->unplaced) {
			fprintf(f, ", ");
			report_value__print(f, 0, an->unplaced);
			fprintf(f, " outside the symbol");
		}
		fprintf(f, "\n#  Percent   Samples  Address  Instruction\n");
		for (i = 0; i < an->nr_insns; i++) {
			const struct annotate_insn *in = &an->insns[i];
			const struct annotate_insn *prev = i ? in - 1 : NULL;

			/* the source line, where it changes */
			if (in->src_file && (!prev || !prev->src_file ||
					     prev->src_line != in->src_line ||
					     strcmp(prev->src_file,
						    in->src_file))) {
				const char *t = src_cache__line(src,
						in->src_file, in->src_line);
				const char *b = strrchr(in->src_file, '/');

				fprintf(f, "%20s%s:%d%s%s\n", "",
					b ? b + 1 : in->src_file,
					in->src_line, t ? "  " : "",
					t ? t : "");
			}
			if (in->value)
				fprintf(f, "%8.2f%% ", report_pct(in->value,
							   an->total));
			else
				fprintf(f, "%9s ", "");
			if (in->value)
				report_value__print(f, 9, in->value);
			else
				fprintf(f, "%9s", "");
			fprintf(f, "  %7llx:  %s\n",
				(unsigned long long)in->addr, in->text);
		}
	}
	src_cache__free(src);
	annotation__free(an);
	return 0;
}
