// SPDX-License-Identifier: GPL-2.0
/* String interning in arena chunks; see strpool.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strpool.h"

#define CHUNK_SIZE (64 * 1024)

struct strkey {
	const char *s;
	size_t len;
};

void strpool__init(struct strpool *sp)
{
	memset(sp, 0, sizeof(*sp));
	hashmap__init(&sp->idx);
}

void strpool__release(struct strpool *sp)
{
	size_t i;

	for (i = 0; i < sp->nr_chunks; i++)
		free(sp->chunks[i]);
	free(sp->chunks);
	free(sp->strs);
	hashmap__release(&sp->idx);
	strpool__init(sp);
}

static bool str_eq(uint32_t id, const void *key, void *ctx)
{
	const struct strkey *k = key;
	const char *s = ((struct strpool *)ctx)->strs[id - 1];

	return !strncmp(s, k->s, k->len) && s[k->len] == '\0';
}

static char *arena_alloc(struct strpool *sp, size_t n)
{
	char *p;

	if (sp->chunk_used + n > sp->chunk_size) {
		size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
		void **chunks = realloc(sp->chunks,
					(sp->nr_chunks + 1) * sizeof(*chunks));

		if (!chunks)
			return NULL;
		sp->chunks = chunks;
		sp->chunk = malloc(size);
		if (!sp->chunk)
			return NULL;
		sp->chunks[sp->nr_chunks++] = sp->chunk;
		sp->chunk_size = size;
		sp->chunk_used = 0;
	}
	p = sp->chunk + sp->chunk_used;
	sp->chunk_used += n;
	return p;
}

uint32_t strpool__id(struct strpool *sp, const char *s, size_t len)
{
	struct strkey key = { s, len };
	uint64_t hash = hash__bytes(s, len, 0);
	uint32_t id = hashmap__find(&sp->idx, hash, str_eq, &key, sp);
	char *copy;

	if (id)
		return id;
	if (sp->nr == sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 256;
		const char **strs = realloc(sp->strs, cap * sizeof(*strs));

		if (!strs)
			return 0;
		sp->strs = strs;
		sp->cap = cap;
	}
	copy = arena_alloc(sp, len + 1);
	if (!copy)
		return 0;
	memcpy(copy, s, len);
	copy[len] = '\0';
	sp->strs[sp->nr++] = copy;
	if (hashmap__insert(&sp->idx, hash, sp->nr)) {
		sp->nr--;
		return 0;
	}
	return sp->nr;
}

const char *strpool__intern_len(struct strpool *sp, const char *s, size_t len)
{
	uint32_t id = strpool__id(sp, s, len);

	return id ? sp->strs[id - 1] : NULL;
}

const char *strpool__intern(struct strpool *sp, const char *s)
{
	return s ? strpool__intern_len(sp, s, strlen(s)) : NULL;
}
