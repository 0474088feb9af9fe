/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: objects, arrays, keys, strings, numbers,
 * booleans and null, written straight to a FILE.  Strings are escaped and
 * made valid UTF-8 (invalid bytes become U+FFFD), so hostile symbol names
 * cannot break the document.  It keeps no stack: the caller nests calls
 * correctly.  Not a parser.
 */
#ifndef EBPROF_JSON_H
#define EBPROF_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	int depth;		/* for indentation */
	bool first;		/* nothing written yet in this container */
	bool after_key;		/* a key was written, its value comes next */
};

/* Deeper nesting is not indented further. */
#define JSON_MAX_INDENT 32

void json__init(struct json *j, FILE *f);
void json__begin_object(struct json *j);
void json__end_object(struct json *j);
void json__begin_array(struct json *j);
void json__end_array(struct json *j);
void json__key(struct json *j, const char *key);
void json__string(struct json *j, const char *s);	/* NULL: null */
void json__int(struct json *j, int64_t v);
/* Integral values print as integers; NaN and infinities as null. */
void json__double(struct json *j, double v);
/* @v rounded to @decimals places (percentages). */
void json__fixed(struct json *j, double v, int decimals);
void json__bool(struct json *j, bool v);
void json__null(struct json *j);
/* Ends the document with a newline; 0 or -EIO when writing failed. */
int json__finish(struct json *j);

/* Appends @s escaped for a JSON string body (no quotes) to @f. */
void json__escape(FILE *f, const char *s);

#endif
