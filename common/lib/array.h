/* SPDX-License-Identifier: GPL-2.0 */
/* Growing arrays: the one realloc-doubling helper the containers share. */
#ifndef EBPROF_ARRAY_H
#define EBPROF_ARRAY_H

#include <stddef.h>

/*
 * Makes *@arr (of *@cap elements of @size bytes) hold at least @need
 * elements, doubling from 64; 0 or -ENOMEM (the array is then unchanged).
 */
int array__grow(void **arr, size_t *cap, size_t need, size_t size);

#endif
