// SPDX-License-Identifier: GPL-2.0
/* Frame-pointer walk over a copied user stack (see fp_walk.h). */
#include <string.h>

#include "unwind/fp_walk.h"

static int read_word(const uint8_t *stack, size_t size, uint64_t sp,
		     uint64_t addr, uint64_t *v)
{
	if (addr < sp || addr - sp > size || size - (addr - sp) < sizeof(*v))
		return -1;
	memcpy(v, stack + (addr - sp), sizeof(*v));
	return 0;
}

int fp_walk__stack(uint64_t ip, uint64_t sp, uint64_t bp,
		   const uint8_t *stack, size_t size, uint64_t *ips, int max)
{
	int n = 0;

	if (max <= 0 || !ip)
		return 0;
	ips[n++] = ip;
	while (n < max) {
		uint64_t ret, next;

		if (read_word(stack, size, sp, bp + 8, &ret) ||
		    read_word(stack, size, sp, bp, &next) || !ret)
			break;
		ips[n++] = ret;
		if (next <= bp)
			break;
		bp = next;
	}
	return n;
}
