// SPDX-License-Identifier: GPL-2.0
/* Open-addressing hash index with linear probing; see hashmap.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hashmap.h"

void hashmap__init(struct hashmap *h)
{
	memset(h, 0, sizeof(*h));
}

void hashmap__release(struct hashmap *h)
{
	free(h->slots);
	hashmap__init(h);
}

uint32_t hashmap__find(const struct hashmap *h, uint64_t hash,
		       hashmap_eq_fn eq, const void *key, void *ctx)
{
	size_t mask, i;

	if (!h->cap)
		return 0;
	mask = h->cap - 1;
	for (i = hash & mask;; i = (i + 1) & mask) {
		const struct hashmap_slot *s = &h->slots[i];

		if (!s->id)
			return 0;
		if (s->hash == hash && eq(s->id, key, ctx))
			return s->id;
	}
}

static void slot_put(struct hashmap_slot *slots, size_t cap, uint64_t hash,
		     uint32_t id)
{
	size_t mask = cap - 1, i;

	for (i = hash & mask; slots[i].id; i = (i + 1) & mask)
		;
	slots[i].hash = hash;
	slots[i].id = id;
}

static int grow(struct hashmap *h)
{
	size_t cap = h->cap ? h->cap * 2 : 64, i;
	struct hashmap_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < h->cap; i++)
		if (h->slots[i].id)
			slot_put(slots, cap, h->slots[i].hash, h->slots[i].id);
	free(h->slots);
	h->slots = slots;
	h->cap = cap;
	return 0;
}

int hashmap__insert(struct hashmap *h, uint64_t hash, uint32_t id)
{
	/* Keep the load factor under 1/2 so probes stay short. */
	if ((h->count + 1) * 2 > h->cap && grow(h))
		return -ENOMEM;
	slot_put(h->slots, h->cap, hash, id);
	h->count++;
	return 0;
}

uint64_t hash__bytes(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = hash__u64(len, seed), w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = hash__u64(w ^ h, 0);
		p += 8;
		len -= 8;
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		h = hash__u64(w ^ h, 1);
	}
	return h;
}
