/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An open-addressing index: 64-bit hash -> 32-bit id (ids are never 0).
 * The caller owns the keys (usually an array indexed by id) and supplies the
 * equality test, so one table type serves strings, frames, stacks and maps.
 * It is not a general container: no deletion.
 */
#ifndef EBPROF_HASHMAP_H
#define EBPROF_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hashmap_slot {
	uint64_t hash;
	uint32_t id;		/* 0: empty */
};

struct hashmap {
	struct hashmap_slot *slots;
	size_t cap;		/* power of two, or 0 */
	size_t count;
};

/* Does the entry with this id equal @key? */
typedef bool (*hashmap_eq_fn)(uint32_t id, const void *key, void *ctx);

void hashmap__init(struct hashmap *h);
void hashmap__release(struct hashmap *h);
/* Id of the entry equal to @key with this hash, or 0. */
uint32_t hashmap__find(const struct hashmap *h, uint64_t hash,
		       hashmap_eq_fn eq, const void *key, void *ctx);
/* Adds an entry known to be absent.  0 or -ENOMEM. */
int hashmap__insert(struct hashmap *h, uint64_t hash, uint32_t id);

/* A fast, well-mixed hash of a byte string, chainable through @seed. */
uint64_t hash__bytes(const void *data, size_t len, uint64_t seed);
static inline uint64_t hash__u64(uint64_t x, uint64_t seed)
{
	x ^= seed + 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#endif
