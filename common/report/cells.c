// SPDX-License-Identifier: GPL-2.0
/*
 * The pieces every report table shares (see cells.h): a frame kind as a
 * tag or a name, values and percentages, the key columns of a row in text,
 * Markdown and JSON, and the head of a JSON report.  Not here: the tables
 * themselves (rank.c, diff.c, tree.c) or what they rank (profile/report.c).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/cells.h"

#define JSON_SCHEMA	1

const char *report_kind__tag(uint8_t kind)
{
	switch (kind) {
	case PF_KERNEL: return "[k]";
	case PF_JIT: return "[j]";
	case PF_INLINE: return "[i]";
	default: return "[.]";
	}
}

const char *report_kind__name(uint8_t kind)
{
	static const char *const names[PF_NR_KINDS] = {
		[PF_USER] = "user", [PF_KERNEL] = "kernel", [PF_JIT] = "jit",
		[PF_INLINE] = "inline", [PF_WAKER] = "waker",
	};

	return kind < PF_NR_KINDS ? names[kind] : "user";
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

void report_value__print(FILE *f, int width, double v)
{
	if (v == floor(v) && fabs(v) < 1e18)
		fprintf(f, "%*.0f", width, v);
	else
		fprintf(f, "%*.2f", width, v);
}

double report_pct(double v, double total)
{
	return total ? 100 * v / total : 0;
}

/* Text of column @k of @id into @buf. */
const char *report_cell__text(const struct report_id *id, enum report_key k,
			      char *buf, size_t len, bool text)
{
	switch (k) {
	case REPORT_KEY_SYM:
		if (text)
			snprintf(buf, len, "%s %s", report_kind__tag(id->kind),
				 id->sym);
		else
			snprintf(buf, len, "%s", id->sym);
		return buf;
	case REPORT_KEY_DSO:
		return text ? base_name(id->dso) : id->dso;
	case REPORT_KEY_COMM:
		return id->comm;
	case REPORT_KEY_PID:
		snprintf(buf, len, "%d", id->pid);
		return buf;
	case REPORT_KEY_CONTAINER:
		return id->container;
	default:
		return "";
	}
}

static const char *const key_titles[REPORT_NR_KEYS] = {
	[REPORT_KEY_SYM] = "Symbol", [REPORT_KEY_DSO] = "Module",
	[REPORT_KEY_COMM] = "Command", [REPORT_KEY_PID] = "Pid",
	[REPORT_KEY_CONTAINER] = "Container",
};

/* Width of each key column over rows [0, n), capped. */
void report_cells__widths(const struct report_keys *keys,
			  const struct report_id *(*get)(const void *, size_t),
			  const void *rows, size_t n, int *w)
{
	char buf[4096];
	size_t i, k;

	for (k = 0; k < keys->nr; k++) {
		w[k] = strlen(key_titles[keys->k[k]]);
		for (i = 0; i < n; i++) {
			int l = strlen(report_cell__text(get(rows, i),
							 keys->k[k], buf,
							 sizeof(buf), true));

			if (l > w[k])
				w[k] = l;
		}
		if (w[k] > 32)
			w[k] = 32;
	}
}

void report_cells__print(FILE *f, const struct report_keys *keys,
			 const struct report_id *id, const int *w)
{
	char buf[4096];
	size_t k;

	for (k = 0; k < keys->nr; k++) {
		const char *s = id ? report_cell__text(id, keys->k[k], buf,
						       sizeof(buf), true) :
				     key_titles[keys->k[k]];

		if (k + 1 < keys->nr)
			fprintf(f, "  %-*s", w[k], s);
		else
			fprintf(f, "  %s", s);
	}
	fputc('\n', f);
}

/* Markdown table cell text: punctuation that means something, escaped. */
static void md_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (c < 0x20 || c == 0x7f)
			c = '?';
		if (strchr("\\`*_[]<>|~#", c))
			fputc('\\', f);
		fputc(c, f);
	}
}

void report_cells__markdown(FILE *f, const struct report_keys *keys,
			    const struct report_id *id)
{
	char buf[4096];
	size_t k;

	for (k = 0; k < keys->nr; k++) {
		fputs(" ", f);
		if (id)
			md_escape(f, report_cell__text(id, keys->k[k], buf,
						       sizeof(buf),
						       keys->k[k] !=
						       REPORT_KEY_SYM));
		else
			fputs(key_titles[keys->k[k]], f);
		fputs(" |", f);
	}
}

void report_cells__json(struct json *j, const struct report_keys *keys,
			const struct report_id *id)
{
	size_t k;

	for (k = 0; k < keys->nr; k++) {
		switch (keys->k[k]) {
		case REPORT_KEY_SYM:
			json__key(j, "sym");
			json__string(j, id->sym);
			json__key(j, "kind");
			json__string(j, report_kind__name(id->kind));
			break;
		case REPORT_KEY_DSO:
			json__key(j, "dso");
			json__string(j, id->dso);
			break;
		case REPORT_KEY_COMM:
			json__key(j, "comm");
			json__string(j, id->comm);
			break;
		case REPORT_KEY_PID:
			json__key(j, "pid");
			json__int(j, id->pid);
			break;
		case REPORT_KEY_CONTAINER:
			json__key(j, "container");
			json__string(j, id->container);
			break;
		default:
			break;
		}
	}
}

void report_json__head(struct json *j, const char *mode,
		       const struct profile *p, size_t type,
		       const struct report_view *a)
{
	size_t i;

	json__begin_object(j);
	json__key(j, "schema");
	json__int(j, JSON_SCHEMA);
	json__key(j, "mode");
	json__string(j, mode);
	json__key(j, "inputs");
	json__begin_array(j);
	for (i = 0; i < a->nr_inputs; i++)
		json__string(j, a->inputs[i]);
	json__end_array(j);
	json__key(j, "sample_type");
	json__string(j, p->types[type].type);
	json__key(j, "unit");
	json__string(j, p->types[type].unit);
}

void report_json__sort(struct json *j, const struct report_keys *keys)
{
	size_t k;

	json__key(j, "sort");
	json__begin_array(j);
	for (k = 0; k < keys->nr; k++)
		json__string(j, report_key__name(keys->k[k]));
	json__end_array(j);
}
