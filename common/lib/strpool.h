/* SPDX-License-Identifier: GPL-2.0 */
/*
 * String interning: one copy of each distinct string, stable pointers, so
 * interned strings compare by pointer.  Memory is freed all at once.
 */
#ifndef EBPROF_STRPOOL_H
#define EBPROF_STRPOOL_H

#include <stddef.h>

#include "lib/hashmap.h"

struct strpool {
	struct hashmap idx;
	const char **strs;	/* id i at strs[i - 1] */
	size_t nr, cap;
	char *chunk;		/* current arena chunk */
	size_t chunk_used, chunk_size;
	void **chunks;		/* every chunk, for release */
	size_t nr_chunks;
};

void strpool__init(struct strpool *sp);
void strpool__release(struct strpool *sp);
/* 1-based id of s[0..len), ids given in order of first sight; 0 on ENOMEM. */
uint32_t strpool__id(struct strpool *sp, const char *s, size_t len);
/* Interned copy of s[0..len), NUL-terminated; NULL on ENOMEM. */
const char *strpool__intern_len(struct strpool *sp, const char *s, size_t len);
const char *strpool__intern(struct strpool *sp, const char *s);

#endif
