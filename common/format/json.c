// SPDX-License-Identifier: GPL-2.0
/* Streaming JSON writer; see json.h. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "format/json.h"
#include "lib/utf8.h"

void json__init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first = true;
	j->after_key = false;
}

static void indent(struct json *j)
{
	int i;

	fputc('\n', j->f);
	/*
	 * Bounded, or a deep call graph (thousands of levels) would be
	 * mostly spaces: quadratic in the depth.
	 */
	for (i = 0; i < j->depth && i < JSON_MAX_INDENT; i++)
		fputs("  ", j->f);
}

/* Separator and indentation before a value or a key. */
static void before_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
	} else {
		if (!j->first)
			fputc(',', j->f);
		if (j->depth)
			indent(j);
	}
	j->first = false;
}

static void begin(struct json *j, char c)
{
	before_value(j);
	fputc(c, j->f);
	j->depth++;
	j->first = true;
}

static void end(struct json *j, char c)
{
	j->depth--;
	if (!j->first)
		indent(j);
	fputc(c, j->f);
	j->first = false;
}

void json__begin_object(struct json *j) { begin(j, '{'); }
void json__end_object(struct json *j) { end(j, '}'); }
void json__begin_array(struct json *j) { begin(j, '['); }
void json__end_array(struct json *j) { end(j, ']'); }

void json__escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;

	while (*s) {
		size_t n;

		switch (*s) {
		case '"': fputs("\\\"", f); s++; continue;
		case '\\': fputs("\\\\", f); s++; continue;
		case '\n': fputs("\\n", f); s++; continue;
		case '\r': fputs("\\r", f); s++; continue;
		case '\t': fputs("\\t", f); s++; continue;
		case '\b': fputs("\\b", f); s++; continue;
		case '\f': fputs("\\f", f); s++; continue;
		}
		if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s);
			s++;
			continue;
		}
		n = utf8__decode(s, &cp);
		if (!n) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		fwrite(s, 1, n, f);
		s += n;
	}
}

void json__key(struct json *j, const char *key)
{
	before_value(j);
	fputc('"', j->f);
	json__escape(j->f, key);
	fputs("\": ", j->f);
	j->after_key = true;
}

void json__string(struct json *j, const char *s)
{
	if (!s) {
		json__null(j);
		return;
	}
	before_value(j);
	fputc('"', j->f);
	json__escape(j->f, s);
	fputc('"', j->f);
}

void json__int(struct json *j, int64_t v)
{
	before_value(j);
	fprintf(j->f, "%" PRId64, v);
}

void json__double(struct json *j, double v)
{
	if (!isfinite(v)) {
		json__null(j);
		return;
	}
	before_value(j);
	if (v == floor(v) && fabs(v) < 9e15)
		fprintf(j->f, "%.0f", v);
	else
		fprintf(j->f, "%.17g", v);
}

void json__fixed(struct json *j, double v, int decimals)
{
	if (!isfinite(v)) {
		json__null(j);
		return;
	}
	before_value(j);
	/* "-0.0000" is valid JSON but confusing in diffs. */
	if (fabs(v) < 0.5 * pow(10, -decimals))
		v = 0;
	fprintf(j->f, "%.*f", decimals, v);
}

void json__bool(struct json *j, bool v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->f);
}

void json__null(struct json *j)
{
	before_value(j);
	fputs("null", j->f);
}

int json__finish(struct json *j)
{
	fputc('\n', j->f);
	return ferror(j->f) ? -EIO : 0;
}
