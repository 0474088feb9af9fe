// SPDX-License-Identifier: GPL-2.0
/* Thresholds that keep at most N values; see topn.h. */
#include <math.h>
#include <stdlib.h>

#include "lib/topn.h"

static int cmp_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y) - (x > y);
}

double topn__threshold(double *vals, size_t n, size_t max)
{
	if (n <= max)
		return -INFINITY;
	qsort(vals, n, sizeof(*vals), cmp_desc);
	return nextafter(vals[max], INFINITY);
}
