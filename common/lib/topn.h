/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounding how much is shown: the threshold that keeps at most N of a set
 * of values (frames of a flame graph, nodes of a call tree), so that a
 * small hostile input cannot make huge output.  Not here: what is shown.
 */
#ifndef EBPROF_TOPN_H
#define EBPROF_TOPN_H

#include <stddef.h>

/*
 * The smallest threshold above which (>=) at most @max of @vals[0..n)
 * lie; values tied with the first left out are left out too.  Sorts @vals
 * (largest first).  -INFINITY when n <= max.
 */
double topn__threshold(double *vals, size_t n, size_t max);

#endif
