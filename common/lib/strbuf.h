/* SPDX-License-Identifier: GPL-2.0 */
/* A growable, always NUL-terminated byte buffer. */
#ifndef EBPROF_STRBUF_H
#define EBPROF_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len, cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

int strbuf__grow(struct strbuf *sb, size_t extra);
int strbuf__add(struct strbuf *sb, const void *data, size_t len);
int strbuf__adds(struct strbuf *sb, const char *s);
int strbuf__addch(struct strbuf *sb, char c);
int strbuf__addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf__reset(struct strbuf *sb);
void strbuf__release(struct strbuf *sb);

#endif
