// SPDX-License-Identifier: GPL-2.0
/* Growing arrays; see array.h. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/array.h"

int array__grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *n;

	if (need <= *cap)
		return 0;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			return -ENOMEM;
		c *= 2;
	}
	n = realloc(*arr, c * size);
	if (!n)
		return -ENOMEM;
	*arr = n;
	*cap = c;
	return 0;
}
